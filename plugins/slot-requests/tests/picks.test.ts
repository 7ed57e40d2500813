import { expect } from 'chai';
import { commitSeed, seedCommitment } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { drawPick, verifyPick, type StoredPick } from '../lib/pickFairness.js';
import { answerVerify } from '../lib/slotAnswers.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const SEED = 'a'.repeat(64);

describe('slot-requests: fair picks', () => {
	it('draws from the seed, server, nonce and queue alone, and verifies; any change of the record is found', () => {
		const input = { guildId: ALPHA, serverSeed: SEED, commitment: seedCommitment(SEED), nonce: 3, candidateIds: [4, 9, 17, 20, 31] };
		const draw = drawPick(input);
		expect(drawPick(input), 'the same inputs draw the same').to.deep.equal(draw);
		const pick: StoredPick = { ...input, ...draw };
		expect(verifyPick(pick)).to.deep.equal([]);
		expect(verifyPick({ ...pick, requestId: pick.candidateIds[(pick.index + 1) % 5]! })).to.have.length(1);
		expect(verifyPick({ ...pick, candidateIds: [...pick.candidateIds, 40] })).to.include('the client seed is not the one the queue gives');
		expect(verifyPick({ ...pick, commitment: seedCommitment('b'.repeat(64)) })).to.include('the server seed does not match the commitment');
		expect(verifyPick({ ...pick, guildId: BETA })).to.include('the client seed is not the one the queue gives');
		expect(() => drawPick({ ...input, serverSeed: 'b'.repeat(64) })).to.throw('does not match its commitment');
	});

	it('picks every place about as often (no bias from the queue’s length)', () => {
		const counts = [0, 0, 0];
		for (let nonce = 1; nonce <= 3000; nonce++) {
			const { serverSeed, commitment } = commitSeed();
			counts[drawPick({ guildId: ALPHA, serverSeed, commitment, nonce, candidateIds: [1, 2, 3] }).index]! += 1;
		}
		for (const count of counts) expect(count).to.be.within(880, 1120);
	});

	for (const engine of engines) {
		describe(`stored picks (${engine.name})`, () => {
			let migrated: MigratedDatabase;
			before(async () => {
				migrated = await openMigratedDatabase(engine, 'slot_picks', repositoriesOf(manifest));
			});
			after(() => migrated.close());
			beforeEach(() => deleteRows(migrated.database, ['slot_picks', 'slot_requests', 'slot_request_state']));

			it('reveals the seed committed before each pick, commits the next, and /slots verify recomputes it', async () => {
				const alpha = migrated.database.forGuild(ALPHA);
				for (const user of ['amy', 'ben', 'cid']) await alpha.slotRequests.add(user, `Slot of ${user}`);
				const shown = (await alpha.slotRequests.state()).nextCommitment;
				const first = (await alpha.slotRequests.pick('42'))!;
				expect(first.pick).to.include({ nonce: 1, commitment: shown, requestId: first.request.id, pickedByDiscordId: '42' });
				expect(seedCommitment(first.pick.serverSeed)).to.equal(shown);
				const next = (await alpha.slotRequests.state()).nextCommitment;
				expect(next).to.not.equal(shown);
				const second = (await alpha.slotRequests.pick(null))!;
				expect(second.pick).to.include({ nonce: 2, commitment: next });
				expect(second.pick.candidateIds, 'drawn from what was open').to.have.length(2);
				expect((await alpha.slotRequests.currentPick())!.request.id).to.equal(second.request.id);
				expect((await answerVerify({ db: alpha }, 1)).content).to.match(/^✅ Pick #1 verifies\./);
				expect((await answerVerify({ db: migrated.database.forGuild(BETA) }, 1)).content, 'another server has no pick #1').to.equal(
					'There is no pick #1 here.'
				);
				// Tampering with the stored record is found.
				const session = await migrated.database.connection.openSession();
				await session.exec('UPDATE slot_picks SET drawn_index = (drawn_index + 1) % 3 WHERE nonce = 1').finally(() => session.release());
				expect((await answerVerify({ db: alpha }, 1)).content).to.match(/^❌ Pick #1 does not verify: /);
			});
		});
	}
});
