import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { PrismaClientOptionsWithAdapter } from '#generated/prisma/internal/prismaNamespace';
import { EmbeddedDatabaseLock } from '#lib/database/EmbeddedDatabaseLock';

export type PrismaAdapter = PrismaClientOptionsWithAdapter['adapter'];

/** One database session (one connection): what the migration runner needs for locks and transactions. */
export interface SqlSession {
	query<Row extends object>(sql: string, parameters?: readonly unknown[]): Promise<Row[]>;
	/** Runs a script of several statements. */
	exec(script: string): Promise<void>;
	release(): Promise<void>;
}

export interface DatabaseConnection {
	readonly kind: 'postgres' | 'embedded';
	/** Where the data lives, without credentials: said at start. */
	readonly description: string;
	readonly adapter: PrismaAdapter;
	openSession(): Promise<SqlSession>;
	close(): Promise<void>;
}

/**
 * The legacy columns are TIMESTAMP without time zone and Prisma reads them as UTC, so every
 * session runs in UTC: `now()` in SQL and dates written by Prisma then agree.
 */
const UTC_SESSION = '-c TimeZone=UTC';

export interface PostgresOptions {
	/** Connections in the pool Prisma queries go through. */
	readonly poolSize?: number;
}

export function connectPostgres(url: string, options: PostgresOptions = {}): DatabaseConnection {
	const location = new URL(url);
	return {
		kind: 'postgres',
		description: `PostgreSQL at ${location.hostname}:${location.port || '5432'}${location.pathname}`,
		adapter: new PrismaPg({ connectionString: url, max: options.poolSize ?? 10, options: UTC_SESSION }),
		async openSession() {
			const client = new pg.Client({ connectionString: url, options: UTC_SESSION });
			await client.connect();
			return {
				async query<Row extends object>(sql: string, parameters: readonly unknown[] = []) {
					const result = await client.query<Row>(sql, [...parameters]);
					return result.rows;
				},
				async exec(script) {
					// Without parameters pg uses the simple query protocol, which runs several statements.
					await client.query(script);
				},
				async release() {
					await client.end();
				}
			};
		},
		async close() {
			// The pool belongs to the Prisma adapter and ends with PrismaClient.$disconnect().
		}
	};
}

/**
 * The embedded PostgreSQL (PGlite, WASM) kept under `dataDirectory`; `undefined` keeps it in memory.
 * One process owns it (the lock file `<dataDirectory>/pglite.lock` says which): PGlite is
 * single-session, so the runner's session and Prisma share it in turn.
 * @throws {StartupError} when another process has it open.
 */
export async function openEmbedded(dataDirectory: string | undefined): Promise<DatabaseConnection> {
	// Loaded only here: a bot on a PostgreSQL server never holds the embedded engine's modules.
	const [{ PGlite: Engine }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
	let location = 'memory';
	let lock: EmbeddedDatabaseLock | undefined;
	if (dataDirectory !== undefined) {
		location = resolve(join(dataDirectory, 'pglite'));
		await mkdir(location, { recursive: true });
		lock = EmbeddedDatabaseLock.acquire(resolve(join(dataDirectory, 'pglite.lock')), location);
	}
	let database: PGlite;
	try {
		database = await Engine.create(dataDirectory === undefined ? undefined : location);
		await database.exec("SET TIME ZONE 'UTC'");
	} catch (error) {
		lock?.release();
		throw error;
	}
	return {
		kind: 'embedded',
		description: `embedded PostgreSQL (PGlite) in ${location}`,
		adapter: new PrismaPGlite(database),
		async openSession() {
			return {
				async query<Row extends object>(sql: string, parameters: readonly unknown[] = []) {
					const result = await database.query<Row>(sql, [...parameters]);
					return result.rows;
				},
				async exec(script) {
					await database.exec(script);
				},
				async release() {
					// The session is the database itself; it closes with the connection.
				}
			};
		},
		async close() {
			try {
				if (!database.closed) await database.close();
			} finally {
				lock?.release();
			}
		}
	};
}
