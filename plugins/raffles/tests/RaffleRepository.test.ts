import { expect } from 'chai';
import { InvalidInputError, NotFoundError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

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
			await deleteRows(database, ['raffle_draws', 'raffle_tickets', 'raffle_periods']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

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
			expect({ watch: bob?.watchtimeTickets, gifted: bob?.giftedSubTickets, total: bob?.totalTickets }).to.deep.equal({
				watch: 10,
				gifted: 15,
				total: 25
			});
			expect((await a.raffles.period(period.id))?.totalTickets).to.equal(65);
			expect((await a.raffles.ticketLeaderboard(period.id, 5)).map((ticket) => ticket.kickName)).to.deep.equal(['alice', 'bob']);
			expect((await a.raffles.participants(period.id)).map((ticket) => ticket.discordId)).to.deep.equal([1n, 2n]);

			expect(await rejection(b.raffles.addTickets(period.id, { discordId: 3n, kickName: 'mallory', source: 'bonus', amount: 99 }))).to.be.an.instanceOf(
				NotFoundError
			);
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
}
