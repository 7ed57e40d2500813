import type { DatabaseConnection } from '#lib/database/connection';
import { createTestDatabase, sql, type TestDatabase } from '#test/helpers/postgres';

/** Brings a database to the current schema with the bot's own migration runner. */
export { migrate } from '#test/helpers/databases';

/** The server the bench creates its database on (a throwaway database, dropped at the end). */
export const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The servers every benchmark spreads its rows over (Discord snowflakes). */
export const BENCH_GUILDS: readonly bigint[] = [1_100_000_000_000_000_001n, 1_100_000_000_000_000_002n, 1_100_000_000_000_000_003n];

/** A throwaway database on the bench's server, created like the tests' own and dropped at the end. */
export function createBenchDatabase(): Promise<TestDatabase> {
	return createTestDatabase('bench', ADMIN_DATABASE_URL);
}

export async function postgresVersion(): Promise<string> {
	const [row] = await sql<{ server_version: string }>(ADMIN_DATABASE_URL, 'SHOW server_version');
	return row?.server_version ?? 'unknown';
}

/** Runs a script of several statements on one session of the connection. */
export async function execScript(connection: DatabaseConnection, script: string): Promise<void> {
	const session = await connection.openSession();
	try {
		await session.exec(script);
	} finally {
		await session.release();
	}
}

export async function querySession<Row extends object>(connection: DatabaseConnection, sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
	const session = await connection.openSession();
	try {
		return await session.query<Row>(sql, parameters);
	} finally {
		await session.release();
	}
}

/** The Kick username of seeded viewer `n` (1-based) — the same in every server. */
export function viewerName(n: number): string {
	return `viewer_${n}`;
}

export function commandName(n: number): string {
	return `cmd${n}`;
}

/**
 * Seeds viewers `from..to` (inclusive) into `user_points` of every bench server, in one
 * `INSERT ... SELECT generate_series` per server. Points are pseudo-random but deterministic
 * (a hash of the server and viewer number), with about 1 % NULL balances as legacy rows have.
 */
export async function seedUserPoints(connection: DatabaseConnection, from: number, to: number): Promise<void> {
	const statements = BENCH_GUILDS.map(
		(guild) => `
		INSERT INTO user_points (discord_server_id, kick_username, discord_id, points, total_earned, total_spent, last_updated)
		SELECT ${guild}, 'viewer_' || n,
		       CASE WHEN n % 10 = 0 THEN 200000000000000000 + n END,
		       CASE WHEN n % 97 = 0 THEN NULL ELSE (abs(hashint8(${guild} + n)::bigint) % 1000000)::int END,
		       (abs(hashint8(${guild} + n)::bigint) % 1000000)::int + 50,
		       50,
		       now() - (n % 1000) * interval '1 minute'
		FROM generate_series(${from}, ${to}) AS n;`
	);
	await execScript(connection, statements.join('\n'));
}

/** A server row per bench server and `perGuild` custom commands in each. */
export async function seedServersAndCommands(connection: DatabaseConnection, perGuild: number): Promise<void> {
	const statements = BENCH_GUILDS.map(
		(guild, index) => `
		INSERT INTO servers (discord_server_id, server_name) VALUES (${guild}, 'Bench server ${index + 1}');
		INSERT INTO custom_commands (discord_server_id, command, response, cooldown, enabled)
		SELECT ${guild}, 'cmd' || n, 'Response of command ' || n || ' in server ${index + 1}', n % 30, true
		FROM generate_series(1, ${perGuild}) AS n;`
	);
	await execScript(connection, statements.join('\n'));
}

/** Fresh statistics and visibility map, as autovacuum would leave a settled table. */
export async function vacuumAnalyze(connection: DatabaseConnection): Promise<void> {
	// One statement per call: VACUUM refuses to run inside the implicit transaction of a multi-statement string.
	for (const table of ['user_points', 'custom_commands', 'servers']) await execScript(connection, `VACUUM ANALYZE ${table}`);
}
