import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SqlSession } from '#lib/database/connection';
import { scriptMatchesChecksum, type MigrationFile } from '#lib/database/migrations/MigrationFiles';

/** The advisory lock `prisma migrate deploy` takes, so our runner and Prisma's exclude each other. */
export const PRISMA_MIGRATE_LOCK_ID = 72707369;

/** Prisma's bookkeeping table, created exactly as the schema engine creates it. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface AppliedMigration {
	readonly id: string;
	readonly migrationName: string;
	readonly checksum: string;
	readonly startedAt: Date;
	readonly finishedAt: Date | null;
	readonly rolledBackAt: Date | null;
	readonly appliedStepsCount: number;
	readonly logs: string | null;
}

export interface MigrationStatus {
	readonly applied: readonly AppliedMigration[];
	readonly pending: readonly MigrationFile[];
	/** Recorded in the database but not among the files: applied by a newer version of the bot. */
	readonly unknown: readonly AppliedMigration[];
	/** Recorded as started and never finished nor rolled back (a failed `prisma migrate deploy`). */
	readonly failed: readonly AppliedMigration[];
	/** Applied, but the file has changed since. */
	readonly modified: readonly MigrationFile[];
	/** The baseline's tables exist but nothing is recorded: a database of the single-server bot. */
	readonly legacy: boolean;
}

export interface MigrationRunnerOptions {
	/** The first migration, which recreates the legacy schema. */
	readonly baseline: string;
	/** Tables whose presence (without `_prisma_migrations`) marks a legacy database. */
	readonly legacyTables: readonly string[];
	readonly log: (message: string) => void;
	/** Runs inside each pending migration's transaction, before its script. */
	readonly beforeEach?: (session: SqlSession, migration: MigrationFile) => Promise<void>;
	/** How long to wait for another runner holding the lock. */
	readonly lockTimeoutMs?: number;
}

export class MigrationError extends Error {
	public constructor(message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'MigrationError';
	}
}

/**
 * Applies `prisma/migrations` with the same `_prisma_migrations` bookkeeping as
 * `prisma migrate deploy`, so either can run first and the other finds nothing pending.
 * Unlike Prisma it runs each migration and its bookkeeping row in one transaction, so a
 * failure leaves neither half a migration nor a "failed" row behind.
 */
/** A row of `_prisma_migrations` as PostgreSQL returns it (the bookkeeping `prisma migrate deploy` keeps). */
export interface PrismaMigrationRow {
	id: string;
	migration_name: string;
	checksum: string;
	started_at: Date;
	finished_at: Date | null;
	rolled_back_at: Date | null;
	applied_steps_count: number;
	logs: string | null;
}

export class MigrationRunner {
	public constructor(
		private readonly session: SqlSession,
		private readonly migrations: readonly MigrationFile[],
		private readonly options: MigrationRunnerOptions
	) {}

	public async status(): Promise<MigrationStatus> {
		const recorded = await this.hasMigrationsTable();
		const rows = recorded ? await this.appliedRows() : [];
		const live = rows.filter((row) => row.rolledBackAt === null);
		const finished = new Map(live.filter((row) => row.finishedAt !== null).map((row) => [row.migrationName, row]));
		const names = new Set(this.migrations.map((migration) => migration.name));
		return {
			applied: [...finished.values()],
			pending: this.migrations.filter((migration) => !finished.has(migration.name)),
			unknown: [...finished.values()].filter((row) => !names.has(row.migrationName)),
			failed: live.filter((row) => row.finishedAt === null),
			modified: this.migrations.filter((migration) => {
				const row = finished.get(migration.name);
				return row !== undefined && !scriptMatchesChecksum(migration.script, row.checksum);
			}),
			legacy: !recorded && (await this.hasLegacyTables())
		};
	}

	/** Applies every pending migration; returns the names applied. */
	public async deploy(): Promise<string[]> {
		await this.acquireLock();
		try {
			const applied: string[] = [];
			if (!(await this.hasMigrationsTable())) {
				const legacy = await this.hasLegacyTables();
				await this.session.exec(CREATE_MIGRATIONS_TABLE);
				if (legacy) applied.push(await this.baselineLegacyDatabase());
			}
			const status = await this.status();
			this.assertHealthy(status);
			for (const row of status.unknown) {
				this.options.log(`The database has migration ${row.migrationName}, which this version of the bot does not know (a newer version applied it).`);
			}
			for (const migration of status.pending) {
				await this.apply(migration);
				applied.push(migration.name);
			}
			return applied;
		} finally {
			await this.releaseLock();
		}
	}

