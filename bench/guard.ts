import { Prisma } from '#generated/prisma/client';
import { createPrismaClient, type GuardedClient } from '#lib/database/client';
import type { DatabaseConnection } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { toGuildId } from '#lib/database/GuildId';
import { withPluginRepositories, type GuildRepositories } from '#lib/database/GuildRepositories';
import { everyPluginRepositories } from '#test/helpers/databases';
import { assertGuildScoped } from '#lib/database/guard/guildScopeGuard';
import { BENCH_GUILDS, commandName, viewerName } from './database.js';
import { compareVariants, measureSync, seededRandom, type AsyncOperation, type BenchSettings, type CaseResult, type SyncResult } from './measure.js';

/** How the repositories reach the database in one variant of the guard comparison. */
export type GuardVariant = 'guard off' | 'no-op extension' | 'guard on';

export interface GuardCase {
	readonly engine: string;
	readonly operation: string;
	readonly concurrency: number;
	readonly results: ReadonlyMap<GuardVariant, CaseResult>;
}

/**
 * A Prisma query extension that checks nothing: the same `$allModels.$allOperations` hook the
 * guard installs, so the comparison can split the guard's cost into the extension machinery
 * and the check itself.
 */
const noopExtension = Prisma.defineExtension({
	name: 'bench-noop',
	query: {
		$allModels: {
			$allOperations({ args, query }) {
				return query(args);
			}
		}
	}
});

interface VariantHandle {
	readonly name: GuardVariant;
	/** The repositories of each bench server, through this variant's client. */
	readonly guilds: readonly GuildRepositories[];
	close(): Promise<void>;
}

/** Opens one Database per variant; `connect` gives each its own connection (pool) to the same data. */
async function openVariants(connect: () => DatabaseConnection): Promise<VariantHandle[]> {
	const guildIds = BENCH_GUILDS.map((guild) => toGuildId(guild));
	// The points and custom-commands plugins' repositories, as the bot has them.
	const repositories = await everyPluginRepositories();
	const off = new Database(connect(), { guard: false, repositories });
	const on = new Database(connect(), { guard: true, repositories });
	const WithPlugins = withPluginRepositories(repositories);
	const noopPrisma = createPrismaClient(connect().adapter);
	const noopClient = noopPrisma.$extends(noopExtension) as unknown as GuardedClient;
	return [
		{ name: 'guard off', guilds: guildIds.map((id) => off.forGuild(id)), close: () => off.close() },
		{ name: 'no-op extension', guilds: guildIds.map((id) => new WithPlugins(id, noopClient, undefined)), close: () => noopPrisma.$disconnect() },
		{ name: 'guard on', guilds: guildIds.map((id) => on.forGuild(id)), close: () => on.close() }
	];
}

interface OperationSpec {
	readonly name: string;
	readonly concurrency: number;
	readonly build: (guilds: readonly GuildRepositories[]) => AsyncOperation;
}

/** Keys drawn once from a seeded PRNG, so every variant asks for the same rows in the same order. */
function keys(count: number, max: number, seed: number): number[] {
	const random = seededRandom(seed);
	return Array.from({ length: count }, () => 1 + Math.floor(random() * max));
}

function at<T>(values: readonly T[], i: number): T {
	const value = values[i % values.length];
	if (value === undefined) throw new RangeError('empty key list');
	return value;
}

