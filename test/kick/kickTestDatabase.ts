import type { Database } from '#lib/database/Database';
import { truncateAll } from '#test/helpers/databases';

/** Two servers that share nothing but the database (and, in some tests, a Kick channel). */
export const GUILD_A = 100000000000000001n;
export const GUILD_B = 100000000000000002n;
export const GUILD_C = 100000000000000003n;

/** Empties every table, the Kick ones too (truncateAll predates them). */
export async function emptyDatabase(database: Database): Promise<void> {
	await truncateAll(database);
	await execute(database, 'TRUNCATE kick_connections, kick_oauth_states, outbox_messages, kick_event_receipts');
}

/** Records servers in `servers`, as the bot does when it joins them. */
export async function addServers(database: Database, ...guildIds: readonly bigint[]): Promise<void> {
	for (const guildId of guildIds) await database.forGuild(guildId).server.ensure({ name: `Server ${guildId}`, ownerId: 1n });
}

/** Rows as the database holds them, read past the repositories (cast ids to text: the engines return BIGINT differently). */
export async function selectRows<Row extends object>(database: Database, sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
	const session = await database.connection.openSession();
	try {
		return await session.query<Row>(sql, parameters);
	} finally {
		await session.release();
	}
}

export async function execute(database: Database, sql: string, parameters: readonly unknown[] = []): Promise<void> {
	await selectRows(database, sql, parameters);
}

export interface StoredTokenRow {
	readonly guild: string;
	readonly kick_user: string;
	readonly access_token: string | null;
	readonly refresh_token: string | null;
}

/** Every kick_oauth_tokens row, ordered by server then Kick user. */
export function storedTokenRows(database: Database): Promise<StoredTokenRow[]> {
	return selectRows<StoredTokenRow>(
		database,
		'SELECT discord_server_id::text AS guild, user_id::text AS kick_user, access_token, refresh_token FROM kick_oauth_tokens ORDER BY discord_server_id, user_id'
	);
}
