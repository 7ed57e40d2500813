import { connectPostgres, openEmbedded, type DatabaseConnection } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { createMigrationRunner } from '#lib/database/migrations/migrate';
import type { RepositoryClass } from '#lib/database/GuildRepositories';
import { TokenCipher } from '#lib/database/TokenCipher';
import { pluginsDirectory } from '#lib/paths';
import type { PluginManifest } from '#lib/plugins/definePlugin';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { createTestDatabase, type TestDatabase } from '#test/helpers/postgres';

export const TEST_TOKEN_KEY = Buffer.alloc(32, 7);

/** The two database engines the bot runs on; suites that make sense on both run on both. */
export interface Engine {
	readonly name: 'postgres' | 'embedded';
	/** A new empty database; close the connection first, then `drop()` removes what is left. */
	open(label: string): Promise<{ connection: DatabaseConnection; drop: () => Promise<void> }>;
}

export const postgresEngine: Engine = {
	name: 'postgres',
	async open(label) {
		const testDatabase: TestDatabase = await createTestDatabase(label);
		const connection = connectPostgres(testDatabase.url, { poolSize: 5 });
		return { connection, drop: () => testDatabase.drop() };
	}
};

export const embeddedEngine: Engine = {
	name: 'embedded',
	async open() {
		// In memory: closing the connection is all there is to drop.
		return { connection: await openEmbedded(undefined), drop: async () => undefined };
	}
};

export const engines: readonly Engine[] = [postgresEngine, embeddedEngine];

export async function migrate(connection: DatabaseConnection, originalGuildId?: bigint): Promise<string[]> {
	const session = await connection.openSession();
	try {
		return await createMigrationRunner(session, { originalGuildId, log: () => undefined }).deploy();
	} finally {
		await session.release();
	}
}

export interface MigratedDatabase {
	readonly database: Database;
	close(): Promise<void>;
}

/** The repositories of every plugin under plugins/, as the bot has them with no plugin switched off. */
export async function everyPluginRepositories(): Promise<ReadonlyMap<string, RepositoryClass>> {
	return (await PluginCatalog.discover(pluginsDirectory, [], coreSettings)).repositories;
}

/** The repositories one plugin's manifest declares, as `openMigratedDatabase` takes them (a plugin's tests open a database with just its own). */
export function repositoriesOf(manifest: PluginManifest): ReadonlyMap<string, RepositoryClass> {
	return new Map(Object.entries(manifest.repositories ?? {}));
}

/**
 * A migrated, empty database of the given engine with the repositories on top: the core's, and
 * `repositories` (by default every plugin's, as the bot has them).
 */
export async function openMigratedDatabase(engine: Engine, label: string, repositories?: ReadonlyMap<string, RepositoryClass>): Promise<MigratedDatabase> {
	const { connection, drop } = await engine.open(label);
	await migrate(connection);
	const database = new Database(connection, {
		tokenCipher: new TokenCipher(TEST_TOKEN_KEY),
		repositories: repositories ?? (await everyPluginRepositories())
	});
	return {
		database,
		async close() {
			await database.close();
			await drop();
		}
	};
}

/**
 * The database at `url` (already migrated, e.g. a bot's under test) with the repositories on top:
 * for a test that acts on it as another bot process would.
 */
export function openDatabaseAt(url: string, repositories: ReadonlyMap<string, RepositoryClass>): { database: Database; close(): Promise<void> } {
	const database = new Database(connectPostgres(url, { poolSize: 2 }), { tokenCipher: new TokenCipher(TEST_TOKEN_KEY), repositories });
	return { database, close: () => database.close() };
}

/**
 * Deletes every row of `tables`, in this order (a table whose rows reference another's comes
 * first); ids go on from where they were. For tests that own those tables, such as a plugin's.
 */
export async function deleteRows(database: Database, tables: readonly string[]): Promise<void> {
	const session = await database.connection.openSession();
	try {
		// The names are constants of the tests, never input.
		await session.exec(tables.map((table) => `DELETE FROM ${table};`).join('\n'));
	} finally {
		await session.release();
	}
}

/** Empties every data table (between tests that share one migrated database). */
export async function truncateAll(database: Database): Promise<void> {
	const session = await database.connection.openSession();
	try {
		await session.exec(
			'TRUNCATE servers, bot_settings, custom_commands, timed_messages, point_settings, raffle_periods, raffle_tickets, raffle_draws, ' +
				'shuffle_slots, links, user_points, watchtime, point_shop_items, point_sales, slot_requests, kick_oauth_tokens RESTART IDENTITY CASCADE'
		);
	} finally {
		await session.release();
	}
}
