import { expect } from 'chai';
import type { Database } from '#lib/database/Database';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import { MissingTokenKeyError } from '#lib/database/repositories/KickTokensRepository';
import { TokenDecryptionError } from '#lib/database/TokenCipher';
import { Database as DatabaseClass } from '#lib/database/Database';
import { engines, openMigratedDatabase, truncateAll, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

// The core's repositories; each plugin's are tested in its tests/.
for (const engine of engines) {
	describe(`Guild-scoped repositories of the core (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: Database;
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			migrated = await openMigratedDatabase(engine, 'repositories');
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await truncateAll(database);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		describe('forGuild', () => {
			it('refuses anything that is not a Discord server id', () => {
				for (const bad of ['0', 'abc', '', '-5', '99999999999999999999999']) {
					expect(() => database.forGuild(bad), bad).to.throw(TypeError, 'is not a Discord server id');
				}
				expect(() => database.forGuild(-1n)).to.throw(TypeError);
				expect(database.forGuild(String(GUILD_A)).guildId).to.equal(GUILD_A);
			});
		});

		describe('settings', () => {
			it('stores keys per server; one server’s writes and deletes never touch another’s', async () => {
				await a.settings.set({ prefix: '?', moderator_role_id: '300000000000000000' });
				await b.settings.set({ prefix: '$' });
				await a.settings.set({ prefix: '!!' });

				expect(Object.fromEntries(await a.settings.all())).to.deep.equal({ moderator_role_id: '300000000000000000', prefix: '!!' });
				expect(Object.fromEntries(await b.settings.all())).to.deep.equal({ prefix: '$' });
				expect(await b.settings.delete('moderator_role_id')).to.equal(false);
				expect(await a.settings.get('moderator_role_id')).to.equal('300000000000000000');
				expect(await b.settings.delete('prefix')).to.equal(true);
				expect(await a.settings.get('prefix')).to.equal('!!');
				expect(await b.settings.get('prefix')).to.equal(undefined);
			});
		});

		describe('Kick tokens', () => {
			const tokens = {
				kickUserId: 42n,
				kickUsername: 'streamer',
				accessToken: 'access-A',
				refreshToken: 'refresh-A',
				scopes: ['chat:write'],
				expiresAt: new Date('2030-01-01T00:00:00Z')
			};

			it('stores tokens encrypted and reads them back in their own server only', async () => {
				await a.kickTokens.save(tokens);
				await b.kickTokens.save({ ...tokens, accessToken: 'access-B', refreshToken: null });

				expect((await a.kickTokens.get(42n))?.accessToken).to.equal('access-A');
				expect((await b.kickTokens.get(42n))?.accessToken).to.equal('access-B');
				const session = await database.connection.openSession();
				try {
					const rows = await session.query<{ access_token: string }>('SELECT access_token FROM kick_oauth_tokens');
					expect(rows.every((row) => row.access_token.startsWith('enc:v1:') && !row.access_token.includes('access-'))).to.equal(true);
					// A ciphertext copied into another server's row does not decrypt there.
					await session.query(
						`UPDATE kick_oauth_tokens SET access_token = (SELECT access_token FROM kick_oauth_tokens WHERE discord_server_id = $1) WHERE discord_server_id = $2`,
						[String(GUILD_A), String(GUILD_B)]
					);
				} finally {
					await session.release();
				}
				expect(await rejection(b.kickTokens.get(42n))).to.be.an.instanceOf(TokenDecryptionError);
				expect(await b.kickTokens.delete(42n)).to.equal(true);
				expect(await a.kickTokens.userIds()).to.deep.equal([42n]);
			});

			it('refuses to store or read tokens without an encryption key', async () => {
				const keyless = new DatabaseClass(database.connection).forGuild(GUILD_A);
				expect(await rejection(keyless.kickTokens.save(tokens))).to.be.an.instanceOf(MissingTokenKeyError);
			});
		});

		describe('servers and transactions', () => {
			it('records a server and lists all servers only through the system repository', async () => {
				await a.server.ensure({ name: 'Alpha', ownerId: 5n });
				await a.server.ensure({ name: 'Alpha renamed', ownerId: 5n });
				await b.server.ensure({ name: 'Beta', ownerId: null });
				await a.kickConnection.connect({ broadcasterUserId: 77n, channelSlug: 'shared', connectedBy: 5n, eventsVia: 'webhook' });
				await b.kickConnection.connect({ broadcasterUserId: 77n, channelSlug: 'shared', connectedBy: 6n, eventsVia: 'webhook' });

				expect((await a.server.get())?.name).to.equal('Alpha renamed');
				expect((await database.system.servers()).map((server) => server.name).sort()).to.deep.equal(['Alpha renamed', 'Beta']);
				expect(await database.system.guildIdsLinkedToKickChannel(77n)).to.deep.equal([GUILD_A, GUILD_B]);
				await b.server.markLeft();
				expect(await database.system.guildIdsLinkedToKickChannel(77n), 'a server the bot left gets no events').to.deep.equal([GUILD_A]);
			});

			it('marks a server left and keeps its data; coming back clears the mark', async () => {
				await a.server.ensure({ name: 'Alpha', ownerId: 5n });
				await b.server.ensure({ name: 'Beta', ownerId: 6n });
				await a.points.award('bob', 10);

				await a.server.markLeft(new Date('2026-11-24T10:00:00Z'));
				expect((await a.server.get())?.leftAt?.toISOString()).to.equal('2026-11-24T10:00:00.000Z');
				expect((await b.server.get())?.leftAt).to.equal(null);
				expect((await a.points.get('bob'))?.points).to.equal(10);

				await a.server.markLeft(new Date('2026-11-25T10:00:00Z'));
				expect((await a.server.get())?.leftAt?.toISOString(), 'the first departure is kept').to.equal('2026-11-24T10:00:00.000Z');

				await a.server.ensure({ name: 'Alpha', ownerId: 5n });
				expect((await a.server.get())?.leftAt).to.equal(null);
			});

			it('at start, records servers in batches as ensure does: new rows, names and owners brought up to date, departures cleared, first created_at kept', async () => {
				await a.server.ensure({ name: 'Alpha', ownerId: 5n });
				await a.server.markLeft(new Date('2026-11-24T10:00:00Z'));
				await b.server.ensure({ name: 'Beta', ownerId: 6n });
				const firstRecorded = (await a.server.get())?.createdAt;
				const others = Array.from({ length: 5 }, (_, n) => ({
					guildId: 200000000000000000n + BigInt(n),
					name: n === 0 ? null : `Server ${n}`,
					ownerId: n === 1 ? null : 7n
				}));

				// Batches of 2, the last one short.
				await database.system.recordServers(
					[{ guildId: GUILD_A, name: 'Alpha renamed', ownerId: 8n }, { guildId: GUILD_B, name: 'Beta', ownerId: 6n }, ...others],
					2
				);

				const servers = new Map((await database.system.servers()).map((server) => [server.guildId, server]));
				expect(servers.size).to.equal(7);
				expect(servers.get(GUILD_A)).to.deep.include({ name: 'Alpha renamed', ownerId: 8n, leftAt: null, createdAt: firstRecorded });
				expect(servers.get(GUILD_B)).to.deep.include({ name: 'Beta', ownerId: 6n, leftAt: null });
				for (const server of others) expect(servers.get(server.guildId)).to.deep.include({ name: server.name, ownerId: server.ownerId, leftAt: null });
				expect([...servers.values()].every((server) => server.createdAt instanceof Date)).to.equal(true);
			});

			it('recording servers writes only the rows that change (a restart rewrites nothing)', async () => {
				await a.server.ensure({ name: 'Alpha', ownerId: 5n });
				await b.server.ensure({ name: 'Beta', ownerId: 6n });
				await b.server.markLeft();
				const written = async (servers: Parameters<Database['system']['recordServers']>[0]): Promise<bigint[]> => {
					const session = await database.connection.openSession();
					try {
						// xmin changes with every write of a row: compare it around the call.
						const versions = async () =>
							new Map(
								(await session.query<{ id: string; xmin: string }>('SELECT discord_server_id::text AS id, xmin::text FROM servers')).map(
									(row) => [row.id, row.xmin]
								)
							);
						const earlier = await versions();
						await database.system.recordServers(servers);
						const later = await versions();
						return [...later].filter(([id, xmin]) => earlier.get(id) !== xmin).map(([id]) => BigInt(id));
					} finally {
						await session.release();
					}
				};

				expect(
					await written([
						{ guildId: GUILD_A, name: 'Alpha', ownerId: 5n },
						{ guildId: GUILD_B, name: 'Beta', ownerId: 6n }
					]),
					'Beta came back'
				).to.deep.equal([GUILD_B]);
				expect(
					await written([
						{ guildId: GUILD_A, name: 'Alpha', ownerId: 5n },
						{ guildId: GUILD_B, name: 'Beta', ownerId: 6n }
					]),
					'nothing changed'
				).to.deep.equal([]);
				expect(await written([{ guildId: GUILD_A, name: 'Alpha', ownerId: 9n }]), 'a new owner').to.deep.equal([GUILD_A]);
			});

			it('at start, marks left only the absent servers of this process’s shards', async () => {
				// With 2 shards, a server's shard is (id >> 22) % 2.
				const onShard = (shard: number) => BigInt(shard) << 22n;
				const [present, absentHere, absentElsewhere] = [
					onShard(0) + 1000000000000000000n,
					onShard(0) + 1000000000000000002n,
					onShard(1) + 1000000000000000000n
				];
				expect(Number((absentHere >> 22n) % 2n)).to.equal(Number((present >> 22n) % 2n));
				expect(Number((absentElsewhere >> 22n) % 2n)).to.not.equal(Number((present >> 22n) % 2n));
				for (const id of [present, absentHere, absentElsewhere]) await database.forGuild(id).server.ensure({ name: String(id), ownerId: null });

				const shard = Number((present >> 22n) % 2n);
				expect(await database.system.markAbsentServersLeft([present], { ids: [shard], count: 2 })).to.deep.equal([absentHere]);
				const left = (await database.system.servers()).filter((server) => server.leftAt !== null).map((server) => server.guildId);
				expect(left).to.deep.equal([absentHere]);
				expect(await database.system.markAbsentServersLeft([present], { ids: [shard], count: 2 }), 'already marked').to.deep.equal([]);
			});

			it('lists the joined servers of one shard, with or without rows in a table', async () => {
				// On shard (n % 4) of 4: (id >> 22) % 4 = n % 4.
				const ids = [0n, 1n, 2n, 3n, 4n, 5n].map((n) => ((1n << 40n) + n) << 22n);
				for (const id of ids) await database.forGuild(id).server.ensure({ name: String(id), ownerId: null });
				await database.forGuild(ids[5]!).server.markLeft();
				await database.forGuild(ids[1]!).customCommands.create({ name: 'hi', response: 'hello' });
				await database.forGuild(ids[5]!).customCommands.create({ name: 'hi', response: 'hello' });

				expect(await database.system.joinedGuildIds({ id: 0, count: 4 })).to.deep.equal([ids[0], ids[4]]);
				expect(await database.system.joinedGuildIds({ id: 1, count: 4 }), 'a server left is not listed').to.deep.equal([ids[1]]);
				expect(await database.system.joinedGuildIds({ id: 2, count: 3 }), '2^40 + n ≡ 1 + n (mod 3)').to.deep.equal([ids[1], ids[4]]);
				expect(await database.system.joinedGuildIdsWithRowsIn('custom_commands', {}, { id: 1, count: 4 })).to.deep.equal([ids[1]]);
				expect(await database.system.joinedGuildIdsWithRowsIn('custom_commands', {}, { id: 0, count: 4 })).to.deep.equal([]);
				expect(await database.system.joinedGuildIds()).to.have.length(5);
			});

			it('rolls back every write of a failed transaction', async () => {
				await a.points.award('bob', 10);
				const error = await rejection(
					a.transaction(async (inside) => {
						await inside.points.award('bob', 90);
						await inside.customCommands.create({ name: 'temp', response: 'x' });
						throw new Error('changed my mind');
					})
				);
				expect((error as Error).message).to.equal('changed my mind');
				expect((await a.points.get('bob'))?.points).to.equal(10);
				expect(await a.customCommands.list()).to.have.length(0);
			});
		});
	});
}
