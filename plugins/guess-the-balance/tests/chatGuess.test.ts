import { expect } from 'chai';
import type { GuildSettings } from '#core';
import { countedDatabase } from '#test/helpers/countedDatabase';
import { openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { answerChatGuess, type Chatter } from '../lib/chatGuess.js';
import { openRounds } from '../lib/OpenRounds.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000011n;
const BETA = 100000000000000012n;
const SETTINGS = { get: (key: string) => (key === 'plugins_off' ? [] : null) } as unknown as GuildSettings;
const vic: Chatter = { userId: '501', username: 'viewer_vic' };
const val: Chatter = { userId: '502', username: 'viewer_val' };
const T0 = Date.UTC(2030, 0, 1, 20, 0, 0);

describe('guess-the-balance: !gtb in Kick chat', function () {
	this.timeout(30_000);
	let migrated: MigratedDatabase;
	let counted: ReturnType<typeof countedDatabase>;
	let clock = T0;
	const overlayChanges: string[] = [];

	const contextOf = (guildId: bigint) =>
		testGuildContext({
			guildId,
			settings: SETTINGS,
			db: counted.database.forGuild(guildId),
			overlayChanged: (name) => void overlayChanges.push(`${guildId}:${name}`)
		});
	/** What the chat answers a chatter's `!gtb <typed>`, and the statements it cost. */
	async function chat(guildId: bigint, chatter: Chatter, typed: string) {
		const before = counted.statements.length;
		clock += 1000;
		const answer = await answerChatGuess(contextOf(guildId), chatter, typed, new Date(clock), '!');
		return { answer, statements: counted.statements.slice(before) };
	}
	const guessesOf = (guildId: bigint) => migrated.database.forGuild(guildId).gtb.guesses(1);

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'gtb_chat', repositoriesOf(manifest));
		counted = countedDatabase(migrated.database, repositoriesOf(manifest));
		openRounds.forget(ALPHA);
		openRounds.forget(BETA);
	});
	after(() => migrated.close());

	it('says no round is open, to a guess and to !gtb alone, and writes nothing', async () => {
		expect((await chat(ALPHA, vic, '1234.56')).answer).to.equal('@viewer_vic No guess the balance round is open right now.');
		expect((await chat(ALPHA, vic, '')).answer).to.equal('@viewer_vic No guess the balance round is open right now.');
		expect((await chat(ALPHA, vic, 'garbage')).statements, 'the cached answer costs nothing').to.deep.equal([]);
	});

	it('takes a guess silently in one statement once the round is known, and !gtb tells the viewer theirs', async () => {
		await migrated.database.forGuild(ALPHA).gtb.openRound(null);
		openRounds.forget(ALPHA);
		const first = await chat(ALPHA, vic, '$1,234.56');
		expect(first.answer).to.equal(null);
		expect(first.statements, 'the open round read, then the guess').to.have.length(2);
		const second = await chat(ALPHA, val, '1234');
		expect([second.answer, second.statements.length]).to.deep.equal([null, 1]);
		expect(second.statements[0]).to.match(/INSERT INTO gtb_guesses/);
		expect(overlayChanges, 'the overlay hears of each guess').to.deep.equal([`${ALPHA}:gtb`, `${ALPHA}:gtb`]);
		expect((await chat(ALPHA, vic, '')).answer).to.equal('@viewer_vic your guess in round #1 is $1,234.56.');
		expect((await chat(ALPHA, { userId: '503', username: 'ann' }, '')).answer).to.equal(
			'@ann you have not guessed in round #1 yet: type !gtb <amount>, like !gtb 1234.56.'
		);
	});

	it('replaces a viewer’s guess, amount and time', async () => {
		const before = (await guessesOf(ALPHA)).find((guess) => guess.kickUserId === '501')!;
		await chat(ALPHA, vic, '2000');
		const after = (await guessesOf(ALPHA)).find((guess) => guess.kickUserId === '501')!;
		expect(after.cents).to.equal(2000_00n);
		expect(after.guessedAt.getTime()).to.be.greaterThan(before.guessedAt.getTime());
		expect(await guessesOf(ALPHA)).to.have.length(2);
		expect((await chat(ALPHA, vic, '')).answer).to.equal('@viewer_vic your guess in round #1 is $2,000.00.');
	});

	it('answers every bad amount shortly, without a statement, and keeps the guess as it was', async () => {
		const answers: Record<string, string> = {
			'0': 'A guess must be more than $0.',
			'-5': 'A guess must be more than $0.',
			NaN: '"NaN" is not an amount: type it like 1234.56 or $1,234.56.',
			Infinity: '"Infinity" is not an amount: type it like 1234.56 or $1,234.56.',
			'1e9': '"1e9" is not an amount: type it like 1234.56 or $1,234.56.',
			'1000000000000': 'The most it can be is $999,999,999,999.99.',
			'12.345': 'Use at most 2 decimals (cents), like 1234.56.',
			'lots lol': '"lots lol" is not an amount: type it like 1234.56 or $1,234.56.'
		};
		for (const [typed, answer] of Object.entries(answers)) {
			const said = await chat(ALPHA, vic, typed);
			expect([said.answer, said.statements], typed).to.deep.equal([`@viewer_vic ${answer}`, []]);
		}
		expect((await guessesOf(ALPHA)).find((guess) => guess.kickUserId === '501')?.cents).to.equal(2000_00n);
		expect(overlayChanges, 'refusals change nothing the overlay shows').to.have.length(3);
	});

	it('keeps servers apart: Beta’s chat has no round while Alpha’s is open', async () => {
		expect((await chat(BETA, vic, '5')).answer).to.equal('@viewer_vic No guess the balance round is open right now.');
		expect(await migrated.database.forGuild(BETA).gtb.latestRound()).to.equal(null);
	});

	it('finds the round closed by another process (its word not arrived) and says so, then reads again', async () => {
		await migrated.database.forGuild(ALPHA).gtb.closeRound();
		const late = await chat(ALPHA, val, '77');
		expect(late.answer).to.equal('@viewer_val No guess the balance round is open right now.');
		expect((await guessesOf(ALPHA)).find((guess) => guess.kickUserId === '502')?.cents).to.equal(1234_00n);
		expect((await chat(ALPHA, val, '78')).statements, 'the open round read again: none').to.have.length(1);
	});
});
