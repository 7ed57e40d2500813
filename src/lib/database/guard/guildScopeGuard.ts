import { Prisma } from '#generated/prisma/client';

/** The column every guild-scoped model carries. */
export const GUILD_FIELD = 'discordServerId';

/** Kick-level bookkeeping written before an event reaches any server; it holds no server's data. */
const KICK_LEVEL_MODELS: ReadonlySet<string> = new Set([Prisma.ModelName.KickEventReceipt]);

/** Every other model of the schema is guild-scoped: each row belongs to exactly one server. */
export const GUILD_SCOPED_MODELS: ReadonlySet<string> = new Set(Object.values(Prisma.ModelName).filter((model) => !KICK_LEVEL_MODELS.has(model)));

export class GuildScopeViolationError extends Error {
	public constructor(model: string, operation: string, problem: string) {
		super(
			`${model}.${operation} ${problem}. Every query on a guild-scoped model names exactly one server: ` +
				'go through container.db.forGuild(guildId), or a named cross-server query of container.db.system.'
		);
		this.name = 'GuildScopeViolationError';
	}
}

type Arguments = Record<string, unknown>;

const WHERE_OPERATIONS = new Set([
	'findUnique',
	'findUniqueOrThrow',
	'findFirst',
	'findFirstOrThrow',
	'findMany',
	'count',
	'aggregate',
	'groupBy',
	'update',
	'updateMany',
	'updateManyAndReturn',
	'delete',
	'deleteMany',
	'upsert'
]);
const CREATE_OPERATIONS = new Set(['create', 'createMany', 'createManyAndReturn']);
/**
 * The operations of a nested write through a relation field (`tickets: { connect: ... }`): they
 * reach rows the where does not pin (a connect re-parents another server's row), so they are
 * refused; `set` only counts with a list or an object (a scalar `set` takes a plain value).
 */
const NESTED_WRITES = new Set(['create', 'createMany', 'connect', 'connectOrCreate', 'disconnect', 'update', 'updateMany', 'upsert', 'delete', 'deleteMany']);

/**
 * Checks one query's arguments; returns nothing when the query is pinned to one server.
 * Exported for its unit tests; the extension below applies it to every query.
 */
export function assertGuildScoped(model: string, operation: string, args: Arguments | undefined): void {
	if (!GUILD_SCOPED_MODELS.has(model)) return;
	if (CREATE_OPERATIONS.has(operation)) {
		const rows = Array.isArray(args?.data) ? (args.data as unknown[]) : [args?.data];
		if (rows.some((row) => !isGuildValue(field(row, GUILD_FIELD)))) {
			throw new GuildScopeViolationError(model, operation, `creates a row without ${GUILD_FIELD}`);
		}
		for (const row of rows) assertNoNestedWrites(model, operation, row);
		return;
	}
	if (!WHERE_OPERATIONS.has(operation)) throw new GuildScopeViolationError(model, operation, 'is not an operation the guard knows how to check');
	const guild = pinnedGuild(args?.where);
	if (guild === undefined) throw new GuildScopeViolationError(model, operation, `has no ${GUILD_FIELD} filter on one server in its where`);
	if (operation === 'upsert') {
		if (!sameGuild(field(args?.create, GUILD_FIELD), guild)) {
			throw new GuildScopeViolationError(model, operation, 'creates a row for another server than its where names');
		}
		assertNotMoved(model, operation, args?.update, guild);
		assertNoNestedWrites(model, operation, args?.create);
		assertNoNestedWrites(model, operation, args?.update);
	} else if (operation.startsWith('update')) {
		assertNotMoved(model, operation, args?.data, guild);
		assertNoNestedWrites(model, operation, args?.data);
	}
}

function assertNoNestedWrites(model: string, operation: string, data: unknown): void {
	if (!isRecord(data)) return;
	for (const [key, value] of Object.entries(data)) {
		if (!isRecord(value)) continue;
		const nested = Object.entries(value).some(
			([write, argument]) => NESTED_WRITES.has(write) || (write === 'set' && (Array.isArray(argument) || isPlainObject(argument)))
		);
		if (nested) throw new GuildScopeViolationError(model, operation, `writes through the relation ${key}`);
	}
}

function assertNotMoved(model: string, operation: string, data: unknown, guild: unknown): void {
	const moved = field(data, GUILD_FIELD);
	if (moved !== undefined && !sameGuild(moved, guild)) throw new GuildScopeViolationError(model, operation, `moves rows to another server`);
}

/** The one server a where clause pins: `discordServerId: v`, `{ equals: v }`, or inside a compound unique key. */
function pinnedGuild(where: unknown): unknown {
	if (!isRecord(where)) return undefined;
	const direct = where[GUILD_FIELD];
	if (isGuildValue(direct)) return direct;
	if (isRecord(direct) && Object.keys(direct).length === 1 && isGuildValue(direct.equals)) return direct.equals;
	for (const [key, value] of Object.entries(where)) {
		if (key.includes('_') && isRecord(value) && isGuildValue(value[GUILD_FIELD])) return value[GUILD_FIELD];
	}
	return undefined;
}

function sameGuild(a: unknown, b: unknown): boolean {
	return isGuildValue(a) && isGuildValue(b) && BigInt(a) === BigInt(b);
}

function isGuildValue(value: unknown): value is bigint | number | string {
	return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\d+$/.test(value));
}

function field(value: unknown, key: string): unknown {
	return isRecord(value) ? value[key] : undefined;
}

function isRecord(value: unknown): value is Arguments {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): boolean {
	return isRecord(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);
}

/** The Prisma client extension: every model query passes `assertGuildScoped` first. */
export const guildScopeGuard = Prisma.defineExtension({
	name: 'guild-scope-guard',
	query: {
		$allModels: {
			$allOperations({ model, operation, args, query }) {
				assertGuildScoped(model, operation, args as Arguments | undefined);
				return query(args);
			}
		}
	}
});
