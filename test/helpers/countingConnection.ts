import type { DatabaseConnection, PrismaAdapter } from '#lib/database/connection';

type DriverAdapter = Awaited<ReturnType<PrismaAdapter['connect']>>;

/** Counts the SQL statements Prisma sends through a connection (queries and commands, those of transactions too, with their BEGIN and COMMIT or ROLLBACK). */
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
				startTransaction: async (isolationLevel) => {
					const transaction = await real.startTransaction(isolationLevel);
					// The adapter sends BEGIN itself; the engine sends the rest, COMMIT and ROLLBACK included, through the transaction.
					statements.push('BEGIN');
					return new Proxy(transaction, {
						get(target, property, receiver) {
							const value: unknown = Reflect.get(target, property, receiver);
							if (typeof value !== 'function') return value;
							if (property !== 'queryRaw' && property !== 'executeRaw') return value.bind(target);
							return (query: { sql: string }) => (statements.push(query.sql), (value as (query: unknown) => unknown).call(target, query));
						}
					});
				},
				dispose: () => real.dispose()
			};
			if (real.getConnectionInfo) counted.getConnectionInfo = () => real.getConnectionInfo?.() ?? { supportsRelationJoins: false };
			return counted;
		}
	};
	return { connection: { ...inner, adapter }, statements };
}
