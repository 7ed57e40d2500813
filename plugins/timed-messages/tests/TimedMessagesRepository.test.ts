import { expect } from 'chai';
import { InvalidInputError, NotFoundError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

for (const engine of engines) {
	describe(`TimedMessagesRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			// This plugin's repositories only: the plugin stands on its own.
			migrated = await openMigratedDatabase(engine, 'timed_messages', repositoriesOf(manifest));
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, ['timed_messages']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		it('hands each interval of a message to exactly one of several racing claims', async () => {
			const message = await a.timedMessages.create({ message: 'Follow!', intervalMinutes: 10 });
			const start = new Date('2026-01-01T12:00:00Z');

			const claims = await Promise.all(Array.from({ length: 8 }, () => a.timedMessages.claim(message.id, start)));
			expect(claims.filter(Boolean)).to.have.length(1);
			expect(await a.timedMessages.claim(message.id, new Date(start.getTime() + 9 * 60_000))).to.equal(false);
			expect(await a.timedMessages.due(new Date(start.getTime() + 9 * 60_000))).to.have.length(0);
			expect((await a.timedMessages.due(new Date(start.getTime() + 10 * 60_000))).map((due) => due.id)).to.deep.equal([message.id]);
			expect(await b.timedMessages.claim(message.id, new Date(start.getTime() + 60 * 60_000))).to.equal(false);
			expect(await a.timedMessages.claim(message.id, new Date(start.getTime() + 10 * 60_000))).to.equal(true);
		});

		it('refuses intervals under a minute and empty messages; updates only its own server’s', async () => {
			expect(await rejection(a.timedMessages.create({ message: 'x', intervalMinutes: 0 }))).to.be.an.instanceOf(InvalidInputError);
			expect(await rejection(a.timedMessages.create({ message: ' ', intervalMinutes: 5 }))).to.be.an.instanceOf(InvalidInputError);
			const message = await a.timedMessages.create({ message: 'Hi', intervalMinutes: 5 });
			expect(await rejection(b.timedMessages.update(message.id, { enabled: false }))).to.be.an.instanceOf(NotFoundError);
			expect(await b.timedMessages.delete(message.id)).to.equal(false);
			expect((await a.timedMessages.update(message.id, { enabled: false })).enabled).to.equal(false);
			expect(await a.timedMessages.due(new Date())).to.have.length(0);
		});
	});
}
