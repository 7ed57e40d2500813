// The database tools: `npm run db:migrate`, `npm run db:status`, `npm run db:rollback-legacy`.
// They use the same configuration as the bot (DATABASE_URL, or the embedded database under DATA_DIR).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDatabaseConfig } from '#lib/config/environment';
import { legacyRollbackScript } from '#lib/database/migrations/legacyRollback';
import { createMigrationRunner } from '#lib/database/migrations/migrate';
import { readMigrationFiles } from '#lib/database/migrations/MigrationFiles';
import { MigrationError } from '#lib/database/migrations/MigrationRunner';
import { openConnection, openMigrationSession } from '#lib/database/openDatabase';
import { migrationsDirectory, projectRoot } from '#lib/paths';
import { StartupError } from '#lib/startup/StartupError';

const ROLLBACK_SCRIPT = join(projectRoot, 'prisma', 'rollback', '20261124000000_multi_server.down.sql');
const command = process.argv[2];
const log = (message: string) => console.log(message);

async function run(): Promise<void> {
	if (command !== 'migrate' && command !== 'status' && command !== 'rollback-legacy') {
		throw new StartupError('Usage: node dist/scripts/database.js migrate | status | rollback-legacy');
	}
	if (existsSync('.env')) process.loadEnvFile('.env');
	const config = loadDatabaseConfig(process.env);
	const connection = await openConnection(config);
	log(`Database: ${connection.description}`);
	const session = await openMigrationSession(connection).catch(async (error: unknown) => {
		await connection.close();
		throw error;
	});
	try {
		const runner = createMigrationRunner(session, { originalGuildId: config.originalGuildId, log });
		if (command === 'migrate') {
			const applied = await runner.deploy();
			log(applied.length === 0 ? 'No pending migrations: the schema is up to date.' : `Applied ${applied.length} migration(s).`);
		} else if (command === 'status') {
			const status = await runner.status();
			for (const row of status.applied) log(`applied  ${row.migrationName}  (${row.finishedAt?.toISOString()})`);
			for (const migration of status.pending) log(`pending  ${migration.name}`);
			for (const row of status.failed) log(`FAILED   ${row.migrationName}  (started ${row.startedAt.toISOString()}, never finished)`);
			for (const migration of status.modified) log(`CHANGED  ${migration.name}  (the file differs from what was applied)`);
			if (status.legacy) log('This is a database of the single-server bot: the next migrate records its baseline and upgrades it.');
			log(`${status.applied.length} applied, ${status.pending.length} pending.`);
		} else {
			await session
				.exec(legacyRollbackScript(readFileSync(ROLLBACK_SCRIPT, 'utf8'), readMigrationFiles(migrationsDirectory)))
				.catch(async (error: unknown) => {
					// The script's own transaction is left aborted: end it before the session closes.
					await session.exec('ROLLBACK').catch(() => undefined);
					throw new StartupError(describeRefusal(error), { cause: error });
				});
			log('Rolled back the multi-server upgrade: the old single-server bot can run on this database again.');
		}
	} finally {
		await session.release();
		await connection.close();
	}
}

try {
	await run();
} catch (error) {
	if (error instanceof StartupError) for (const line of error.lines) console.error(line);
	else if (error instanceof MigrationError) console.error(error.message);
	else console.error(error);
	process.exitCode = 1;
}

/** A refused rollback is an expected outcome: PostgreSQL's message and hint, without a stack. */
function describeRefusal(error: unknown): string[] {
	if (!(error instanceof Error)) return [String(error)];
	const hint = (error as { hint?: unknown }).hint;
	return typeof hint === 'string' ? [error.message, hint] : [error.message];
}
