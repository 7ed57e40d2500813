import type { DatabaseConnection } from '#lib/database/connection';
import type { Database } from '#lib/database/Database';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import { BENCH_GUILDS, querySession, viewerName } from './database.js';
import { measure, seededRandom, type AsyncOperation, type BenchSettings, type CaseResult } from './measure.js';

export interface PointsRowsCase {
	readonly rowsPerGuild: number;
	readonly operation: string;
	readonly result: CaseResult;
}

/**
 * The points repository's reads with `rowsPerGuild` viewers in each of the bench servers,
 * through the guarded client (as the bot runs). Calls rotate over the servers; viewers are
 * drawn from a seeded PRNG over all seeded viewers.
 */
export async function benchPointsRows(
	database: Database,
	rowsPerGuild: number,
	settings: BenchSettings,
	progress: (message: string) => void
): Promise<PointsRowsCase[]> {
	const guilds: GuildRepositories[] = BENCH_GUILDS.map((guild) => database.forGuild(guild));
	const random = seededRandom(rowsPerGuild);
	const viewers = Array.from({ length: 4096 }, () => viewerName(1 + Math.floor(random() * rowsPerGuild)));
	const guild = (i: number): GuildRepositories => guilds[i % guilds.length] as GuildRepositories;
	const viewer = (i: number): string => viewers[i % viewers.length] as string;
	const operations: Array<[string, AsyncOperation]> = [
		['points.get (balance by Kick username)', (i) => guild(i).points.get(viewer(i))],
		['points.leaderboard top 10', (i) => guild(i).points.leaderboard({ limit: 10 })],
		['points.rankOf (a viewer’s rank)', (i) => guild(i).points.rankOf(viewer(i))],
		['points.count', (i) => guild(i).points.count()]
	];
	const cases: PointsRowsCase[] = [];
	for (const [operation, run] of operations) {
		progress(`points-rows / ${rowsPerGuild} rows per server: ${operation}`);
		for (let i = 0; i < 6; i++) {
			if ((await run(i)) === null) throw new Error(`${operation} found nothing for call ${i}`);
		}
		cases.push({ rowsPerGuild, operation, result: await measure(run, settings) });
	}
	return cases;
}

/**
 * The plans PostgreSQL picks for the SQL the points reads send (the statements are written out
 * here as Prisma and the repository send them), so the report can say which index serves what.
 */
export async function explainPointsReads(connection: DatabaseConnection): Promise<Array<{ operation: string; plan: string[] }>> {
	const guild = String(BENCH_GUILDS[0] ?? 1n);
	const statements: Array<[string, string, unknown[]]> = [
		['points.get', 'SELECT * FROM user_points WHERE discord_server_id = $1 AND kick_username = $2 LIMIT 1', [guild, viewerName(4242)]],
		[
			'points.leaderboard top 10',
			'SELECT * FROM user_points WHERE discord_server_id = $1 ORDER BY points DESC NULLS LAST, id ASC LIMIT 10 OFFSET 0',
			[guild]
		],
		[
			'points.rankOf',
			`WITH own AS (SELECT COALESCE(points, 0) AS points FROM user_points WHERE discord_server_id = $1 AND kick_username = $2)
			 SELECT 1
			   + (SELECT count(*)::int FROM user_points other WHERE other.discord_server_id = $1 AND other.points > own.points)
			   + CASE WHEN own.points < 0
			       THEN (SELECT count(*)::int FROM user_points other WHERE other.discord_server_id = $1 AND other.points IS NULL)
			       ELSE 0 END AS rank
			 FROM own`,
			[guild, viewerName(4242)]
		],
		['points.count', 'SELECT count(*) FROM (SELECT id FROM user_points WHERE discord_server_id = $1 OFFSET 0) AS sub', [guild]]
	];
	const plans: Array<{ operation: string; plan: string[] }> = [];
	for (const [operation, sql, parameters] of statements) {
		const rows = await querySession<{ 'QUERY PLAN': string }>(connection, `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON) ${sql}`, parameters);
		plans.push({ operation, plan: rows.map((row) => row['QUERY PLAN']) });
	}
	return plans;
}