export function guardOperations(viewers: number, commands: number, concurrentCalls: number): OperationSpec[] {
	const viewerKeys = keys(4096, viewers, 1);
	const commandKeys = keys(4096, commands, 2);
	const specs: OperationSpec[] = [
		{
			name: 'points.get (balance by Kick username)',
			concurrency: 1,
			build: (guilds) => (i) => at(guilds, i).points.get(viewerName(at(viewerKeys, i)))
		},
		{
			// Raw SQL (lower(command) = lower($2)): the guard hooks model operations only, so this
			// call does not pass through it — a control that should show no difference.
			name: 'customCommands.findByName (raw SQL, not guarded)',
			concurrency: 1,
			build: (guilds) => (i) => at(guilds, i).customCommands.findByName(commandName(at(commandKeys, i)))
		},
		{
			// Seeded command ids are 1..n in the first server, n+1..2n in the second, ...: ask each
			// server for its own ids, so every call finds its row.
			name: 'customCommands.get (findFirst by id)',
			concurrency: 1,
			build: (guilds) => (i) => at(guilds, i).customCommands.get((i % guilds.length) * commands + at(commandKeys, i))
		},
		{
			name: 'points.award (upsert write)',
			concurrency: 1,
			build: (guilds) => (i) => at(guilds, i).points.award(viewerName(at(viewerKeys, i)), 1)
		}
	];
	if (concurrentCalls > 1) {
		specs.push({
			name: `points.get, ${concurrentCalls} in flight`,
			concurrency: concurrentCalls,
			build: (guilds) => (i) => at(guilds, i).points.get(viewerName(at(viewerKeys, i)))
		});
	}
	return specs;
}

/**
 * Runs every operation through the three variants (guard off, a no-op extension, guard on),
 * interleaving their rounds.
 */
export async function benchGuard(
	engine: string,
	connect: () => DatabaseConnection,
	operations: readonly OperationSpec[],
	settings: BenchSettings,
	progress: (message: string) => void
): Promise<GuardCase[]> {
	const variants = await openVariants(connect);
	try {
		const cases: GuardCase[] = [];
		for (const operation of operations) {
			progress(`guard / ${engine}: ${operation.name}`);
			// Every call should find its row; a null would mean the bench measures misses.
			for (const variant of variants) {
				const run = operation.build(variant.guilds);
				for (let i = 0; i < 6; i++) {
					if ((await run(i)) === null) throw new Error(`${operation.name} (${variant.name}) found nothing for call ${i}`);
				}
			}
			const results = await compareVariants(
				variants.map((variant) => ({ name: variant.name, operation: operation.build(variant.guilds) })),
				settings,
				operation.concurrency
			);
			cases.push({ engine, operation: operation.name, concurrency: operation.concurrency, results });
		}
		return cases;
	} finally {
		for (const variant of variants) await variant.close();
	}
}

export interface CheckCase {
	readonly shape: string;
	readonly result: SyncResult;
}

/** `assertGuildScoped` alone, on the argument shapes the repositories send: pure CPU, no Prisma. */
export function benchAssertGuildScoped(iterations: number, rounds: number): CheckCase[] {
	const guild = BENCH_GUILDS[0] ?? 1n;
	const shapes: Array<{ shape: string; model: string; operation: string; args: Record<string, unknown> }> = [
		{
			shape: 'UserPoints.findUnique, compound key (points.get)',
			model: 'UserPoints',
			operation: 'findUnique',
			args: { where: { discordServerId_kickUsername: { discordServerId: guild, kickUsername: 'viewer_1' } } }
		},
		{
			shape: 'CustomCommand.findFirst, direct filter (customCommands.get)',
			model: 'CustomCommand',
			operation: 'findFirst',
			args: { where: { discordServerId: guild, id: 7 } }
		},
		{
			shape: 'UserPoints.findMany, direct filter + order (points.leaderboard)',
			model: 'UserPoints',
			operation: 'findMany',
			args: { where: { discordServerId: guild }, orderBy: [{ points: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }], take: 10, skip: 0 }
		},
		{
			shape: 'UserPoints.upsert, where + create + update (points.award)',
			model: 'UserPoints',
			operation: 'upsert',
			args: {
				where: { discordServerId_kickUsername: { discordServerId: guild, kickUsername: 'viewer_1' } },
				create: { discordServerId: guild, kickUsername: 'viewer_1', points: 1, totalEarned: 1 },
				update: { points: { increment: 1 }, totalEarned: { increment: 1 }, lastUpdated: new Date(0) }
			}
		},
		{
			shape: 'UserPoints.create (one row)',
			model: 'UserPoints',
			operation: 'create',
			args: { data: { discordServerId: guild, kickUsername: 'viewer_1', points: 1 } }
		}
	];
	return shapes.map(({ shape, model, operation, args }) => ({
		shape,
		result: measureSync(() => assertGuildScoped(model, operation, args), iterations, rounds)
	}));
}
