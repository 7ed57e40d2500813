import { expect } from 'chai';
import { ConflictError, InvalidInputError, NotFoundError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import { wagerTickets, type NewDraw } from '../lib/RaffleRepository.js';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;
const SEED = { serverSeed: 'a'.repeat(64), commitment: 'b'.repeat(64) };
const TABLES = [
	'raffle_announcements',
	'raffle_draws',
	'raffle_draw_records',
	'raffle_ticket_log',
	'raffle_watch_minutes',
	'raffle_watch_ticks',
	'raffle_tickets',
	'raffle_periods',
	'watchtime',
	'links'
];

const bob = { discordId: 1n, kickName: 'bob' };
const alice = { discordId: 2n, kickName: 'alice' };

async function exec(database: MigratedDatabase['database'], sql: string): Promise<void> {
	const session = await database.connection.openSession();
	try {
		await session.exec(sql);
	} finally {
		await session.release();
	}
}

for (const engine of engines) {
	describe(`RaffleRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			// This plugin's repositories only: the plugin stands on its own.
			migrated = await openMigratedDatabase(engine, 'raffles', repositoriesOf(manifest));
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, TABLES);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		const may = { startDate: new Date('2026-05-01T00:00:00Z'), endDate: new Date('2026-06-01T00:00:00Z'), seed: SEED };

		it('allows one active period per server, also when several open at once, and keeps the seed out of what it shows', async () => {
			const results = await Promise.allSettled([a.raffles.createPeriod(may), a.raffles.createPeriod(may), a.raffles.createPeriod(may)]);
			expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
			expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason)).to.satisfy(
				(reasons: unknown[]) => reasons.every((reason) => reason instanceof ConflictError)
			);
			const period = (await a.raffles.activePeriod())!;
			expect(period.seedCommitment).to.equal(SEED.commitment);
			expect(JSON.stringify(period, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).not.to.include(SEED.serverSeed);
			expect(period.startDate.toISOString()).to.equal('2026-05-01T00:00:00.000Z');
			await b.raffles.createPeriod(may);
			expect(await rejection(a.raffles.createPeriod({ ...may, startDate: may.endDate, endDate: may.startDate }))).to.be.an.instanceOf(InvalidInputError);
		});

		it('logs every change, keeps the totals equal to the log, stops removals at zero and refuses another server’s period', async () => {
			const period = await a.raffles.createPeriod(may);
			await a.raffles.changeTickets(period.id, { participant: bob, source: 'bonus', delta: 10, reason: 'giveaway', actorDiscordId: 9n });
			await a.raffles.changeTickets(period.id, { participant: bob, source: 'gifted_sub', delta: 15, reason: '1 gifted sub', kickEventId: 'ev1' });
			await a.raffles.changeTickets(period.id, { participant: alice, source: 'bonus', delta: 40, reason: 'shop' });
			const removed = await a.raffles.changeTickets(period.id, { participant: bob, source: 'bonus', delta: -25, reason: 'mistake', actorDiscordId: 9n });
			expect(removed.applied).to.equal(-10);
			expect(removed.ticket).to.deep.include({ bonusTickets: 0, giftedSubTickets: 15, totalTickets: 15 });
			expect((await a.raffles.period(period.id))?.totalTickets).to.equal(55);
			expect(await a.raffles.totalsDifferingFromLog(period.id)).to.deep.equal([]);
			expect((await a.raffles.ticketLog(period.id, 'discord:1')).map((row) => [row.source, row.delta, row.reason])).to.deep.equal([
				['bonus', -10, 'mistake'],
				['gifted_sub', 15, '1 gifted sub'],
				['bonus', 10, 'giveaway']
			]);
			expect((await a.raffles.ticketLeaderboard(period.id, 5)).map((ticket) => ticket.kickName)).to.deep.equal(['alice', 'bob']);
			expect(await a.raffles.standingOf(period.id, 'discord:1')).to.deep.equal({ tickets: 15, rank: 2, total: 55, participants: 2 });

			const grant = { participant: { discordId: 3n, kickName: 'mallory' }, source: 'bonus' as const, delta: 99, reason: 'x' };
			expect(await rejection(b.raffles.changeTickets(period.id, grant))).to.be.an.instanceOf(NotFoundError);
			expect(await rejection(b.raffles.participants(period.id))).to.be.an.instanceOf(NotFoundError);
			expect(await rejection(b.raffles.setPeriodStatus(period.id, 'cancelled'))).to.be.an.instanceOf(NotFoundError);
			expect(await b.raffles.period(period.id)).to.equal(null);
			expect((await a.raffles.participants(period.id)).length).to.equal(2);

			await a.raffles.endPeriod(period.id);
			expect(await rejection(a.raffles.changeTickets(period.id, { ...grant, participant: bob }))).to.be.an.instanceOf(ConflictError);
		});

		it('counts a gifted-sub Kick event once, however often it is replayed, also at once', async () => {
			const period = await a.raffles.createPeriod(may);
			const gift = { participant: bob, source: 'gifted_sub' as const, delta: 30, reason: '2 gifted subs', kickEventId: 'kick-event-1' };
			const outcomes = await Promise.allSettled([a.raffles.changeTickets(period.id, gift), a.raffles.changeTickets(period.id, gift)]);
			await a.raffles.changeTickets(period.id, gift);
			expect(outcomes.some((outcome) => outcome.status === 'fulfilled')).to.equal(true);
			expect((await a.raffles.ticketsOf(period.id, 'discord:1'))?.giftedSubTickets).to.equal(30);
			expect(await a.raffles.totalsDifferingFromLog(period.id)).to.deep.equal([]);
			// Another server counts the same Kick event for itself.
			const other = await b.raffles.createPeriod(may);
			await b.raffles.changeTickets(other.id, gift);
			expect((await b.raffles.ticketsOf(other.id, 'discord:1'))?.giftedSubTickets).to.equal(30);
		});

		it('turns wagers into tickets per $1000 and carries the fractions over, never losing them', async () => {
			expect(wagerTickets(0n, 4_999n * 100n, 20n)).to.deep.equal({ tickets: 99n, carry: 98_000n }); // $4,999: 99.98 tickets
			const period = await a.raffles.createPeriod(may);
			const wager = (cents: bigint) => a.raffles.enterWager(period.id, { participant: bob, cents, ticketsPer1000: 20, reason: 'Shuffle wager' });
			expect((await wager(4_000n)).applied).to.equal(0); // $40: 0.8 of a ticket
			expect((await wager(1_000n)).applied).to.equal(1); // $50 in all: one ticket
			expect((await wager(123_456n)).applied).to.equal(24); // $1,284.56 in all: 25.6912 tickets
			const ticket = (await a.raffles.ticketsOf(period.id, 'discord:1'))!;
			expect({ tickets: ticket.wagerTickets, cents: ticket.wagerCents, carry: ticket.wagerCarry }).to.deep.equal({
				tickets: 25,
				cents: 128_456n,
				carry: 69_120n
			});
			expect((await wager(-100_000n)).applied).to.equal(-20); // $1000 taken back
			expect((await a.raffles.ticketsOf(period.id, 'discord:1'))?.wagerTickets).to.equal(5);
			expect(await a.raffles.totalsDifferingFromLog(period.id)).to.deep.equal([]);
		});

		it('pays watch-time tickets per whole hour a linked member watched inside the period, each minute once', async () => {
			const period = await a.raffles.createPeriod(may);
			await exec(database, `INSERT INTO links (discord_id, kick_name, discord_server_id) VALUES (1, 'Bob', ${GUILD_A}), (1, 'bob', ${GUILD_B})`);
			let minute = Date.parse('2026-05-02T00:00:00Z');
			for (let index = 0; index < 125; index++, minute += 60_000) {
				const tickAt = new Date(minute);
				await exec(
					database,
					`INSERT INTO watchtime (discord_server_id, username, minutes, last_active) VALUES (${GUILD_A}, 'bob', 1, '${tickAt.toISOString().replace('T', ' ').replace('Z', '')}'), (${GUILD_A}, 'carol', 1, '${tickAt.toISOString().replace('T', ' ').replace('Z', '')}')
					ON CONFLICT (discord_server_id, username) DO UPDATE SET last_active = EXCLUDED.last_active`
				);
				const counted = await a.raffles.countWatchMinute(tickAt, 10);
				expect(counted.counted).to.equal(true);
				if (index === 0) expect((await a.raffles.countWatchMinute(tickAt, 10)).counted).to.equal(false);
			}
			expect(await a.raffles.watchMinutesOf(period.id, 'discord:1')).to.equal(125);
			expect((await a.raffles.ticketsOf(period.id, 'discord:1'))?.watchtimeTickets).to.equal(20);
			// carol never linked: no tickets; the other server counted nothing.
			expect((await a.raffles.participants(period.id)).map((ticket) => ticket.participantKey)).to.deep.equal(['discord:1']);
			expect(await a.raffles.totalsDifferingFromLog(period.id)).to.deep.equal([]);
			// A minute outside the period counts nothing.
			expect((await a.raffles.countWatchMinute(new Date('2026-06-02T00:00:00Z'), 10)).counted).to.equal(false);
		});

		it('stores a draw number once, whoever stores it at once, with one owed announcement, readable in that server only', async () => {
			const period = await a.raffles.createPeriod(may);
			const draw: NewDraw = {
				kind: 'draw',
				slots: [1],
				record: { winners: [{ slot: 1 }] },
				winners: [{ slot: 1, participantKey: 'discord:1', discordId: 1n, kickName: 'bob', winningTicket: 7, nonce: 1 }],
				totalTickets: 10,
				totalParticipants: 1,
				drawnByDiscordId: null,
				prize: '$100',
				serverSeed: SEED.serverSeed,
				clientSeed: 'c',
				commitment: SEED.commitment
			};
			const results = await Promise.all([a.raffles.storeDraw(period.id, 1, draw), a.raffles.storeDraw(period.id, 1, draw)]);
			expect(results.map((result) => result.stored).sort()).to.deep.equal([false, true]);
			expect((await a.raffles.draws(period.id)).map((stored) => stored.drawNumber)).to.deep.equal([1]);
			expect(await a.raffles.owedAnnouncements()).to.deep.equal([{ periodId: period.id, drawNumber: 1 }]);
			expect((await a.raffles.period(period.id))?.status).to.equal('drawn');
			expect(await rejection(b.raffles.storeDraw(period.id, 2, draw))).to.be.an.instanceOf(NotFoundError);
			expect(await rejection(b.raffles.draws(period.id))).to.be.an.instanceOf(NotFoundError);
			expect(await b.raffles.owedAnnouncements()).to.deep.equal([]);
			await a.raffles.markAnnounced(period.id, 1);
			expect(await a.raffles.owedAnnouncements()).to.deep.equal([]);
		});
	});
}
