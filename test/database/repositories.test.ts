import { expect } from 'chai';
import type { Database } from '#lib/database/Database';
import { ConflictError, InvalidInputError, NotFoundError } from '#lib/database/errors';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import { MissingTokenKeyError } from '#lib/database/repositories/KickTokensRepository';
import { TokenDecryptionError } from '#lib/database/TokenCipher';
import { Database as DatabaseClass } from '#lib/database/Database';
import { engines, openMigratedDatabase, truncateAll, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;


for (const engine of engines) {
	describe(`Guild-scoped repositories (${engine.name})`, () => {
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

			it('keeps point settings apart from bot settings', async () => {
				await a.pointSettings.set({ prefix: 'points-table' });
				expect(await a.settings.get('prefix')).to.equal(undefined);
				expect(await a.pointSettings.get('prefix')).to.equal('points-table');
			});
		});

		describe('points', () => {
			it('awards, spends within the balance only, and removes down to zero at most', async () => {
				expect((await a.points.award('bob', 50)).points).to.equal(50);
				expect((await a.points.award('bob', 25)).totalEarned).to.equal(75);
				expect(await a.points.spend('bob', 100)).to.equal(null);
				expect(await a.points.spend('bob', 30)).to.equal(45);
				expect(await a.points.remove('bob', 1000)).to.equal(0);
				expect(await a.points.remove('nobody', 5)).to.equal(null);
				const bob = await a.points.get('bob');
				expect({ points: bob?.points, earned: bob?.totalEarned, spent: bob?.totalSpent }).to.deep.equal({ points: 0, earned: 75, spent: 30 });
			});

			it('refuses amounts that are not whole and positive, writing nothing', async () => {
				for (const amount of [0, -5, 1.5, Number.NaN]) {
					expect(await rejection(a.points.award('bob', amount))).to.be.an.instanceOf(InvalidInputError);
					expect(await rejection(a.points.spend('bob', amount))).to.be.an.instanceOf(InvalidInputError);
				}
				expect(await a.points.get('bob')).to.equal(null);
			});

			it('never lets racing spends take a balance below zero', async () => {
				await a.points.award('bob', 50);
				const results = await Promise.all(Array.from({ length: 12 }, () => a.points.spend('bob', 10)));
				expect(results.filter((result) => result !== null)).to.have.length(5);
				expect((await a.points.get('bob'))?.points).to.equal(0);
			});

			it('ranks and lists by balance within the server only', async () => {
				await a.points.award('bob', 30);
				await a.points.award('alice', 50);
				await a.points.award('carol', 30);
				await b.points.award('zed', 1000);

				expect((await a.points.leaderboard({ limit: 10 })).map((row) => row.kickUsername)).to.deep.equal(['alice', 'bob', 'carol']);
				expect((await a.points.leaderboard({ limit: 1, offset: 1 })).map((row) => row.kickUsername)).to.deep.equal(['bob']);
				expect(await a.points.rankOf('alice')).to.equal(1);
				expect(await a.points.rankOf('carol')).to.equal(2);
				expect(await a.points.rankOf('zed')).to.equal(null);
				expect(await a.points.count()).to.equal(3);
				expect(await b.points.rankOf('zed')).to.equal(1);
			});

			it('ranks legacy rows without a balance as 0, also below a negative legacy balance', async () => {
				await a.points.award('alice', 5);
				const session = await database.connection.openSession();
				try {
					await session.exec(
						`INSERT INTO user_points (discord_server_id, kick_username, points) VALUES (${GUILD_A}, 'legacy-null', NULL), (${GUILD_A}, 'legacy-negative', -3), (${GUILD_B}, 'other-null', NULL)`
					);
				} finally {
					await session.release();
				}
				expect(await a.points.rankOf('alice')).to.equal(1);
				expect(await a.points.rankOf('legacy-null')).to.equal(2);
				expect(await a.points.rankOf('legacy-negative'), 'alice and the NULL row (as 0) are above').to.equal(3);
			});
		});

		describe('custom commands', () => {
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
				expect({ response: kept?.response, enabled: kept?.enabled, uses: kept?.useCount }).to.deep.equal({ response: 'Hey {user}', enabled: false, uses: 1 });
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

		describe('timed messages', () => {
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

		describe('slot requests', () => {
			it('picks every open request once when moderators pick at the same time', async () => {
				for (const user of ['u1', 'u2', 'u3', 'u4']) await a.slotRequests.add(user, `Slot ${user}`);
				await b.slotRequests.add('other', 'Other slot');

				const picks = await Promise.all(Array.from({ length: 9 }, () => a.slotRequests.pickRandom()));
				const picked = picks.filter((pick) => pick !== null).map((pick) => pick!.kickUsername);
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

		describe('raffles', () => {
			const may = { startDate: new Date('2026-05-01T00:00:00Z'), endDate: new Date('2026-06-01T00:00:00Z') };

			it('allows one active period per server, also when two open at once', async () => {
				const results = await Promise.allSettled([a.raffles.createPeriod(may), a.raffles.createPeriod(may), a.raffles.createPeriod(may)]);
				expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
				expect((await a.raffles.periods()).length).to.equal(1);
				await b.raffles.createPeriod(may);
				expect(await rejection(a.raffles.createPeriod({ startDate: may.endDate, endDate: may.startDate }))).to.be.an.instanceOf(InvalidInputError);
			});

			it('adds tickets by source and to the period total, and refuses a period of another server', async () => {
				const period = await a.raffles.createPeriod(may);
				await a.raffles.addTickets(period.id, { discordId: 1n, kickName: 'bob', source: 'watchtime', amount: 10 });
				await a.raffles.addTickets(period.id, { discordId: 1n, kickName: 'bob', source: 'giftedSub', amount: 15 });
				await a.raffles.addTickets(period.id, { discordId: 2n, kickName: 'alice', source: 'bonus', amount: 40 });

				const bob = await a.raffles.ticketsOf(period.id, 1n);
				expect({ watch: bob?.watchtimeTickets, gifted: bob?.giftedSubTickets, total: bob?.totalTickets }).to.deep.equal({ watch: 10, gifted: 15, total: 25 });
				expect((await a.raffles.period(period.id))?.totalTickets).to.equal(65);
				expect((await a.raffles.ticketLeaderboard(period.id, 5)).map((ticket) => ticket.kickName)).to.deep.equal(['alice', 'bob']);
				expect((await a.raffles.participants(period.id)).map((ticket) => ticket.discordId)).to.deep.equal([1n, 2n]);

				expect(await rejection(b.raffles.addTickets(period.id, { discordId: 3n, kickName: 'mallory', source: 'bonus', amount: 99 }))).to.be.an.instanceOf(NotFoundError);
				expect(await rejection(b.raffles.participants(period.id))).to.be.an.instanceOf(NotFoundError);
				expect(await rejection(b.raffles.setPeriodStatus(period.id, 'cancelled'))).to.be.an.instanceOf(NotFoundError);
				expect(await b.raffles.period(period.id)).to.equal(null);
				expect((await a.raffles.participants(period.id)).length).to.equal(2);
				expect((await a.raffles.period(period.id))?.status).to.equal('active');
			});

			it('records draws under their period, readable in that server only', async () => {
				const period = await a.raffles.createPeriod(may);
				const draw = {
					totalTickets: 10,
					totalParticipants: 1,
					winnerDiscordId: 1n,
					winnerKickName: 'bob',
					winningTicket: 7,
					prizeDescription: '$100',
					drawnByDiscordId: null,
					serverSeed: 'seed',
					clientSeed: 'client',
					nonce: '0',
					proofHash: 'hash'
				};
				await a.raffles.recordDraw(period.id, draw);
				expect((await a.raffles.draws(period.id)).map((recorded) => recorded.winnerKickName)).to.deep.equal(['bob']);
				expect(await rejection(b.raffles.recordDraw(period.id, draw))).to.be.an.instanceOf(NotFoundError);
				expect(await rejection(b.raffles.draws(period.id))).to.be.an.instanceOf(NotFoundError);
				expect(await a.raffles.draws(period.id)).to.have.length(1);
			});
		});

		describe('Kick tokens', () => {
			const tokens = { kickUserId: 42n, kickUsername: 'streamer', accessToken: 'access-A', refreshToken: 'refresh-A', scopes: ['chat:write'], expiresAt: new Date('2030-01-01T00:00:00Z') };

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

			it('at start, marks left only the absent servers of this process’s shards', async () => {
				// With 2 shards, a server's shard is (id >> 22) % 2.
				const onShard = (shard: number) => BigInt(shard) << 22n;
				const [present, absentHere, absentElsewhere] = [onShard(0) + 1000000000000000000n, onShard(0) + 1000000000000000002n, onShard(1) + 1000000000000000000n];
				expect(Number((absentHere >> 22n) % 2n)).to.equal(Number((present >> 22n) % 2n));
				expect(Number((absentElsewhere >> 22n) % 2n)).to.not.equal(Number((present >> 22n) % 2n));
				for (const id of [present, absentHere, absentElsewhere]) await database.forGuild(id).server.ensure({ name: String(id), ownerId: null });

				const shard = Number((present >> 22n) % 2n);
				expect(await database.system.markAbsentServersLeft([present], { ids: [shard], count: 2 })).to.deep.equal([absentHere]);
				const left = (await database.system.servers()).filter((server) => server.leftAt !== null).map((server) => server.guildId);
				expect(left).to.deep.equal([absentHere]);
				expect(await database.system.markAbsentServersLeft([present], { ids: [shard], count: 2 }), 'already marked').to.deep.equal([]);
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
