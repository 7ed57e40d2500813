import { expect } from 'chai';
import { InvalidInputError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

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
			await deleteRows(database, ['user_points']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

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
}
