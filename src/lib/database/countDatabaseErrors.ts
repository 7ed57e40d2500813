import type { DatabaseConnection } from '#lib/database/connection';
import { databaseErrors, type DatabaseErrorKind } from '#lib/metrics/metrics';

/** The driver's error kinds that mean the database could not be talked to (the rest: it refused a statement). */
const CONNECTION_KINDS = new Set([
	'DatabaseNotReachable',
	'DatabaseDoesNotExist',
	'DatabaseAccessDenied',
	'ConnectionClosed',
	'TlsConnectionError',
	'AuthenticationFailed',
	'TooManyConnections',
	'SocketTimeout'
]);
/** What the driver's connect and startTransaction give: objects whose calls are counted in turn. */
const WRAPPED_RESULTS = new Set<string | symbol>(['connect', 'startTransaction']);

/** PostgreSQL's SQLSTATE classes of a lost connection (08) and of a server going down or refusing work (57P). */
const CONNECTION_SQLSTATE = /^(08|57P)/;

/**
 * Whether a driver error says the database could not be talked to, or that it refused the
 * statement. The driver passes socket errors it does not map (a connection ended mid-query) on as they are.
 */
export function kindOfDatabaseError(error: unknown): DatabaseErrorKind {
	if (!(error instanceof Error) || error.name !== 'DriverAdapterError') return 'connection';
	const cause = (error as Error & { cause?: { kind?: unknown; originalCode?: unknown } }).cause;
	if (typeof cause?.kind === 'string' && CONNECTION_KINDS.has(cause.kind)) return 'connection';
	return typeof cause?.originalCode === 'string' && CONNECTION_SQLSTATE.test(cause.originalCode) ? 'connection' : 'statement';
}

/**
 * The connection with every statement's failure counted (`kickbot_database_errors_total`), at the
 * driver adapter under Prisma and the batched statements alike; a success costs one more `then`.
 */
export function countingDatabaseErrors(connection: DatabaseConnection): DatabaseConnection {
	return { ...connection, adapter: counted(connection.adapter), openSession: () => connection.openSession(), close: () => connection.close() };
}

function counted<Target extends object>(target: Target): Target {
	return new Proxy(target, {
		get(object, property, receiver) {
			const value: unknown = Reflect.get(object, property, receiver);
			if (typeof value !== 'function') return value;
			return (...args: unknown[]): unknown => {
				const result: unknown = (value as (...parameters: unknown[]) => unknown).apply(object, args);
				if (!(result instanceof Promise)) return result;
				return result.then(
					(answer: unknown) => (WRAPPED_RESULTS.has(property) && typeof answer === 'object' && answer !== null ? counted(answer) : answer),
					(error: unknown) => {
						databaseErrors.inc({ kind: kindOfDatabaseError(error) });
						throw error;
					}
				);
			};
		}
	});
}
