import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DatabaseConnection, SqlSession } from '#lib/database/connection';
import { checksumOf, readMigrationFiles } from '#lib/database/migrations/MigrationFiles';
import { BASELINE_MIGRATION, createMigrationRunner, LEGACY_TABLES } from '#lib/database/migrations/migrate';
import { MigrationError, type PrismaMigrationRow } from '#lib/database/migrations/MigrationRunner';
import { migrationsDirectory } from '#lib/paths';
import { engines, postgresEngine } from '#test/helpers/databases';

const UPGRADE = '20261124000000_multi_server';
const MEMBERSHIP = '20261125000000_server_membership';
const KICK_CONNECTION = '20261126000000_kick_connection';
const RELIABLE_DELIVERY = '20261201000000_reliable_delivery';
/** Every migration shipped, in name order: the core's, then any a plugin added (a plugin adds its own folder, no list to edit). */
const ALL_MIGRATIONS = readMigrationFiles(migrationsDirectory).map((migration) => migration.name);

function bookkeeping(session: SqlSession): Promise<PrismaMigrationRow[]> {
	return session.query<PrismaMigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
}

async function tableNames(session: SqlSession): Promise<string[]> {
	const rows = await session.query<{ table_name: string }>(
		`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	);
	return rows.map((row) => row.table_name);
}

/** A copy of prisma/migrations that a test may edit. */
function copyOfMigrations(): string {
	const directory = mkdtempSync(join(tmpdir(), 'kickbot-migrations-'));
	cpSync(migrationsDirectory, directory, { recursive: true });
	return directory;
}

const quiet = { originalGuildId: undefined, log: () => undefined };

for (const engine of engines) {
	describe(`Migration runner (${engine.name})`, () => {
		let connection: DatabaseConnection;
		let drop: () => Promise<void>;
		let session: SqlSession;
		const directories: string[] = [];

		beforeEach(async () => {
			({ connection, drop } = await engine.open('migrations'));
			session = await connection.openSession();
		});

		afterEach(async () => {
			await session.release();
			await connection.close();
			await drop();
			for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
		});

		it('creates the whole schema on an empty database and records each migration as prisma migrate deploy does', async () => {
			const applied = await createMigrationRunner(session, quiet).deploy();

			const files = readMigrationFiles(migrationsDirectory);
			expect(applied).to.deep.equal(files.map((file) => file.name));
			expect(await tableNames(session)).to.include.members([...LEGACY_TABLES, '_prisma_migrations']);
			const rows = await bookkeeping(session);
			expect(rows.map((row) => row.migration_name)).to.deep.equal(files.map((file) => file.name));
			for (const [index, row] of rows.entries()) {
				expect(row.checksum).to.equal(checksumOf(readFileSync(join(migrationsDirectory, row.migration_name, 'migration.sql'), 'utf8')));
				expect(row.checksum).to.match(/^[0-9a-f]{64}$/);
				expect(row.id).to.match(/^[0-9a-f-]{36}$/);
				expect(row.finished_at, `finished_at of ${files[index]!.name}`).to.be.an.instanceOf(Date);
				expect(row.rolled_back_at).to.equal(null);
				expect(row.applied_steps_count).to.equal(1);
				expect(row.logs).to.equal(null);
			}
		});

		it('applies nothing and changes nothing when run again', async () => {
			await createMigrationRunner(session, quiet).deploy();
			const before = await bookkeeping(session);

			expect(await createMigrationRunner(session, quiet).deploy()).to.deep.equal([]);
			expect(await bookkeeping(session)).to.deep.equal(before);
		});

		it('lists applied and pending migrations', async () => {
			const runner = createMigrationRunner(session, quiet);
			const fresh = await runner.status();
			expect(fresh.applied).to.have.length(0);
			expect(ALL_MIGRATIONS.slice(0, 5)).to.deep.equal([BASELINE_MIGRATION, UPGRADE, MEMBERSHIP, KICK_CONNECTION, RELIABLE_DELIVERY]);
			expect(fresh.pending.map((migration) => migration.name)).to.deep.equal(ALL_MIGRATIONS);
			expect(fresh.legacy).to.equal(false);

			await runner.deploy();
			const done = await runner.status();
			expect(done.applied.map((row) => row.migrationName)).to.deep.equal(ALL_MIGRATIONS);
			expect(done.pending).to.have.length(0);
		});

		it('refuses a migration whose file changed after it was applied, naming it, and applies nothing', async () => {
			const directory = copyOfMigrations();
			directories.push(directory);
			await createMigrationRunner(session, { ...quiet, directory }).deploy();
			const file = join(directory, UPGRADE, 'migration.sql');
			writeFileSync(file, `${readFileSync(file, 'utf8')}\nDROP TABLE links;\n`);
			mkdirSync(join(directory, '20990101000000_later'));
			writeFileSync(join(directory, '20990101000000_later', 'migration.sql'), 'CREATE TABLE later_table (id int);');
			const before = await bookkeeping(session);

			const error = await createMigrationRunner(session, { ...quiet, directory })
				.deploy()
				.then(
					() => null,
					(caught: unknown) => caught
				);
			expect(error).to.be.an.instanceOf(MigrationError);
			expect((error as Error).message).to.contain(`Migration ${UPGRADE} was changed after it was applied`);
			expect(await bookkeeping(session)).to.deep.equal(before);
			expect(await tableNames(session))
				.to.include('links')
				.and.not.include('later_table');
		});

		it('accepts a migration file whose line endings git changed', async () => {
			const directory = copyOfMigrations();
			directories.push(directory);
			await createMigrationRunner(session, { ...quiet, directory }).deploy();
			const file = join(directory, UPGRADE, 'migration.sql');
			writeFileSync(file, readFileSync(file, 'utf8').replaceAll('\n', '\r\n'));

			expect(await createMigrationRunner(session, { ...quiet, directory }).deploy()).to.deep.equal([]);
		});

		it('refuses to start over a migration that prisma migrate deploy recorded as failed', async () => {
			await createMigrationRunner(session, quiet).deploy();
			await session.query(`UPDATE "_prisma_migrations" SET finished_at = NULL, logs = 'ERROR: boom' WHERE migration_name = $1`, [UPGRADE]);

			const error = await createMigrationRunner(session, quiet)
				.deploy()
				.then(
					() => null,
					(caught: unknown) => caught
				);
			expect((error as Error).message).to.contain(`Migration ${UPGRADE} is recorded as failed`);
			expect((error as Error).message).to.contain(`prisma migrate resolve --rolled-back ${UPGRADE}`);
		});

		it('rolls a failing migration back whole and records nothing of it', async () => {
			const directory = copyOfMigrations();
			directories.push(directory);
			mkdirSync(join(directory, '20990101000000_broken'));
			writeFileSync(join(directory, '20990101000000_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n');

			const error = await createMigrationRunner(session, { ...quiet, directory })
				.deploy()
				.then(
					() => null,
					(caught: unknown) => caught
				);
			expect((error as Error).message).to.match(/Migration 20990101000000_broken failed and was rolled back.*division by zero/);
			expect(await tableNames(session)).to.not.include('half_done');
			expect((await bookkeeping(session)).map((row) => row.migration_name)).to.deep.equal(ALL_MIGRATIONS);
		});

		it('finds nothing pending in a database migrated by prisma migrate deploy', async () => {
			// What the schema engine does: its table, each script as one multi-statement query, one row per migration.
			await session.exec(`CREATE TABLE "_prisma_migrations" (
				"id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
				"migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
				"started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
			for (const migration of readMigrationFiles(migrationsDirectory)) {
				await session.exec(migration.script);
				await session.query(
					`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES (gen_random_uuid()::text, $1, $2, now(), 1)`,
					[migration.checksum, migration.name]
				);
			}

			const runner = createMigrationRunner(session, quiet);
			expect((await runner.status()).pending).to.have.length(0);
			expect(await runner.deploy()).to.deep.equal([]);
		});

		it('treats a migration marked rolled back (prisma migrate resolve --rolled-back) as pending again', async () => {
			const directory = copyOfMigrations();
			directories.push(directory);
			mkdirSync(join(directory, '20990101000000_extra'));
			writeFileSync(join(directory, '20990101000000_extra', 'migration.sql'), 'CREATE TABLE IF NOT EXISTS extra_table (id int);');
			await createMigrationRunner(session, { ...quiet, directory }).deploy();
			await session.exec('DROP TABLE extra_table');
			await session.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '20990101000000_extra'`);

			expect(await createMigrationRunner(session, { ...quiet, directory }).deploy()).to.deep.equal(['20990101000000_extra']);
			expect(await tableNames(session)).to.include('extra_table');
		});
	});
}

describe('Migration runner (postgres): two bot processes starting together', () => {
	it('applies each migration once while the other waits on the advisory lock', async () => {
		const { connection, drop } = await postgresEngine.open('concurrent');
		const sessions = await Promise.all([connection.openSession(), connection.openSession(), connection.openSession()]);
		try {
			const results = await Promise.all(sessions.map((session) => createMigrationRunner(session, quiet).deploy()));

			expect(results.flat().sort()).to.deep.equal(ALL_MIGRATIONS);
			const rows = await bookkeeping(sessions[0]!);
			expect(rows.map((row) => row.migration_name)).to.deep.equal(ALL_MIGRATIONS);
			expect(rows.every((row) => row.finished_at !== null)).to.equal(true);
		} finally {
			await Promise.all(sessions.map((session) => session.release()));
			await drop();
		}
	});
});