	/** @throws {MigrationError} when a migration is recorded as failed, or was changed after it was applied. */
	public assertHealthy(status: MigrationStatus): void {
		const failed = status.failed[0];
		if (failed !== undefined) {
			throw new MigrationError(
				`Migration ${failed.migrationName} is recorded as failed (started ${failed.startedAt.toISOString()}, never finished) in _prisma_migrations. ` +
					`Check the database, then mark it with \`npx prisma migrate resolve --rolled-back ${failed.migrationName}\` (or --applied if it completed) and start again.`
			);
		}
		const modified = status.modified[0];
		if (modified !== undefined) {
			throw new MigrationError(
				`Migration ${modified.name} was changed after it was applied: prisma/migrations/${modified.name}/migration.sql no longer matches the checksum recorded in _prisma_migrations. ` +
					'Restore the original file; changes go into a new migration.'
			);
		}
	}

	private async apply(migration: MigrationFile): Promise<void> {
		const id = randomUUID();
		await this.session.exec('BEGIN');
		try {
			await this.options.beforeEach?.(this.session, migration);
			await this.session.query(
				`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
				[id, migration.checksum, migration.name]
			);
			await this.session.exec(migration.script);
			await this.session.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
			await this.session.exec('COMMIT');
		} catch (error) {
			await this.session.exec('ROLLBACK');
			throw new MigrationError(`Migration ${migration.name} failed and was rolled back, nothing of it was applied: ${describe(error)}`, {
				cause: error
			});
		}
		this.options.log(`Applied migration ${migration.name}`);
	}

	/**
	 * A legacy database has the baseline's tables but no bookkeeping. The baseline only
	 * creates what is missing (IF NOT EXISTS), so running it completes a partial legacy
	 * schema; it is then recorded as applied, as `prisma migrate resolve --applied` would.
	 */
	private async baselineLegacyDatabase(): Promise<string> {
		const baseline = this.migrations.find((migration) => migration.name === this.options.baseline);
		if (baseline === undefined) throw new MigrationError(`The baseline migration ${this.options.baseline} is missing from prisma/migrations.`);
		await this.apply(baseline);
		this.options.log(`Found a database of the single-server bot: recorded ${baseline.name} as its baseline; upgrading it in place.`);
		return baseline.name;
	}

	private async acquireLock(): Promise<void> {
		const deadline = Date.now() + (this.options.lockTimeoutMs ?? 5 * 60_000);
		let announced = false;
		for (;;) {
			const [row] = await this.session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [PRISMA_MIGRATE_LOCK_ID]);
			if (row?.locked) return;
			if (Date.now() > deadline) {
				throw new MigrationError(
					`Another process has held the migration lock (pg advisory lock ${PRISMA_MIGRATE_LOCK_ID}) for too long; is a migration stuck?`
				);
			}
			if (!announced) {
				this.options.log('Another process is migrating the database; waiting for it to finish.');
				announced = true;
			}
			await sleep(250);
		}
	}

	private async releaseLock(): Promise<void> {
		await this.session.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_ID]);
	}

	private async hasMigrationsTable(): Promise<boolean> {
		const [row] = await this.session.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
		return row?.present === true;
	}

	private async hasLegacyTables(): Promise<boolean> {
		const [row] = await this.session.query<{ found: number }>(
			`SELECT count(*)::int AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`,
			[this.options.legacyTables]
		);
		return (row?.found ?? 0) > 0;
	}

	private async appliedRows(): Promise<AppliedMigration[]> {
		const rows = await this.session.query<PrismaMigrationRow>(
			`SELECT id, migration_name, checksum, started_at, finished_at, rolled_back_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY started_at, migration_name`
		);
		return rows.map((row) => ({
			id: row.id,
			migrationName: row.migration_name,
			checksum: row.checksum,
			startedAt: new Date(row.started_at),
			finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
			rolledBackAt: row.rolled_back_at === null ? null : new Date(row.rolled_back_at),
			appliedStepsCount: row.applied_steps_count,
			logs: row.logs
		}));
	}
}

function describe(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const hint = (error as { hint?: unknown }).hint;
	return typeof hint === 'string' && hint.length > 0 ? `${error.message} (${hint})` : error.message;
}
