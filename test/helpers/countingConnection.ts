import type { DatabaseConnection, PrismaAdapter } from '#lib/database/connection';

type DriverAdapter = Awaited<ReturnType<PrismaAdapter['connect']>>;

/** Counts the SQL statements Prisma sends through a connection (queries and commands). */
export interface QueryCounter {
	readonly connection: DatabaseConnection;
	readonly statements: string[];
}

export function countingConnection(inner: DatabaseConnection): QueryCounter {
	const statements: string[] = [];
	const adapter: PrismaAdapter = {
		provider: inner.adapter.provider,
		adapterName: inner.adapter.adapterName,
		async connect() {
			const real = await inner.adapter.connect();
			const counted: DriverAdapter = {
				provider: real.provider,
				adapterName: real.adapterName,
				queryRaw: (query) => (statements.push(query.sql), real.queryRaw(query)),
				executeRaw: (query) => (statements.push(query.sql), real.executeRaw(query)),
				executeScript: (script) => real.executeScript(script),
				startTransaction: (isolationLevel) => real.startTransaction(isolationLevel),
				dispose: () => real.dispose()
			};
			if (real.getConnectionInfo) counted.getConnectionInfo = () => real.getConnectionInfo?.() ?? { supportsRelationJoins: false };
			return counted;
		}
	};
	return { connection: { ...inner, adapter }, statements };
}
