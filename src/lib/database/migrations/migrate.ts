import type { SqlSession } from '#lib/database/connection';
import { readMigrationFiles } from '#lib/database/migrations/MigrationFiles';
import { MigrationRunner } from '#lib/database/migrations/MigrationRunner';
import { migrationsDirectory } from '#lib/paths';

/** The first migration: the legacy single-server schema (LEGACY.md). */
export const BASELINE_MIGRATION = '20240101000000_legacy_baseline';

/** The single-server bot's tables: any of them without `_prisma_migrations` marks a legacy database. */
export const LEGACY_TABLES = [
	'servers',
	'bot_settings',
	'custom_commands',
	'timed_messages',
	'point_settings',
	'raffle_periods',
	'raffle_tickets',
	'raffle_draws',
	'shuffle_slots',
	'links',
	'user_points',
	'watchtime',
	'point_shop_items',
	'point_sales',
	'slot_requests',
	'kick_oauth_tokens'
] as const;

export interface MigrateOptions {
	/** DISCORD_GUILD_ID: recorded in an empty `servers` table so legacy rows have an owner to move to. */
	readonly originalGuildId: bigint | undefined;
	readonly log: (message: string) => void;
	readonly directory?: string;
}

export function createMigrationRunner(session: SqlSession, options: MigrateOptions): MigrationRunner {
	return new MigrationRunner(session, readMigrationFiles(options.directory ?? migrationsDirectory), {
		baseline: BASELINE_MIGRATION,
		legacyTables: LEGACY_TABLES,
		log: options.log,
		beforeEach: async (migrationSession) => {
			if (options.originalGuildId !== undefined) await recordOriginalServer(migrationSession, options.originalGuildId, options.log);
		}
	});
}

/**
 * When `servers` exists and is empty, records the original server, so the multi-server
 * upgrade can give it the legacy rows (it backfills with the oldest `servers` row).
 */
async function recordOriginalServer(session: SqlSession, guildId: bigint, log: (message: string) => void): Promise<void> {
	const [table] = await session.query<{ present: boolean }>(`SELECT to_regclass('servers') IS NOT NULL AS present`);
	if (!table?.present) return;
	const inserted = await session.query(
		'INSERT INTO servers (discord_server_id) SELECT $1::bigint WHERE NOT EXISTS (SELECT 1 FROM servers) RETURNING discord_server_id',
		[guildId.toString()]
	);
	if (inserted.length > 0) log(`Recorded DISCORD_GUILD_ID ${guildId} as the original server.`);
}
