import type { DatabaseConnection, PrismaAdapter } from '#lib/database/connection';

type DriverAdapter = Awaited<ReturnType<PrismaAdapter['connect']>>;
type SqlQuery = Parameters<DriverAdapter['queryRaw']>[0];
type SqlResultSet = Awaited<ReturnType<DriverAdapter['queryRaw']>>;

/**
 * A driver adapter that sends each distinct SQL text to the real database once and answers
 * every later query with the same text from memory (whatever its parameters). Repeating one
 * repository call then costs only the Prisma client (query compilation, extensions, result
 * mapping) and no I/O — which is where the guild-scope guard runs, so its cost shows without the
 * noise of a database round trip. The answers are stale by design: only for benchmarks.
 */
export function memoizingAdapter(inner: PrismaAdapter): PrismaAdapter {
	return {
		provider: inner.provider,
		adapterName: `${inner.adapterName} (memoized for benchmarks)`,
		async connect() {
			const real = await inner.connect();
			const answers = new Map<string, SqlResultSet>();
			const adapter: DriverAdapter = {
				provider: real.provider,
				adapterName: real.adapterName,
				async queryRaw(query: SqlQuery) {
					const known = answers.get(query.sql);
					if (known !== undefined) return known;
					const answer = await real.queryRaw(query);
					answers.set(query.sql, answer);
					return answer;
				},
				executeRaw: (query: SqlQuery) => real.executeRaw(query),
				executeScript: (script: string) => real.executeScript(script),
				startTransaction: (isolationLevel) => real.startTransaction(isolationLevel),
				dispose: () => real.dispose()
			};
			if (real.getConnectionInfo) adapter.getConnectionInfo = () => real.getConnectionInfo?.() ?? { supportsRelationJoins: false };
			return adapter;
		}
	};
}

/** The same connection with Prisma's queries memoized (sessions still reach the real database). */
export function memoized(connection: DatabaseConnection): DatabaseConnection {
	return { ...connection, adapter: memoizingAdapter(connection.adapter) };
}
