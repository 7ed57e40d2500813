import type { DatabaseConnection } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { toGuildId } from '#lib/database/GuildId';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { BotSettingsManager } from '#lib/settings/BotSettingsManager';
import { coreSettings } from '#lib/settings/coreSettings';
import { GuildSettings } from '#lib/settings/GuildSettings';
import { setting, type SettingDefinition } from '#lib/settings/SettingDefinition';
import { countingConnection } from '#test/helpers/countingConnection';
import { execScript, querySession } from './database.js';
import {
	compareVariants,
	measureAsyncBatch,
	measureSync,
	pairedDifference,
	type AsyncOperation,
	type BenchSettings,
	type CaseResult,
	type SyncResult
} from './measure.js';

/**
 * The settings keys the bench declares: the core's two and 18 of the kinds plugins declare in
 * their manifests (integers, booleans, Discord ids, text), so a load parses what a real server's
 * rows would need. The order is the order in which servers "store" them: a server with k stored
 * keys has the first k.
 */
const DECLARED: ReadonlyArray<readonly [key: string, definition: SettingDefinition, declaredBy: string, stored: string]> = [
	['prefix', coreSettings.prefix, 'the core', '?'],
	['moderator_role_id', coreSettings.moderator_role_id, 'the core', '300000000000000001'],
	['points_per_message', setting.integer({ min: 0, max: 1000 }, 1, 'Points per chat message.'), 'plugin points', '5'],
	['announce_channel_id', setting.textChannel('Where live announcements go.'), 'plugin live', '300000000000000002'],
	['points_enabled', setting.boolean(true, 'Whether viewers earn points.'), 'plugin points', 'true'],
	['slot_request_cooldown_seconds', setting.integer({ min: 0, max: 3600 }, 30, 'Cooldown between slot requests.'), 'plugin slots', '90'],
	['raffle_ticket_cost', setting.integer({ min: 1, max: 1_000_000 }, 100, 'Points per raffle ticket.'), 'plugin raffle', '250'],
	['raffle_auto_draw', setting.boolean(false, 'Draw at the end of the period.'), 'plugin raffle', 'true'],
	['points_name', setting.text({ pattern: /^[^\n]{1,32}$/u, accepts: '1 to 32 characters' }, 'points', 'What points are called.'), 'plugin points', 'coins'],
	['log_channel_id', setting.textChannel('Where moderation logs go.'), 'plugin moderation', 'none'],
	['points_interval_seconds', setting.integer({ min: 10, max: 3600 }, 60, 'Watch-time interval.'), 'plugin points', '120'],
	['raffle_max_tickets', setting.integer({ min: 1, max: 1000 }, 10, 'Tickets per viewer.'), 'plugin raffle', '20'],
	['slot_requests_enabled', setting.boolean(true, 'Whether viewers may request slots.'), 'plugin slots', 'false'],
	['custom_commands_enabled', setting.boolean(true, 'Whether custom commands answer.'), 'plugin commands', 'true'],
	['custom_command_default_cooldown', setting.integer({ min: 0, max: 3600 }, 0, 'Default cooldown of a new command.'), 'plugin commands', '10'],
	['timed_messages_enabled', setting.boolean(true, 'Whether timed messages run.'), 'plugin timed-messages', 'false'],
	['timed_message_min_chat_lines', setting.integer({ min: 0, max: 1000 }, 5, 'Chat lines between timed messages.'), 'plugin timed-messages', '12'],
	['announce_live', setting.boolean(true, 'Announce when the stream goes live.'), 'plugin live', 'true'],
	['live_role_id', setting.role('Role pinged on going live.'), 'plugin live', '300000000000000003'],
	['gtb_max_guesses', setting.integer({ min: 1, max: 10 }, 1, 'Guesses per viewer in guess-the-balance.'), 'plugin gtb', '3']
];

export const DECLARED_SETTINGS: ReadonlyMap<string, DeclaredSetting> = new Map(
	DECLARED.map(([key, definition, declaredBy]) => [key, { key, definition, declaredBy }])
);

/**
 * Stored keys per server in the groups the bench seeds. 3 is our guess at a typical server
 * (prefix, moderator role, one plugin key): there is no production data to count from. 0 is a
 * server that never changed anything (the query still runs and finds no row), 20 every key.
 */
