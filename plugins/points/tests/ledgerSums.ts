import { expect } from 'chai';
import type { MigratedDatabase } from '#test/helpers/databases';

/** Every balance equals the sum of its ledger rows, and every ledger has a balance row. */
export async function expectBalancesEqualLedger(database: MigratedDatabase['database']): Promise<void> {
	const session = await database.connection.openSession();
	try {
		const mismatches = await session.query<{ server: string; name: string; points: number | null; total: number | null }>(
			`SELECT u.discord_server_id::text AS server, COALESCE(u.kick_username, l.kick_username) AS name, u.points, l.total
			FROM user_points AS u
			FULL JOIN (SELECT discord_server_id, kick_username, sum(amount)::int AS total FROM point_ledger GROUP BY 1, 2) AS l USING (discord_server_id, kick_username)
			WHERE u.points IS DISTINCT FROM COALESCE(l.total, 0) OR u.points IS NULL`
		);
		expect(mismatches, 'balances that differ from their ledger sums').to.deep.equal([]);
	} finally {
		await session.release();
	}
}
