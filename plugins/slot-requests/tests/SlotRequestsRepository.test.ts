import { expect } from 'chai';
import { InvalidInputError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

for (const engine of engines) {
	describe(`SlotRequestsRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			// This plugin's repositories only: the plugin stands on its own.
			migrated = await openMigratedDatabase(engine, 'slot_requests', repositoriesOf(manifest));
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, ['slot_requests']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		it('picks every open request once when moderators pick at the same time', async () => {
			for (const user of ['u1', 'u2', 'u3', 'u4']) await a.slotRequests.add(user, `Slot ${user}`);
			await b.slotRequests.add('other', 'Other slot');

			const picks = await Promise.all(Array.from({ length: 9 }, () => a.slotRequests.pick(null)));
			const picked = picks.filter((pick) => pick !== null).map((pick) => pick!.request.kickUsername);
			expect(picked.sort()).to.deep.equal(['u1', 'u2', 'u3', 'u4']);
			expect(await a.slotRequests.listOpen()).to.have.length(0);
			expect((await b.slotRequests.listOpen()).map((request) => request.kickUsername)).to.deep.equal(['other']);
		});

		it('marks and clears only its own server’s open requests', async () => {
			const mine = await a.slotRequests.add('bob', 'Gates of Olympus');
			const theirs = await b.slotRequests.add('bob', 'Sugar Rush');
			expect(await a.slotRequests.markPicked(theirs.id)).to.equal(false);
			expect(await a.slotRequests.get(theirs.id)).to.equal(null);
			expect(await a.slotRequests.openCountFor('bob')).to.equal(1);
			expect(await a.slotRequests.clearOpen()).to.equal(1);
			expect((await b.slotRequests.listOpen()).map((request) => request.id)).to.deep.equal([theirs.id]);
			expect(await a.slotRequests.markPicked(mine.id)).to.equal(false);
			expect(await rejection(a.slotRequests.add('bob', '  '))).to.be.an.instanceOf(InvalidInputError);
		});
	});
}
