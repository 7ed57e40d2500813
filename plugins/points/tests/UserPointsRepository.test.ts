import { expect } from 'chai';
import * as fc from 'fast-check';
import { InvalidInputError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import { balanceOf, refundPoints, spendPoints } from '../lib/ledger.js';
import manifest from '../plugin.js';
import { expectBalancesEqualLedger } from './ledgerSums.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

for (const engine of engines) {
	describe(`UserPointsRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			// This plugin's repositories only: the plugin stands on its own.
			migrated = await openMigratedDatabase(engine, 'points', repositoriesOf(manifest));
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, ['user_points', 'point_ledger', 'point_watch_ticks']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});
		afterEach(() => expectBalancesEqualLedger(database));

		async function rowsOf(table: string): Promise<number> {
			const session = await database.connection.openSession();
			try {
				return (await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
			} finally {
				await session.release();
			}
		}

		it('awards, spends within the balance only, and removes down to zero at most, each change a ledger row', async () => {
			expect((await a.points.award('Bob', 50)).points).to.equal(50);
			expect((await a.points.award('bob', 25)).totalEarned).to.equal(75);
			expect(await a.points.spend('bob', { amount: 100, source: 'shop', reason: 'Too dear' })).to.deep.equal({ status: 'insufficient', balance: 75 });
			expect(await a.points.spend('bob', { amount: 30, source: 'shop', reason: 'A hat' })).to.deep.equal({ status: 'spent', balance: 45 });
			expect(await a.points.remove('bob', { amount: 1000, source: 'remove', reason: 'Spam' })).to.deep.equal({ removed: 45, balance: 0 });
			expect(await a.points.remove('nobody', { amount: 5, source: 'remove', reason: 'Spam' })).to.deep.equal({ removed: 0, balance: 0 });
			const bob = await a.points.get('BOB');
			expect({ points: bob?.points, earned: bob?.totalEarned, spent: bob?.totalSpent }).to.deep.equal({ points: 0, earned: 75, spent: 30 });
			const history = await a.points.history('bob', { limit: 10 });
			expect(history.map((entry) => [entry.source, entry.amount, entry.reason])).to.deep.equal([
				['remove', -45, 'Spam'],
				['shop', -30, 'A hat'],
				['award', 25, 'Awarded'],
				['award', 50, 'Awarded']
			]);
			expect(await a.points.historyCount('bob')).to.equal(4);
		});

		it('sets a balance with one ledger row of the difference', async () => {
			await a.points.award('bob', 10);
			expect(await a.points.set('bob', { balance: 40, reason: 'Fixed', actorDiscordId: 7n })).to.deep.equal({ delta: 30, balance: 40 });
			expect(await a.points.set('bob', { balance: 5, reason: 'Fixed again' })).to.deep.equal({ delta: -35, balance: 5 });
			expect(await a.points.set('bob', { balance: 5, reason: 'Same' })).to.deep.equal({ delta: 0, balance: 5 });
			expect((await a.points.history('bob', { limit: 10 })).map((entry) => entry.amount)).to.deep.equal([-35, 30, 10]);
		});

		it('refuses amounts that are not whole, positive and within the limit, and empty reasons, writing nothing', async () => {
			for (const amount of [0, -5, 1.5, Number.NaN, 100_000_001, Number.MAX_SAFE_INTEGER * 2]) {
				expect(await rejection(a.points.award('bob', amount))).to.be.an.instanceOf(InvalidInputError);
				expect(await rejection(a.points.spend('bob', { amount, source: 'shop', reason: 'x' }))).to.be.an.instanceOf(InvalidInputError);
			}
			expect(await rejection(a.points.credit('bob', { amount: 5, source: 'award', reason: '   ' }))).to.be.an.instanceOf(InvalidInputError);
			expect(await rejection(a.points.set('bob', { balance: -1, reason: 'x' }))).to.be.an.instanceOf(InvalidInputError);
			expect(await a.points.get('bob')).to.equal(null);
		});

		it('refuses a credit that would take a balance over the integer limit, writing nothing', async () => {
			await a.points.set('bob', { balance: 2_147_000_000, reason: 'Nearly full' });
			expect(await rejection(a.points.award('bob', 100_000_000))).to.be.an.instanceOf(InvalidInputError);
			expect(await a.points.balanceOf('bob')).to.equal(2_147_000_000);
		});

		it('keeps setting the full balance, down to zero and back, once the lifetime totals are at their limit', async () => {
			for (const balance of [2_147_483_647, 0, 2_147_483_647, 0, 12]) {
				expect((await a.points.set('bob', { balance, reason: 'Moderator fix' })).balance).to.equal(balance);
			}
			expect(await a.points.spend('bob', { amount: 12, source: 'shop', reason: 'Bought' })).to.deep.equal({ status: 'spent', balance: 0 });
			const record = await a.points.get('bob');
			expect([record!.points, record!.totalEarned]).to.deep.equal([0, 2_147_483_647]);
		});

		it('counts a Kick event once: the same event key twice adds one bonus', async () => {
			const change = { amount: 20, source: 'sub', reason: 'New sub', eventKey: 'kick:evt-1' };
			expect(await a.points.credit('bob', change)).to.deep.equal({ status: 'credited', balance: 20 });
			expect(await a.points.credit('bob', change)).to.deep.equal({ status: 'already counted', balance: 20 });
			const raced = await Promise.all(Array.from({ length: 8 }, () => a.points.credit('bob', { ...change, eventKey: 'kick:evt-2' })));
			expect(raced.filter((outcome) => outcome.status === 'credited')).to.have.length(1);
			// The same event in another server counts there.
			expect(await b.points.credit('bob', change)).to.deep.equal({ status: 'credited', balance: 20 });
			expect(await a.points.balanceOf('bob')).to.equal(40);
		});

		it('never lets 1,000 racing spends take a balance below zero', async () => {
			await a.points.award('bob', 500);
			const results = await Promise.all(Array.from({ length: 1000 }, () => spendPoints(a, { person: 'bob', amount: 7, reason: 'A race' })));
			expect(results.filter((result) => result.status === 'spent')).to.have.length(71);
			expect(await balanceOf(a, 'bob')).to.equal(500 - 71 * 7);
		});

		it('refunds a sale once per ref', async () => {
			await a.points.award('bob', 100);
			await spendPoints(a, { person: 'bob', amount: 60, reason: 'Order #1', ref: 'sale:1' });
			expect(await refundPoints(a, { person: 'bob', amount: 60, reason: 'Order #1 cancelled', ref: 'sale:1' })).to.deep.equal({
				status: 'credited',
				balance: 100
			});
			expect((await refundPoints(a, { person: 'bob', amount: 60, reason: 'Order #1 cancelled', ref: 'sale:1' })).status).to.equal('already counted');
			const bob = await a.points.get('bob');
			expect({ points: bob?.points, earned: bob?.totalEarned, spent: bob?.totalSpent }).to.deep.equal({ points: 100, earned: 100, spent: 0 });
		});

		it('spends inside a transaction that rolls back with it', async () => {
			await a.points.award('bob', 100);
			const failure = await rejection(
				a.transaction(async (db) => {
					expect((await spendPoints(db, { person: 'bob', amount: 40, reason: 'Order' })).status).to.equal('spent');
					throw new Error('out of stock after all');
				})
			);
			expect(failure).to.be.an.instanceOf(Error).with.property('message', 'out of stock after all');
			expect(await balanceOf(a, 'bob')).to.equal(100);
			expect(await a.points.historyCount('bob')).to.equal(1);
		});

		it('gives everyone named the same amount in one statement', async () => {
			await a.points.award('bob', 5);
			expect(
				await a.points.creditMany(['bob', 'Alice', 'alice'], { amount: 10, source: 'give_all', reason: 'Stream party', actorDiscordId: 9n })
			).to.equal(2);
			expect(await a.points.balanceOf('bob')).to.equal(15);
			expect(await a.points.balanceOf('alice')).to.equal(10);
			expect(await a.points.creditMany([], { amount: 10, source: 'give_all', reason: 'Nobody' })).to.equal(0);
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

		it('ranks from the maintained counts exactly as counting the balances above would, across bucket edges (property)', async () => {
			const edge = fc.constantFrom(0, 1, 1023, 1024, 1025, 1_048_575, 1_048_576, 1_049_600, 2_147_483_647);
			const balance = fc.oneof(edge, fc.integer({ min: 0, max: 3_000_000 }));
			await fc.assert(
				fc.asyncProperty(
					fc.array(fc.tuple(fc.constantFrom('v1', 'v2', 'v3', 'v4', 'v5', 'v6'), balance, fc.boolean()), { minLength: 1, maxLength: 12 }),
					async (steps) => {
						await deleteRows(database, ['user_points', 'point_ledger']);
						for (const [name, target, inB] of steps) await (inB ? b : a).points.set(name, { balance: target, reason: 'Property' });
						for (const repositories of [a, b]) {
							const board = await repositories.points.leaderboard({ limit: 100 });
							for (const row of board) {
								const above = board.filter((other) => other.points > row.points).length;
								expect(await repositories.points.rankOf(row.kickUsername), row.kickUsername).to.equal(above + 1);
							}
							expect(await repositories.points.count()).to.equal(board.length);
						}
					}
				),
				{ numRuns: 25 }
			);
			await deleteRows(database, ['user_points', 'point_ledger']);
			expect(await rowsOf('point_rank_counts'), 'every count back to none').to.equal(0);
		});

		it('refuses an update of the ledger (append-only)', async () => {
			await a.points.award('bob', 5);
			const session = await database.connection.openSession();
			try {
				expect(await rejection(session.exec(`UPDATE point_ledger SET amount = 500`))).to.be.an.instanceOf(Error);
				expect(await rejection(session.exec(`UPDATE user_points SET points = -1`)), 'the CHECK').to.be.an.instanceOf(Error);
			} finally {
				await session.release();
			}
			expect(await a.points.balanceOf('bob')).to.equal(5);
		});
	});
}
