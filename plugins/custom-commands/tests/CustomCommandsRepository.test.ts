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
			expect(await a.customCommands.addUses(new Map([[command.id, 1]]))).to.equal(1);

			expect(await rejection(b.customCommands.update(command.id, { response: 'hijacked' }))).to.be.an.instanceOf(NotFoundError);
			expect(await b.customCommands.addUses(new Map([[command.id, 5]]))).to.equal(0);
			expect(await b.customCommands.delete(command.id)).to.equal(null);
			expect(await b.customCommands.get(command.id)).to.equal(null);
			const kept = await a.customCommands.get(command.id);
			expect({ response: kept?.response, enabled: kept?.enabled, uses: kept?.useCount }).to.deep.equal({
				response: 'Hey {user}',
				enabled: false,
				uses: 1
			});
			expect((await a.customCommands.delete(command.id))?.name).to.equal('hi');
		});

		it('answers to aliases in any case, refuses a word another command answers to, and keeps the rules it was given', async () => {
			const hi = await a.customCommands.create({
				name: 'hi',
				aliases: ['hello', 'Hey'],
				response: 'Hello {user}',
				access: 'vips',
				answersIn: 'kick',
				liveMode: 'live',
				userCooldownSeconds: 30,
				allowMentions: true
			});
			expect((await a.customCommands.findByName('HEY'))?.id).to.equal(hi.id);
			expect(await b.customCommands.findByName('hey')).to.equal(null);
			expect(await rejection(a.customCommands.create({ name: 'hello', response: 'x' }))).to.be.an.instanceOf(ConflictError);
			expect(await rejection(a.customCommands.create({ name: 'other', aliases: ['HI'], response: 'x' }))).to.be.an.instanceOf(ConflictError);
			const other = await a.customCommands.create({ name: 'other', response: 'x' });
			expect(await rejection(a.customCommands.update(other.id, { aliases: ['hey'] }))).to.be.an.instanceOf(ConflictError);
			expect((await a.customCommands.update(hi.id, { aliases: ['hey'] })).aliases, 'its own words stay free to it').to.deep.equal(['hey']);
			const stored = await a.customCommands.get(hi.id);
			expect(stored && { ...stored, createdAt: null, updatedAt: null }).to.deep.equal({
				...hi,
				aliases: ['hey'],
				createdAt: null,
				updatedAt: null
			});
		});

		it('adds uses counted in memory in one statement, up to the column’s largest value', async () => {
			const one = await a.customCommands.create({ name: 'one', response: '1' });
			const two = await a.customCommands.create({ name: 'two', response: '2' });
			expect(
				await a.customCommands.addUses(
					new Map([
						[one.id, 3],
						[two.id, 2_147_483_000],
						[999_999, 1]
					])
				)
			).to.equal(2);
			expect(await a.customCommands.addUses(new Map([[two.id, 5_000]]))).to.equal(1);
			expect((await a.customCommands.list()).map((command) => command.useCount)).to.deep.equal([3, 2_147_483_647]);
		});

		it('keeps a legacy row (only the old columns) answering as before: everyone, everywhere, always', async () => {
			// As the old bot and the dashboard write it: the legacy columns only.
			const session = await database.connection.openSession();
			await session
				.query(`INSERT INTO custom_commands (discord_server_id, command, response, cooldown) VALUES ($1, 'old', 'Old {user}', 7)`, [String(GUILD_A)])
				.finally(() => session.release());
			const old = await a.customCommands.findByName('old');
			expect(old && { ...old, id: 0, createdAt: null, updatedAt: null }).to.deep.equal({
				id: 0,
				name: 'old',
				aliases: [],
				response: 'Old {user}',
				cooldownSeconds: 7,
				userCooldownSeconds: 0,
				enabled: true,
				access: 'everyone',
				answersIn: 'both',
				liveMode: 'always',
				allowMentions: false,
				useCount: 0,
				createdAt: null,
				updatedAt: null
			});
		});

		it('refuses bad names, responses and cooldowns with a message, writing nothing', async () => {
			const tooLong = 'x'.repeat(10_240);
			for (const bad of [
				{ name: '!hi' },
				{ name: 'two words' },
				{ name: '' },
				{ response: '   ' },
				{ response: tooLong },
				{ cooldownSeconds: -1 },
				{ cooldownSeconds: 1.5 },
				{ userCooldownSeconds: 86_401 },
				{ aliases: ['ok'] },
				{ aliases: ['has space'] },
				{ access: 'admins' as never }
			]) {
				const error = await rejection(a.customCommands.create({ name: 'ok', response: 'fine', ...bad }));
				expect(error, JSON.stringify(bad)).to.be.an.instanceOf(InvalidInputError);
			}
			expect(await a.customCommands.list()).to.have.length(0);
			expect(((await rejection(a.customCommands.create({ name: 'ok', response: tooLong }))) as Error).message).to.equal(
				'A command response is at most 500 characters (Kick’s chat limit); this one is 10,240'
			);
		});
	});
}