export const STORED_KEY_COUNTS: readonly number[] = [0, 3, 10, 20];
const TYPICAL_KEYS = 3;
/** The group the cache-hit cases read (its prefix is stored, so a hit returns a stored value). */
const HIT_GROUP_KEYS = 10;

/** The bot's default SETTINGS_CACHE_TTL_SECONDS; every hit case primes its servers right before it. */
const TTL_MS = 60_000;

/** Server ids of the settings bench: 1,000 per group, apart from the other sections' servers. */
function groupIds(storedKeys: number, servers: number): string[] {
	const base = 1_200_000_000_000_000_000n + BigInt(storedKeys) * 1_000_000n;
	return Array.from({ length: servers }, (_, n) => String(base + BigInt(n + 1)));
}

/** `bot_settings` rows for every group, one `INSERT ... SELECT generate_series` per group. */
async function seedSettings(connection: DatabaseConnection, servers: number): Promise<number> {
	const statements: string[] = [];
	let rows = 0;
	for (const storedKeys of STORED_KEY_COUNTS) {
		if (storedKeys === 0) continue;
		const base = 1_200_000_000_000_000_000n + BigInt(storedKeys) * 1_000_000n;
		const values = DECLARED.slice(0, storedKeys)
			.map(([key, , , stored]) => `('${key}', '${stored}')`)
			.join(', ');
		statements.push(`
		INSERT INTO bot_settings (discord_server_id, key, value, updated_at)
		SELECT ${base} + n, entry.key, entry.value, now()
		FROM generate_series(1, ${servers}) AS n CROSS JOIN (VALUES ${values}) AS entry(key, value);`);
		rows += storedKeys * servers;
	}
	await execScript(connection, statements.join('\n'));
	await execScript(connection, 'VACUUM ANALYZE bot_settings');
	return rows;
}

export interface SettingsHitCase {
	readonly operation: string;
	readonly result: SyncResult;
	/** SQL statements the manager sent during the case (warm-up and rounds). */
	readonly statements: number;
	readonly lookups: number;
}

export interface SettingsLoadCase {
	readonly operation: string;
	readonly storedKeys: number;
	readonly result: CaseResult;
	/** Statements sent per measured call (warm-up included), counted by the adapter. */
	readonly statementsPerCall: number;
	readonly calls: number;
	/** Time per call minus that of the first case compared with it (median of per-round differences), µs. */
	readonly versusFirstUs: number | undefined;
}

export interface SettingsReport {
	readonly servers: number;
	readonly seededRows: number;
	readonly seedSeconds: number;
	readonly declaredKeys: number;
	readonly burst: number;
	readonly hits: SettingsHitCase[];
	readonly parse: Array<{ storedKeys: number; result: SyncResult }>;
	readonly loads: SettingsLoadCase[];
	readonly plan: string[];
}

export interface SettingsBenchOptions {
	readonly servers: number;
	readonly burst: number;
	/** Calls per measured round of the CPU-only (cache hit) cases, and their rounds. */
	readonly hitIterations: number;
	readonly hitRounds: number;
}

/**
 * BotSettingsManager on the bench's PostgreSQL database: cache hits (pure CPU, zero queries),
 * cold loads (invalidate, then forGuild: one query plus parsing) by stored keys per server, and
 * concurrent misses. Statements are counted by a counting driver adapter under the manager's
 * Database (guard on, as the bot runs).
 */
