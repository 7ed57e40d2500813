import { expect } from 'chai';
import { Prisma, type PrismaClient } from '#generated/prisma/client';
import { createPrismaClient, guardClient, type GuardedClient } from '#lib/database/client';
import { Database } from '#lib/database/Database';
import { assertGuildScoped, GUILD_SCOPED_MODELS, GuildScopeViolationError } from '#lib/database/guard/guildScopeGuard';
import { engines, everyPluginRepositories, openMigratedDatabase, truncateAll, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

type Arguments = Parameters<typeof assertGuildScoped>[2];

/** The violation `assertGuildScoped` throws for these arguments (fails the test when it throws none). */
function violation(model: string, operation: string, args: Arguments): GuildScopeViolationError {
	try {
		assertGuildScoped(model, operation, args);
	} catch (error) {
		expect(error, `${model}.${operation}`).to.be.an.instanceOf(GuildScopeViolationError);
		const message = (error as Error).message;
		expect(message, 'the message names the model and the operation').to.include(`${model}.${operation} `);
		return error as GuildScopeViolationError;
	}
	expect.fail(`${model}.${operation} ${JSON.stringify(args, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))} passed the guard`);
}

function passes(model: string, operation: string, args: Arguments): void {
	expect(() => assertGuildScoped(model, operation, args), `${model}.${operation}`).to.not.throw();
}

describe('Guild-scope guard: assertGuildScoped', () => {
	describe('lets through queries pinned to one server', () => {
		it('a where on discordServerId as a bigint, a digit string or { equals }', () => {
			passes('CustomCommand', 'findMany', { where: { discordServerId: GUILD_A } });
			passes('CustomCommand', 'findMany', { where: { discordServerId: String(GUILD_A), enabled: true } });
			passes('CustomCommand', 'findFirst', { where: { discordServerId: { equals: GUILD_A }, command: { equals: 'hi', mode: 'insensitive' } } });
			passes('SlotRequest', 'count', { where: { discordServerId: GUILD_A, OR: [{ picked: false }, { picked: null }] } });
			passes('UserPoints', 'aggregate', { where: { discordServerId: GUILD_A }, _sum: { points: true } });
			passes('UserPoints', 'groupBy', { where: { discordServerId: GUILD_A }, by: ['discordId'] });
		});

		it('a compound unique key that contains the server', () => {
			passes('UserPoints', 'findUnique', { where: { discordServerId_kickUsername: { discordServerId: GUILD_A, kickUsername: 'bob' } } });
			passes('KickOauthToken', 'findUniqueOrThrow', { where: { discordServerId_userId: { discordServerId: GUILD_A, userId: 42n } } });
			passes('RafflePeriod', 'delete', { where: { id_discordServerId: { id: 1, discordServerId: GUILD_A } } });
		});

		it('updates and deletes by id together with the server, also keeping the row in that server', () => {
			passes('CustomCommand', 'update', { where: { id: 1, discordServerId: GUILD_A }, data: { response: 'x', updatedAt: new Date() } });
			passes('CustomCommand', 'updateManyAndReturn', { where: { id: 1, discordServerId: GUILD_A }, data: { response: 'x' } });
			passes('UserPoints', 'updateMany', { where: { discordServerId: GUILD_A }, data: { discordServerId: GUILD_A, points: { increment: 5 } } });
			passes('RafflePeriod', 'updateMany', { where: { discordServerId: GUILD_A }, data: { status: { set: 'ended' } } });
			passes('TimedMessage', 'deleteMany', { where: { discordServerId: GUILD_A, id: 3 } });
		});

		it('creates that give every row its server', () => {
			passes('SlotRequest', 'create', { data: { discordServerId: GUILD_A, kickUsername: 'bob', slotCall: 'Gates' } });
			passes('SlotRequest', 'createMany', {
				data: [
					{ discordServerId: GUILD_A, kickUsername: 'bob', slotCall: 'Gates' },
					{ discordServerId: GUILD_A, kickUsername: 'amy', slotCall: 'Sugar' }
				]
			});
			passes('SlotRequest', 'createManyAndReturn', { data: { discordServerId: GUILD_A, kickUsername: 'bob', slotCall: 'Gates' } });
		});

		it('an upsert whose where and create name the same server', () => {
			const key = { discordServerId_kickUsername: { discordServerId: GUILD_A, kickUsername: 'bob' } };
			passes('UserPoints', 'upsert', {
				where: key,
				create: { discordServerId: GUILD_A, kickUsername: 'bob', points: 5 },
				update: { points: { increment: 5 }, lastUpdated: new Date() }
			});
		});
	});

	describe('refuses', () => {
		it('a query without a where, or with a where that does not name the server', () => {
			violation('CustomCommand', 'findMany', undefined);
			violation('CustomCommand', 'findMany', {});
			violation('CustomCommand', 'findMany', { where: {} });
			violation('CustomCommand', 'findMany', { where: { command: 'hi' } });
			violation('UserPoints', 'count', undefined);
			violation('UserPoints', 'aggregate', { _sum: { points: true } });
			violation('KickOauthToken', 'findUnique', { where: { discordServerId_userId: { userId: 42n } } });
		});

		it('every model of the schema, not only some, except the Kick-level event receipts', () => {
			const models = Object.values(Prisma.ModelName).filter((model) => model !== 'KickEventReceipt');
			expect(models.length).to.be.greaterThan(10);
			for (const model of models) violation(model, 'findMany', { where: {} });
			expect(GUILD_SCOPED_MODELS.has('KickEventReceipt')).to.equal(false);
		});

		it('a where that lets several servers through: { in }, { not }, a null or non-id value, or a filter beside equals', () => {
			violation('CustomCommand', 'findMany', { where: { discordServerId: { in: [GUILD_A, GUILD_B] } } });
			violation('CustomCommand', 'findMany', { where: { discordServerId: { in: [GUILD_A] } } });
			violation('CustomCommand', 'findMany', { where: { discordServerId: { not: GUILD_A } } });
			violation('CustomCommand', 'findMany', { where: { discordServerId: { gt: 0n } } });
			violation('CustomCommand', 'findMany', { where: { discordServerId: { equals: GUILD_A, not: GUILD_B } } });
			violation('CustomCommand', 'findMany', { where: { discordServerId: null } });
			violation('CustomCommand', 'findMany', { where: { discordServerId: undefined, id: 1 } });
			violation('CustomCommand', 'findMany', { where: { discordServerId: 'all' } });
		});

		it('a server named only inside OR, AND or NOT', () => {
			violation('CustomCommand', 'findMany', { where: { OR: [{ discordServerId: GUILD_A }] } });
			violation('CustomCommand', 'findMany', { where: { OR: [{ discordServerId: GUILD_A }, { id: 1 }] } });
			violation('CustomCommand', 'deleteMany', { where: { AND: [{ discordServerId: GUILD_A }] } });
			violation('CustomCommand', 'findMany', { where: { NOT: { discordServerId: GUILD_A } } });
		});

		it('an update or delete by id only', () => {
			violation('CustomCommand', 'update', { where: { id: 1 }, data: { response: 'hijacked' } });
			violation('CustomCommand', 'delete', { where: { id: 1 } });
			violation('TimedMessage', 'updateMany', { where: { id: 1 }, data: { enabled: false } });
			violation('SlotRequest', 'deleteMany', { where: { kickUsername: 'bob' } });
			violation('RafflePeriod', 'update', { where: { id_discordServerId: { id: 1 } }, data: { status: 'ended' } });
		});

		it('an update that moves rows to another server, however the new server is written', () => {
			const where = { discordServerId: GUILD_A, id: 1 };
			const error = violation('CustomCommand', 'updateMany', { where, data: { discordServerId: GUILD_B } });
			expect(error.message).to.include('moves rows to another server');
			violation('CustomCommand', 'update', { where, data: { discordServerId: String(GUILD_B) } });
			violation('CustomCommand', 'updateManyAndReturn', { where, data: { discordServerId: { set: GUILD_B } } });
			violation('UserPoints', 'updateMany', { where: { discordServerId: GUILD_A }, data: { discordServerId: { increment: 1n } } });
		});

		it('a create without the server, or a createMany with one row without it', () => {
			const error = violation('SlotRequest', 'create', { data: { kickUsername: 'bob', slotCall: 'Gates' } });
			expect(error.message).to.include('creates a row without discordServerId');
			violation('SlotRequest', 'create', undefined);
			violation('SlotRequest', 'create', { data: { discordServerId: null, kickUsername: 'bob', slotCall: 'Gates' } });
			violation('SlotRequest', 'createMany', {
				data: [
					{ discordServerId: GUILD_A, kickUsername: 'bob', slotCall: 'Gates' },
					{ kickUsername: 'amy', slotCall: 'Sugar' }
				]
			});
			violation('SlotRequest', 'createManyAndReturn', { data: [{ discordServerId: GUILD_A }, { discordServerId: { in: [GUILD_A] } }] });
		});

		it('an upsert that would create in, or move to, another server than its where names', () => {
			const where = { discordServerId_kickUsername: { discordServerId: GUILD_A, kickUsername: 'bob' } };
			const error = violation('UserPoints', 'upsert', { where, create: { discordServerId: GUILD_B, kickUsername: 'bob' }, update: {} });
			expect(error.message).to.include('creates a row for another server');
			violation('UserPoints', 'upsert', { where, create: { kickUsername: 'bob' }, update: {} });
			violation('UserPoints', 'upsert', { where, create: { discordServerId: GUILD_A, kickUsername: 'bob' }, update: { discordServerId: GUILD_B } });
			violation('UserPoints', 'upsert', { where: { kickUsername: 'bob' }, create: { discordServerId: GUILD_A, kickUsername: 'bob' }, update: {} });
		});

		it('a nested write through a relation, which reaches rows the where does not pin', () => {
			const where = { id: 1, discordServerId: GUILD_A };
			const error = violation('RafflePeriod', 'update', { where, data: { tickets: { connect: { id: 7 } } } });
			expect(error.message).to.include('writes through the relation tickets');
			violation('RafflePeriod', 'update', { where, data: { tickets: { set: [{ id: 7 }] } } });
			violation('RafflePeriod', 'update', { where, data: { draws: { updateMany: { where: {}, data: { winnerKickName: 'x' } } } } });
			violation('RaffleTicket', 'update', {
				where,
				data: { period: { connect: { id_discordServerId: { id: 2, discordServerId: GUILD_B } } } }
			});
			violation('RafflePeriod', 'create', {
				data: { discordServerId: GUILD_A, startDate: new Date(0), endDate: new Date(1), tickets: { connect: [{ id: 7 }] } }
			});
			violation('PointShopItem', 'upsert', {
				where: { discordServerId_id: { discordServerId: GUILD_A, id: 1 } },
				create: { discordServerId: GUILD_A, name: 'x', price: 1 },
				update: { sales: { deleteMany: {} } }
			});
		});

		it('an operation it does not know how to check', () => {
			const error = violation('CustomCommand', 'findRaw', { filter: {} });
			expect(error.message).to.include('is not an operation the guard knows how to check');
			violation('CustomCommand', 'aggregateRaw', { where: { discordServerId: GUILD_A } });
			violation('CustomCommand', 'frobnicate', { where: { discordServerId: GUILD_A } });
		});
	});
});

/** Every row of the tables these tests touch, as text: equal before and after means nothing changed. */
async function snapshot(database: Database): Promise<string[]> {
	const session = await database.connection.openSession();
	try {
		const rows: string[] = [];
		for (const table of ['custom_commands', 'user_points', 'slot_requests', 'timed_messages', 'raffle_periods', 'raffle_tickets']) {
			const found = await session.query<{ row: string }>(`SELECT '${table}' || ': ' || row_to_json(t)::text AS row FROM ${table} t ORDER BY 1`);
			rows.push(...found.map((found) => found.row));
		}
		return rows;
	} finally {
		await session.release();
	}
}

for (const engine of engines) {
	describe(`Guild-scope guard on a real database (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: Database;
		let prisma: PrismaClient;
		let guarded: GuardedClient;
		let commandOfA: number;
		let commandOfB: number;

		before(async () => {
			migrated = await openMigratedDatabase(engine, 'guard');
			database = migrated.database;
			// The guarded client exactly as Database builds it.
			prisma = createPrismaClient(database.connection.adapter);
			guarded = guardClient(prisma);
		});
		after(async () => {
			await prisma?.$disconnect();
			await migrated?.close();
		});
		beforeEach(async () => {
			await truncateAll(database);
			const a = database.forGuild(GUILD_A);
			const b = database.forGuild(GUILD_B);
			commandOfA = (await a.customCommands.create({ name: 'hi', response: 'Hello from A' })).id;
			commandOfB = (await b.customCommands.create({ name: 'hi', response: 'Hello from B' })).id;
			await a.points.award('bob', 10);
			await b.points.award('bob', 20);
			await a.slotRequests.add('bob', 'Gates');
			await b.slotRequests.add('bob', 'Sugar');
		});

		it('refuses an unscoped findMany, and answers the scoped one with that server’s rows only', async () => {
			const error = await rejection(guarded.customCommand.findMany());
			expect(error).to.be.an.instanceOf(GuildScopeViolationError);
			expect((error as Error).message).to.include('CustomCommand.findMany');
			expect(await rejection(guarded.customCommand.findMany({ where: { command: 'hi' } }))).to.be.an.instanceOf(GuildScopeViolationError);
			expect(await rejection(guarded.customCommand.count())).to.be.an.instanceOf(GuildScopeViolationError);

			const rows = await guarded.customCommand.findMany({ where: { discordServerId: GUILD_A } });
			expect(rows.map((row) => [row.id, row.response])).to.deep.equal([[commandOfA, 'Hello from A']]);
		});

		it('refuses an update by id only and changes nothing; by id and server it updates that server’s row only', async () => {
			const before = await snapshot(database);
			const error = await rejection(guarded.customCommand.update({ where: { id: commandOfB }, data: { response: 'hijacked' } }));
			expect(error).to.be.an.instanceOf(GuildScopeViolationError);
			expect((error as Error).message).to.include('CustomCommand.update');
			expect(await rejection(guarded.customCommand.updateMany({ where: { command: 'hi' }, data: { response: 'hijacked' } }))).to.be.an.instanceOf(
				GuildScopeViolationError
			);
			expect(await snapshot(database)).to.deep.equal(before);

			// Another server's id under this server's filter matches no row.
			const { count } = await guarded.customCommand.updateMany({ where: { id: commandOfB, discordServerId: GUILD_A }, data: { response: 'hijacked' } });
			expect(count).to.equal(0);
			await guarded.customCommand.update({ where: { id: commandOfA, discordServerId: GUILD_A }, data: { response: 'Updated A' } });
			expect((await database.forGuild(GUILD_A).customCommands.get(commandOfA))?.response).to.equal('Updated A');
			expect((await database.forGuild(GUILD_B).customCommands.get(commandOfB))?.response).to.equal('Hello from B');
		});

		it('refuses a deleteMany without the server and deletes nothing; with it, deletes only that server’s rows', async () => {
			const before = await snapshot(database);
			const error = await rejection(guarded.userPoints.deleteMany({ where: { kickUsername: 'bob' } }));
			expect(error).to.be.an.instanceOf(GuildScopeViolationError);
			expect((error as Error).message).to.include('UserPoints.deleteMany');
			expect(await rejection(guarded.slotRequest.deleteMany())).to.be.an.instanceOf(GuildScopeViolationError);
			expect(await snapshot(database)).to.deep.equal(before);

			expect((await guarded.userPoints.deleteMany({ where: { discordServerId: GUILD_A, kickUsername: 'bob' } })).count).to.equal(1);
			expect(await database.forGuild(GUILD_A).points.get('bob')).to.equal(null);
			expect((await database.forGuild(GUILD_B).points.get('bob'))?.points).to.equal(20);
		});

		it('refuses a create without discordServerId and writes nothing; with it, the row lands in that server', async () => {
			const before = await snapshot(database);
			// The types require the server; a caller that casts them away still meets the guard.
			const unscoped = { kickUsername: 'eve', slotCall: 'Wanted' } as unknown as Prisma.SlotRequestUncheckedCreateInput;
			const error = await rejection(guarded.slotRequest.create({ data: unscoped }));
			expect(error).to.be.an.instanceOf(GuildScopeViolationError);
			expect((error as Error).message).to.include('SlotRequest.create');
			expect(
				await rejection(guarded.slotRequest.createMany({ data: [{ discordServerId: GUILD_A, kickUsername: 'eve', slotCall: 'Wanted' }, unscoped] }))
			).to.be.an.instanceOf(GuildScopeViolationError);
			expect(await snapshot(database)).to.deep.equal(before);

			await guarded.slotRequest.create({ data: { discordServerId: GUILD_B, kickUsername: 'eve', slotCall: 'Wanted' } });
			expect((await database.forGuild(GUILD_B).slotRequests.listOpen()).map((request) => request.kickUsername)).to.deep.equal(['bob', 'eve']);
			expect((await database.forGuild(GUILD_A).slotRequests.listOpen()).map((request) => request.kickUsername)).to.deep.equal(['bob']);
		});

		it('refuses a nested connect that would take another server’s raffle ticket, leaving it where it was', async () => {
			const a = database.forGuild(GUILD_A);
			const b = database.forGuild(GUILD_B);
			const may = {
				startDate: new Date('2026-05-01T00:00:00Z'),
				endDate: new Date('2026-06-01T00:00:00Z'),
				seed: { serverSeed: 'a'.repeat(64), commitment: 'b'.repeat(64) }
			};
			const periodOfA = await a.raffles.createPeriod(may);
			const periodOfB = await b.raffles.createPeriod(may);
			await b.raffles.changeTickets(periodOfB.id, { participant: { discordId: 5n, kickName: 'bob' }, source: 'bonus', delta: 3, reason: 'test' });
			const ticket = await guarded.raffleTicket.findFirstOrThrow({ where: { discordServerId: GUILD_B } });
			const before = await snapshot(database);

			const error = await rejection(
				guarded.rafflePeriod.update({ where: { id: periodOfA.id, discordServerId: GUILD_A }, data: { tickets: { connect: { id: ticket.id } } } })
			);
			expect(error).to.be.an.instanceOf(GuildScopeViolationError);
			expect(await snapshot(database)).to.deep.equal(before);
			expect((await b.raffles.participants(periodOfB.id)).map((entry) => entry.kickName)).to.deep.equal(['bob']);
			expect(await a.raffles.participants(periodOfA.id)).to.deep.equal([]);
		});

		it('guards queries inside an interactive transaction too', async () => {
			const error = await rejection(guarded.$transaction((transaction) => transaction.customCommand.deleteMany({ where: { command: 'hi' } })));
			expect(error).to.be.an.instanceOf(GuildScopeViolationError);
			expect((await database.forGuild(GUILD_B).customCommands.list()).length).to.equal(1);
		});

		it('is on in Database by default, and off with guard: false (the benchmark switch)', async () => {
			// The repositories never send an unscoped query, so this reaches the client they use.
			const clientOf = (db: Database) => (db as unknown as { client: GuardedClient }).client;
			// Keep the shared connection open when the extra Database closes.
			const connection = { ...database.connection, close: async () => undefined };
			const unguarded = new Database(connection, { guard: false, repositories: await everyPluginRepositories() });
			const defaulted = new Database(connection);
			try {
				expect(await rejection(clientOf(defaulted).customCommand.findMany())).to.be.an.instanceOf(GuildScopeViolationError);
				const rows = await clientOf(unguarded).customCommand.findMany({ orderBy: { id: 'asc' } });
				expect(rows.map((row) => row.discordServerId)).to.deep.equal([GUILD_A, GUILD_B]);
				expect((await unguarded.forGuild(GUILD_A).points.get('bob'))?.points).to.equal(10);
			} finally {
				await unguarded.close();
				await defaulted.close();
			}
		});
	});
}
