import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests create their databases on; never assumed empty. */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
	readonly name: string;
	readonly url: string;
	drop(): Promise<void>;
}

async function admin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: adminUrl });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

/**
 * A new, empty PostgreSQL database with a unique name, on the server of `adminUrl` (the benchmarks
 * use their own); `drop()` removes it even if connections remain.
 */
export async function createTestDatabase(label: string, adminUrl = ADMIN_DATABASE_URL): Promise<TestDatabase> {
	const name = `kickbot_${label.replace(/\W/g, '_')}_${process.pid}_${randomBytes(4).toString('hex')}`;
	await admin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		name,
		url: url.toString(),
		drop: () => admin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined)
	};
}

/** Runs SQL on a test database over its own connection. */
export async function sql<Row extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, parameters: unknown[] = []): Promise<Row[]> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return (await client.query<Row>(text, parameters)).rows;
	} finally {
		await client.end();
	}
}