export async function benchSettings(
	connect: () => DatabaseConnection,
	setup: DatabaseConnection,
	options: SettingsBenchOptions,
	settings: BenchSettings,
	progress: (message: string) => void
): Promise<SettingsReport> {
	const seedStart = process.hrtime.bigint();
	const seededRows = await seedSettings(setup, options.servers);
	const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
	progress(
		`settings cache: seeded ${seededRows} bot_settings rows (${STORED_KEY_COUNTS.join('/')} keys × ${options.servers} servers each, ${seedSeconds.toFixed(1)} s)`
	);

	const counter = countingConnection(connect());
	const database = new Database(counter.connection, { guard: true });
	const invalid: string[] = [];
	const manager = new BotSettingsManager(database, DECLARED_SETTINGS, {
		ttlMs: TTL_MS,
		onInvalidStoredValue: (guildId, key, value) => invalid.push(`${guildId}:${key}=${value}`)
	});
	const counted = (): number => counter.statements.length;
	try {
		const ids = new Map(STORED_KEY_COUNTS.map((keys) => [keys, groupIds(keys, options.servers)]));
		const group = (keys: number): string[] => ids.get(keys) ?? [];

		// Check once per group that a load returns what was seeded (and that nothing is refused).
		for (const keys of STORED_KEY_COUNTS) {
			const first = await manager.forGuild(group(keys)[0] ?? '1');
			const stored = first.view().filter((entry) => !entry.isDefault).length;
			if (stored !== keys) throw new Error(`settings: a server of the ${keys}-key group loaded ${stored} stored keys`);
		}
		if (invalid.length > 0) throw new Error(`settings: seeded values refused: ${invalid.join(', ')}`);

		// -- Cache hits: every server of one group cached, ids rotate. Pure CPU; statements counted.
		const hitIds = group(HIT_GROUP_KEYS);
		const hitBigints = hitIds.map((id) => toGuildId(id));
		const prime = async (): Promise<void> => {
			for (const id of hitIds) await manager.forGuild(id);
		};
		const id = (i: number): string => hitIds[i % hitIds.length] as string;
		const bigintId = (i: number): bigint => hitBigints[i % hitBigints.length] as bigint;
		const hitCases: Array<[string, (i: number) => Promise<unknown>, number]> = [
			["`(await forGuild(id)).get('prefix')`, id a string (as `message.guildId`)", async (i) => (await manager.forGuild(id(i))).get('prefix'), 1],
			["`(await forGuild(id)).get('prefix')`, id a bigint", async (i) => (await manager.forGuild(bigintId(i))).get('prefix'), 1],
			[
				'chat message path: `forGuild(id)` + 3 gets (prefix, moderator role, a plugin key)',
				async (i) => {
					const guild = await manager.forGuild(id(i));
					return [guild.get('prefix'), guild.get('moderator_role_id'), guild.get('points_per_message' as never)];
				},
				3
			]
		];
		const hits: SettingsHitCase[] = [];
		for (const [operation, run, lookups] of hitCases) {
			progress(`settings cache / cache hit: ${operation.replace(/`/g, '')}`);
			await prime();
			if ((await run(0)) === undefined) throw new Error(`${operation} returned nothing`);
			const before = counted();
			const result = await measureAsyncBatch(run, options.hitIterations, options.hitRounds);
			hits.push({ operation, result, statements: counted() - before, lookups });
		}
		// forGuild without awaiting its promise: the synchronous part of a hit (id check, Map lookup,
		// Date.now, Promise.resolve), to split the cost of a hit from the await machinery.
		await prime();
		const beforeSync = counted();
		const syncPart = measureSync((i) => void manager.forGuild(id(i)), options.hitIterations, options.hitRounds);
		hits.push({
			operation: '`forGuild(id)` alone, not awaited (id a string): id check, Map lookup, Date.now, Promise.resolve',
			result: syncPart,
			statements: counted() - beforeSync,
			lookups: 1
		});
		// A get alone on a held GuildSettings (no forGuild, no await): the floor of a lookup.
		const held = await Promise.all(hitIds.map((entry) => manager.forGuild(entry)));
		const before = counted();
		hits.push({
			operation: "`settings.get('prefix')` alone, on a held GuildSettings (no forGuild, no await)",
			result: measureSync((i) => (held[i % held.length] as GuildSettings).get('prefix'), options.hitIterations, options.hitRounds),
			statements: counted() - before,
			lookups: 1
		});

		// -- Parsing alone: building one server's GuildSettings from its stored rows (what a load adds to the query).
		const parse = STORED_KEY_COUNTS.map((storedKeys) => {
			const stored = new Map(DECLARED.slice(0, storedKeys).map(([key, , , value]) => [key, value]));
			const guildId = toGuildId(group(storedKeys)[0] ?? '1');
			return {
				storedKeys,
				result: measureSync(() => new GuildSettings(guildId, stored, DECLARED_SETTINGS), options.hitIterations / 10, options.hitRounds)
			};
		});

		// -- Cold loads: invalidate, then forGuild, servers rotating within the group. Cases given
		// together are compared fairly (rounds interleaved, see compareVariants); statements are
		// counted per case around each call (calls are sequential, so a call's statements are its own).
		const loads: SettingsLoadCase[] = [];
		interface ColdCase {
			readonly operation: string;
			readonly storedKeys: number;
			readonly run: AsyncOperation;
			readonly statementsPerCall: number;
		}
		const coldCases = async (cases: readonly ColdCase[]): Promise<void> => {
			progress(`settings cache / ${cases.map((entry) => entry.operation).join(' | ')}`);
			const tally = cases.map(() => ({ calls: 0, statements: 0 }));
			const variants = cases.map((entry, index) => ({
				name: String(index),
				operation: async (i: number) => {
					const before = counted();
					await entry.run(i);
					const count = tally[index] as { calls: number; statements: number };
					count.calls++;
					count.statements += counted() - before;
				}
			}));
			const results = await compareVariants(variants, settings);
			const first = results.get('0');
			cases.forEach((entry, index) => {
				const result = results.get(String(index));
				const { calls, statements } = tally[index] as { calls: number; statements: number };
				if (result === undefined || first === undefined) throw new Error(`settings: ${entry.operation} produced no result`);
				if (statements !== calls * entry.statementsPerCall)
					throw new Error(`settings: ${entry.operation} sent ${statements} statements for ${calls} calls`);
				loads.push({
					operation: entry.operation,
					storedKeys: entry.storedKeys,
					result,
					statementsPerCall: statements / calls,
					calls,
					versusFirstUs: index === 0 ? undefined : pairedDifference(first, result).us
				});
			});
		};
		await coldCases(
			STORED_KEY_COUNTS.map((storedKeys) => {
				const servers = group(storedKeys);
				return {
					operation: `miss: invalidate + forGuild, ${storedKeys} stored keys${storedKeys === TYPICAL_KEYS ? ' (typical, our guess)' : ''}`,
					storedKeys,
					run: (i: number) => {
						const server = servers[i % servers.length] as string;
						manager.invalidate(server);
						return manager.forGuild(server);
					},
					statementsPerCall: 1
				};
			})
		);
		const burstServers = group(TYPICAL_KEYS);
		await coldCases([
			{
				operation: `${options.burst} concurrent forGuild of one server after invalidate (${TYPICAL_KEYS} keys)`,
				storedKeys: TYPICAL_KEYS,
				run: async (i) => {
					const server = burstServers[i % burstServers.length] as string;
					manager.invalidate(server);
					const loaded = await Promise.all(Array.from({ length: options.burst }, () => manager.forGuild(server)));
					if (new Set(loaded).size !== 1) throw new Error('settings: concurrent loads of one server gave different objects');
				},
				statementsPerCall: 1
			}
		]);
		await coldCases([
			{
				operation: `${options.burst} concurrent misses of ${options.burst} different servers (${TYPICAL_KEYS} keys, pool of 10)`,
				storedKeys: TYPICAL_KEYS,
				run: async (i) => {
					const offset = (i * options.burst) % burstServers.length;
					const servers = Array.from({ length: options.burst }, (_, k) => burstServers[(offset + k) % burstServers.length] as string);
					for (const server of servers) manager.invalidate(server);
					await Promise.all(servers.map((server) => manager.forGuild(server)));
				},
				statementsPerCall: options.burst
			}
		]);
		if (invalid.length > 0) throw new Error(`settings: stored values refused during the bench: ${invalid.length}`);

		const plan = (
			await querySession<{ 'QUERY PLAN': string }>(
				setup,
				'EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON) SELECT key, value FROM bot_settings WHERE discord_server_id = $1 ORDER BY key',
				[group(10)[0]]
			)
		).map((row) => row['QUERY PLAN']);

		return {
			servers: options.servers,
			seededRows,
			seedSeconds,
			declaredKeys: DECLARED_SETTINGS.size,
			burst: options.burst,
			hits,
			parse,
			loads,
			plan
		};
	} finally {
		await database.close();
	}
}
