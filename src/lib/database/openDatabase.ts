import type { DatabaseConfig } from '#lib/config/environment';
import { connectPostgres, openEmbedded, type DatabaseConnection, type SqlSession } from '#lib/database/connection';
import { countingDatabaseErrors } from '#lib/database/countDatabaseErrors';
import { Database } from '#lib/database/Database';
import type { RepositoryClass } from '#lib/database/GuildRepositories';
import { createMigrationRunner } from '#lib/database/migrations/migrate';
import { MigrationError } from '#lib/database/migrations/MigrationRunner';
import { TokenCipher } from '#lib/database/TokenCipher';
import { StartupError } from '#lib/startup/StartupError';

/**
 * Opens the configured database (PostgreSQL with DATABASE_URL, else the embedded one under
 * DATA_DIR), then applies pending migrations (AUTO_MIGRATE) or refuses to start while any
 * are pending. `repositories` are the enabled plugins' (`forGuild(id).<name>`).
 * @throws {StartupError} when the database cannot be reached or migrated.
 */
export async function openDatabase(
	config: DatabaseConfig,
	log: (message: string) => void,
	repositories: ReadonlyMap<string, RepositoryClass> = new Map()
): Promise<Database> {
	const connection = await openConnection(config);
	log(`Database: ${connection.description}`);
	try {
		await prepareSchema(connection, config, log);
	} catch (error) {
		await connection.close();
		throw error;
	}
	return new Database(countingDatabaseErrors(connection), {
		tokenCipher: config.tokenEncryptionKey && new TokenCipher(config.tokenEncryptionKey),
		repositories
	});
}

/** PostgreSQL with DATABASE_URL, else the embedded database under DATA_DIR. */
export async function openConnection(config: Pick<DatabaseConfig, 'databaseUrl' | 'dataDir'>): Promise<DatabaseConnection> {
	return config.databaseUrl === undefined ? openEmbedded(config.dataDir) : connectPostgres(config.databaseUrl);
}

/** Opens the migration session, or says in one line why the database cannot be reached. */
export async function openMigrationSession(connection: DatabaseConnection): Promise<SqlSession> {
	return connection.openSession().catch((error: unknown) => {
		throw new StartupError(
			`Cannot connect to ${connection.description}: ${error instanceof Error ? error.message : String(error)}. ` +
				'Check DATABASE_URL, or unset it to use the embedded database.',
			{ cause: error }
		);
	});
}

async function prepareSchema(connection: DatabaseConnection, config: DatabaseConfig, log: (message: string) => void): Promise<void> {
	const session = await openMigrationSession(connection);
	try {
		const runner = createMigrationRunner(session, { originalGuildId: config.originalGuildId, log });
		if (config.autoMigrate) {
			const applied = await runner.deploy();
			if (applied.length === 0) log('Database schema is up to date.');
			return;
		}
		const status = await runner.status();
		runner.assertHealthy(status);
		const waiting = [...status.pending.map((migration) => migration.name), ...(status.legacy ? ['(legacy baseline)'] : [])];
		if (waiting.length > 0) {
			throw new StartupError(
				`The database has ${waiting.length} pending migration(s): ${waiting.join(', ')}. Run \`npm run db:migrate\` (in the Docker image: \`node dist/scripts/database.js migrate\`), or set AUTO_MIGRATE=true.`
			);
		}
	} catch (error) {
		if (error instanceof MigrationError) throw new StartupError(error.message, { cause: error });
		throw error;
	} finally {
		await session.release();
	}
}
