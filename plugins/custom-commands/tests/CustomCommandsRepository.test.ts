import { expect } from 'chai';
import { ConflictError, InvalidInputError, NotFoundError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

for (const engine of engines) {
	describe(`CustomCommandsRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			// This plugin's repositories only: the plugin stands on its own.
			migrated = await openMigratedDatabase(engine, 'custom_commands', repositoriesOf(manifest));
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, ['custom_commands']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		it('refuses a second command of the same name in the server, in any case, but not in another server', async () => {
			await a.customCommands.create({ name: 'discord', response: 'Join us' });
			expect(await rejection(a.customCommands.create({ name: 'DISCORD', response: 'again' }))).to.be.an.instanceOf(ConflictError);
			await b.customCommands.create({ name: 'discord', response: 'Our server' });
			expect((await a.customCommands.findByName('Discord'))?.response).to.equal('Join us');
			expect((await b.customCommands.findByName('discord'))?.response).to.equal('Our server');
		});

		it('lets exactly one of several racing creates of one name win', async () => {
			const results = await Promise.allSettled(Array.from({ length: 6 }, (_, index) => a.customCommands.create({ name: 'race', response: `r${index}` })));
			expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
			expect(results.filter((result) => result.status === 'rejected').every((result) => result.reason instanceof ConflictError)).to.equal(true);
			expect(await a.customCommands.list()).to.have.length(1);
		});

		it('updates, counts uses and deletes by id inside the server; another server’s id is not found there', async () => {
			const command = await a.customCommands.create({ name: 'hi', response: 'Hello {user}', cooldownSeconds: 5 });
			expect((await a.customCommands.update(command.id, { response: 'Hey {user}', enabled: false })).response).to.equal('Hey {user}');
			expect(await a.customCommands.recordUse(command.id)).to.equal(1);

			expect(await rejection(b.customCommands.update(command.id, { response: 'hijacked' }))).to.be.an.instanceOf(NotFoundError);
			expect(await b.customCommands.recordUse(command.id)).to.equal(null);
			expect(await b.customCommands.delete(command.id)).to.equal(false);
			expect(await b.customCommands.get(command.id)).to.equal(null);
			const kept = await a.customCommands.get(command.id);
			expect({ response: kept?.response, enabled: kept?.enabled, uses: kept?.useCount }).to.deep.equal({
				response: 'Hey {user}',
				enabled: false,
				uses: 1
			});
			expect(await a.customCommands.delete(command.id)).to.equal(true);
		});

		it('refuses bad names, responses and cooldowns with a message, writing nothing', async () => {
			for (const bad of [{ name: '!hi' }, { name: 'two words' }, { name: '' }, { response: '   ' }, { cooldownSeconds: -1 }, { cooldownSeconds: 1.5 }]) {
				const error = await rejection(a.customCommands.create({ name: 'ok', response: 'fine', ...bad }));
				expect(error, JSON.stringify(bad)).to.be.an.instanceOf(InvalidInputError);
			}
			expect(await a.customCommands.list()).to.have.length(0);
		});
	});
}
