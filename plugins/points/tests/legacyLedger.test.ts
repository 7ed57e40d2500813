import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { engines, migrate } from '#test/helpers/databases';

// Legacy balances enter the ledger when the points migrations are applied, once; applied again
// (after a legacy rollback, the old bot having changed balances) they add only the difference.

const migrationSql = (name: string) => readFileSync(join(process.cwd(), 'prisma', 'migrations', name, 'migration.sql'), 'utf8');
const LEDGER = '20261214000000_points_ledger';
const RANK_COUNTS = '20261215000000_points_rank_counts';

for (const engine of engines) {
	describe(`points migrations over a legacy database (${engine.name})`, () => {
		it('opens the ledger with the legacy balances once, reconciles what changed outside it, and counts ranks afresh', async () => {
			const { connection, drop } = await engine.open('points-legacy');
			const session = await connection.openSession();
			try {
				await session.exec(migrationSql('20240101000000_legacy_baseline'));
				await session.exec(readFileSync(join(process.cwd(), 'test', 'fixtures', 'legacy', 'single-server-data.sql'), 'utf8'));
				// A legacy row with a mixed-case name and one with a negative balance.
				await session.exec(`INSERT INTO user_points (kick_username, points) VALUES ('Carol', 5), ('dave', -3)`);
				await migrate(connection);

				const ledger = () =>
					session.query<{ name: string; source: string; amount: number }>(
						`SELECT kick_username AS name, source, amount FROM point_ledger ORDER BY kick_username, id`
					);
				const opening = [
					{ name: 'alice', source: 'legacy', amount: 40 },
					{ name: 'bob', source: 'legacy', amount: 120 },
					{ name: 'carol', source: 'legacy', amount: 5 }
				];
				expect(await ledger()).to.deep.equal(opening);
				expect(await session.query(`SELECT points FROM user_points WHERE kick_username = 'dave'`)).to.deep.equal([{ points: 0 }]);

				// Applied again: nothing more.
				await session.exec(migrationSql(LEDGER));
				await session.exec(migrationSql(RANK_COUNTS));
				expect(await ledger()).to.deep.equal(opening);

				// The old bot changed a balance without the ledger (after a rollback); upgrading again reconciles it.
				await session.exec(`UPDATE user_points SET points = 200 WHERE kick_username = 'bob'`);
				await session.exec(migrationSql(LEDGER));
				expect((await ledger()).filter((row) => row.name === 'bob').map((row) => row.amount)).to.deep.equal([120, 80]);
				expect(
					await session.query(
						`SELECT u.kick_username FROM user_points AS u
						LEFT JOIN (SELECT discord_server_id, kick_username, sum(amount)::int AS total FROM point_ledger GROUP BY 1, 2) AS l USING (discord_server_id, kick_username)
						WHERE u.points <> COALESCE(l.total, 0)`
					),
					'balances equal the ledger sums'
				).to.deep.equal([]);

				// The rank counts match the balances (recounted by the migration, kept by the trigger since).
				const counts = await session.query<{ level: number; bucket: number; viewers: number }>(
					`SELECT level, bucket, viewers FROM point_rank_counts WHERE level = 0 ORDER BY bucket`
				);
				expect(counts).to.deep.equal([
					{ level: 0, bucket: 0, viewers: 1 },
					{ level: 0, bucket: 5, viewers: 1 },
					{ level: 0, bucket: 40, viewers: 1 },
					{ level: 0, bucket: 200, viewers: 1 }
				]);
			} finally {
				await session.release();
				await connection.close();
				await drop();
			}
		});
	});
}
