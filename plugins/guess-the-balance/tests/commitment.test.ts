import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { canonicalGuessList, commitmentOf, matchesCommitment, type CommittedGuess } from '../lib/commitment.js';

const GUESSES: CommittedGuess[] = [
	{ kickUserId: '4242', kickUsername: 'viewer_vic', cents: 123456n, guessedAt: new Date('2026-12-31T20:15:03.120Z') },
	{ kickUserId: '77', kickUsername: 'Val', cents: 5n, guessedAt: new Date('2026-12-31T20:15:04Z') }
];

describe('guess-the-balance: the canonical guess list and its commitment', () => {
	it('writes one line per guess, kick_user_id,kick_username,amount,guessed_at_iso, each ended by a line feed', () => {
		expect(canonicalGuessList(GUESSES)).to.equal('4242,viewer_vic,1234.56,2026-12-31T20:15:03.120Z\n77,Val,0.05,2026-12-31T20:15:04.000Z\n');
		expect(canonicalGuessList([])).to.equal('');
	});

	it('commits to the sha256 of the list’s bytes in lower-case hex, as sha256sum prints it', () => {
		const list = canonicalGuessList(GUESSES);
		expect(commitmentOf(list)).to.equal(createHash('sha256').update(Buffer.from(list, 'utf8')).digest('hex'));
		expect(commitmentOf('')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		expect(matchesCommitment(Buffer.from(list), commitmentOf(list))).to.equal(true);
	});

	it('does not verify a list with any change: an amount, a time, the order, a guess left out or added', () => {
		const commitment = commitmentOf(canonicalGuessList(GUESSES));
		const [vic, val] = GUESSES as [CommittedGuess, CommittedGuess];
		const changed = [
			[{ ...vic, cents: 123457n }, val],
			[{ ...vic, guessedAt: new Date('2026-12-31T20:15:03.121Z') }, val],
			[val, vic],
			[vic],
			[vic, val, { ...val, kickUserId: '78' }]
		];
		for (const list of changed) expect(matchesCommitment(canonicalGuessList(list), commitment)).to.equal(false);
		expect(matchesCommitment(canonicalGuessList(GUESSES).replace(/\n$/, ''), commitment), 'without the last line feed').to.equal(false);
	});
});
