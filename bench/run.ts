/**
 * `npm run bench`: the cost of the guild-scope guard, the points reads at 100k rows per server,
 * the settings cache (BotSettingsManager hits, cold loads, concurrent misses) and the Kick
 * webhook path (verification, parsing, receipt claims, chat command to queued reply). Creates a
 * throwaway PostgreSQL database (BENCH_DATABASE_URL names the admin database, default
 * postgres://postgres@127.0.0.1:5432/postgres), migrates it with the bot's runner, seeds
 * it, measures, and drops it. The guard comparison also runs without round trips (memoized
 * answers, see memoizingAdapter.ts) and on the embedded engine (PGlite,
 * in memory) unless BENCH_EMBEDDED=0.
 *
 * Knobs: BENCH_ROUNDS (10), BENCH_ROUND_MS (300), BENCH_WARMUP_MS (500), BENCH_ROWS (100000),
 * BENCH_CONCURRENCY (8; 1 skips the concurrent case), BENCH_EMBEDDED (1), BENCH_SECTIONS
 * (guard,points-rows,settings,kick,ingest,scale and the plugins' sections: a comma-separated subset runs only those).
 * `scale` runs the bot in child processes against the Discord stand-in (scale.ts; BENCH_SCALE_SERVERS, BENCH_SCALE_WARM_SERVERS,
 * BENCH_SCALE_HEAP=1 for a heap snapshot summary).
 * A plugin adds a section with plugins/<name>/bench/index.ts (see test/helpers/pluginBench.ts),
 * run on a database of its own after the core's sections.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { connectPostgres, openEmbedded, type DatabaseConnection } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { everyPluginRepositories } from '#test/helpers/databases';
import {
	ADMIN_DATABASE_URL,
	BENCH_GUILDS,
	createBenchDatabase,
	migrate,
	postgresVersion,
	seedServersAndCommands,
	seedUserPoints,
	vacuumAnalyze
} from './database.js';
import { benchAssertGuildScoped, benchGuard, guardOperations, type CheckCase, type GuardCase, type GuardVariant } from './guard.js';
import { benchIngest, type IngestReport } from './ingest.js';
import { benchKick, type KickReport } from './kick.js';
import { pairedDifference, settingsFromEnvironment } from './measure.js';
import { memoized } from './memoizingAdapter.js';
import { discoverPluginBenches, runPluginBench } from './pluginBenches.js';
import { benchPointsRows, explainPointsReads, type PointsRowsCase } from './pointsRows.js';
import { benchScale, mib, SETTLE_MS, WARM_UP_DESCRIPTION, type ScaleMemory, type ScaleReport } from './scale.js';
import { benchSettings, type SettingsReport } from './settings.js';

/** Viewers per server while the guard is measured, and the first points-rows step. */
const SMALL_ROWS = 1000;
const COMMANDS_PER_GUILD = 50;
/** assertGuildScoped alone: calls per measured round, and rounds (median reported). */
const CHECK_ITERATIONS = 300_000;
const CHECK_ROUNDS = 7;
/** Settings cache: servers per stored-key group, concurrent calls in a burst, calls per CPU round. */
const SETTINGS_SERVERS = 1000;
const SETTINGS_BURST = 50;
const SETTINGS_HIT_ITERATIONS = 300_000;
/** Kick webhook path: verifications per CPU round (stale refusals 5×, parsing 2×), and events in flight for the concurrent cases. */
const KICK_CPU_ITERATIONS = 10_000;
const KICK_CONCURRENCY = 16;

/** The guard comparison without database round trips (see memoizingAdapter.ts). */
const CLIENT_ONLY = 'Prisma client only (memoized answers)';

const settings = settingsFromEnvironment();
/** The Redis the bot under the ingest section uses (its keys under a prefix of its own, removed with its queue). */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const largeRows = integerEnvironment('BENCH_ROWS', 100_000);
const concurrentCalls = integerEnvironment('BENCH_CONCURRENCY', 8);
const withEmbedded = process.env.BENCH_EMBEDDED !== '0';
const CORE_SECTIONS = ['guard', 'points-rows', 'settings', 'kick', 'ingest', 'scale'] as const;
const pluginBenches = await discoverPluginBenches();
const SECTIONS: readonly string[] = [...CORE_SECTIONS, ...pluginBenches.map((bench) => bench.section)];
type Section = string;
const sections = sectionsFromEnvironment();

function sectionsFromEnvironment(): ReadonlySet<Section> {
	const raw = process.env.BENCH_SECTIONS;
	if (raw === undefined || raw.trim() === '') return new Set(SECTIONS);
	const names = raw
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	const unknown = names.filter((name) => !SECTIONS.includes(name));
	if (unknown.length > 0 || names.length === 0) throw new TypeError(`BENCH_SECTIONS takes a comma-separated subset of ${SECTIONS.join(',')}, not ${raw}`);
	return new Set(names);
}

function integerEnvironment(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer`);
	return value;
}

const started = process.hrtime.bigint();
function progress(message: string): void {
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	process.stderr.write(`[${seconds.toFixed(1).padStart(6)} s] ${message}\n`);
}

function cpuModel(): string {
	try {
		const line = readFileSync('/proc/cpuinfo', 'utf8')
			.split('\n')
			.find((entry) => entry.startsWith('model name'));
		if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
	} catch {
		// not Linux: fall back to what Node reports
	}
	return cpus()[0]?.model ?? 'unknown';
}

interface Report {
	checks: CheckCase[];
	guard: GuardCase[];
	pointsRows: PointsRowsCase[];
	plans: Array<{ operation: string; plan: string[] }>;
	settings: SettingsReport | undefined;
	kick: KickReport | undefined;
	/** The plugins' sections, each as the lines it returned. */
	plugins: string[][];
	ingest: IngestReport | undefined;
	scale: ScaleReport | undefined;
	postgres: string;
}

async function benchPostgres(report: Report): Promise<void> {
	const benchDatabase = await createBenchDatabase();
	progress(`created database ${benchDatabase.name} on ${new URL(ADMIN_DATABASE_URL).host}`);
	const connect = (): DatabaseConnection => connectPostgres(benchDatabase.url, { poolSize: 10 });
	const setup = connect();
	let database: Database | undefined;
	try {
		progress(`migrated: ${(await migrate(setup)).join(', ')}`);
		if (sections.has('guard') || sections.has('points-rows')) {
			await seedServersAndCommands(setup, COMMANDS_PER_GUILD);
			await seedUserPoints(setup, 1, SMALL_ROWS);
			await vacuumAnalyze(setup);
			progress(`seeded ${BENCH_GUILDS.length} servers × ${SMALL_ROWS} viewers, ${COMMANDS_PER_GUILD} commands each`);
		}

		if (sections.has('guard')) {
			report.guard.push(
				...(await benchGuard('PostgreSQL', connect, guardOperations(SMALL_ROWS, COMMANDS_PER_GUILD, concurrentCalls), settings, progress))
			);
			report.guard.push(
				...(await benchGuard(CLIENT_ONLY, () => memoized(connect()), guardOperations(SMALL_ROWS, COMMANDS_PER_GUILD, 1), settings, progress))
			);
		}

		if (sections.has('points-rows')) {
			database = new Database(setup, { guard: true, repositories: await everyPluginRepositories() });
			report.pointsRows.push(...(await benchPointsRows(database, SMALL_ROWS, settings, progress)));
			if (largeRows > SMALL_ROWS) {
				const seedStart = process.hrtime.bigint();
				await seedUserPoints(setup, SMALL_ROWS + 1, largeRows);
				await vacuumAnalyze(setup);
				const seconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
				progress(`seeded up to ${BENCH_GUILDS.length} × ${largeRows} viewers (${seconds.toFixed(1)} s with VACUUM ANALYZE)`);
				report.pointsRows.push(...(await benchPointsRows(database, largeRows, settings, progress)));
			}
			report.plans = await explainPointsReads(setup);
		}

		if (sections.has('settings')) {
			report.settings = await benchSettings(
				connect,
				setup,
				{ servers: SETTINGS_SERVERS, burst: SETTINGS_BURST, hitIterations: SETTINGS_HIT_ITERATIONS, hitRounds: CHECK_ROUNDS },
				settings,
				progress
			);
		}

		if (sections.has('kick')) {
			report.kick = await benchKick(
				connect,
				setup,
				{ cpuIterations: KICK_CPU_ITERATIONS, cpuRounds: CHECK_ROUNDS, concurrency: KICK_CONCURRENCY },
				settings,
				progress
			);
		}

		if (sections.has('ingest')) {
			report.ingest = await benchIngest(connect, setup, { databaseUrl: benchDatabase.url, redisUrl: REDIS_URL }, settings, progress);
		}
	} finally {
		// Closing the Database closes `setup` too; without one, close `setup` itself.
		if (database) await database.close();
		else await setup.close();
		await benchDatabase.drop();
		progress(`dropped database ${benchDatabase.name}`);
	}
}

async function benchEmbedded(report: Report): Promise<void> {
	const shared = await openEmbedded(undefined);
	try {
		await migrate(shared);
		await seedServersAndCommands(shared, COMMANDS_PER_GUILD);
		await seedUserPoints(shared, 1, SMALL_ROWS);
		await vacuumAnalyze(shared);
		progress('embedded PGlite (in memory) migrated and seeded');
		// Every variant shares the one in-process PGlite; closing a variant must not close it.
		const borrow = (): DatabaseConnection => ({ ...shared, close: async () => undefined });
		report.guard.push(...(await benchGuard('PGlite (embedded)', borrow, guardOperations(SMALL_ROWS, COMMANDS_PER_GUILD, 1), settings, progress)));
	} finally {
		await shared.close();
	}
}

// ---------------------------------------------------------------------------------------------
// Report

const us = (value: number): string =>
	Number.isFinite(value) ? (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2)) : 'n/a';
const rate = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const percent = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;

function table(header: string[], rows: string[][]): string {
	const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function guardTable(cases: readonly GuardCase[]): string {
	const order: GuardVariant[] = ['guard off', 'no-op extension', 'guard on'];
	const rows = cases.map((entry) => {
		const get = (variant: GuardVariant) => entry.results.get(variant);
		const off = get('guard off');
		const on = get('guard on');
		const noop = get('no-op extension');
		// Per-query cost from throughput (with N calls in flight a call holds 1/N of the wall
		// time), differenced round by round between variants that ran side by side.
		const guard = off && on ? pairedDifference(off, on) : { us: Number.NaN, relative: Number.NaN };
		const machinery = off && noop ? pairedDifference(off, noop) : { us: Number.NaN, relative: Number.NaN };
		return [
			entry.engine,
			entry.operation,
			...order.map((variant) => rate(get(variant)?.opsPerSecond ?? Number.NaN)),
			...order.map((variant) => us(get(variant)?.p50Us ?? Number.NaN)),
			Number.isFinite(guard.relative) ? percent(guard.relative) : 'n/a',
			us(guard.us),
			us(machinery.us),
			order.map((variant) => `${((get(variant)?.spread ?? Number.NaN) * 100).toFixed(0)}`).join('/')
		];
	});
	return table(
		[
			'engine',
			'operation',
			'ops/s off',
			'ops/s no-op ext',
			'ops/s guard on',
			'p50 µs off',
			'p50 µs no-op ext',
			'p50 µs on',
			'guard on vs off (time/op)',
			'guard on − off µs/op',
			'no-op ext − off µs/op',
			'round spread % (off/no-op/on)'
		],
		rows
	);
}

function checkTable(cases: readonly CheckCase[]): string {
	return table(
		['arguments', 'calls/s', 'ns/call', 'round spread %'],
		cases.map(({ shape, result }) => [shape, rate(result.callsPerSecond), result.nsPerCall.toFixed(0), (result.spread * 100).toFixed(0)])
	);
}

function pointsRowsTable(cases: readonly PointsRowsCase[]): string {
	return table(
		['rows/server', 'operation', 'ops/s', 'p50 µs', 'p95 µs', 'p99 µs', 'round spread %'],
		cases.map(({ rowsPerGuild, operation, result }) => [
			rowsPerGuild.toLocaleString('en-US'),
			operation,
			rate(result.opsPerSecond),
			us(result.p50Us),
			us(result.p95Us),
			us(result.p99Us),
			(result.spread * 100).toFixed(0)
		])
	);
}

function settingsTables(report: SettingsReport): string[] {
	const statements = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(3));
	return [
		`## Settings cache (BotSettingsManager on PostgreSQL, guard on; ${report.declaredKeys} declared keys, ${report.servers.toLocaleString('en-US')} servers per group)`,
		'',
		`Seeded ${report.seededRows.toLocaleString('en-US')} bot_settings rows in ${report.seedSeconds.toFixed(1)} s. ` +
			"Statements are counted by a counting driver adapter under the manager's Database.",
		'',
		`### Cache hits (every server cached, ids rotating; pure CPU, ${SETTINGS_HIT_ITERATIONS.toLocaleString('en-US')} calls per round, median of ${CHECK_ROUNDS})`,
		'',
		table(
			['operation', 'calls/s', 'ns/call', 'ns/lookup', 'round spread %', 'statements sent (warm-up + rounds)'],
			report.hits.map(({ operation, result, statements: sent, lookups }) => [
				operation,
				rate(result.callsPerSecond),
				result.nsPerCall.toFixed(0),
				(result.nsPerCall / lookups).toFixed(0),
				(result.spread * 100).toFixed(0),
				`${sent} for ${((result.iterations * result.rounds + Math.min(result.iterations, 200_000)) * lookups).toLocaleString('en-US')} lookups`
			])
		),
		'',
		'### Building GuildSettings from stored rows (parsing only, pure CPU)',
		'',
		table(
			['stored keys', 'builds/s', 'µs/build', 'round spread %'],
			report.parse.map(({ storedKeys, result }) => [
				String(storedKeys),
				rate(result.callsPerSecond),
				us(result.nsPerCall / 1000),
				(result.spread * 100).toFixed(0)
			])
		),
		'',
		'### Cold loads (one call in flight; a call of the concurrent cases is the whole burst; the four key counts ran with interleaved rounds)',
		'',
		table(
			['operation', 'calls/s', 'p50 µs', 'p95 µs', 'p99 µs', 'round spread %', 'µs/call vs 0 keys', 'statements per call'],
			report.loads.map(({ operation, result, statementsPerCall, versusFirstUs }) => [
				operation,
				rate(result.opsPerSecond),
				us(result.p50Us),
				us(result.p95Us),
				us(result.p99Us),
				(result.spread * 100).toFixed(0),
				versusFirstUs === undefined ? '' : us(versusFirstUs),
				statements(statementsPerCall)
			])
		),
		'',
		'Plan of the load query (10 stored keys):',
		'```',
		...report.plan,
		'```',
		''
	];
}

function kickTables(report: KickReport): string[] {
	const perEvent = (value: number): string => (Number.isFinite(value) ? (value >= 10 ? value.toFixed(0) : value.toFixed(1)) : 'n/a');
	const statements = (value: number): string => (Number.isInteger(value) ? String(value) : value < 0.01 ? value.toFixed(5) : value.toFixed(4));
	return [
		`## Kick webhook path (one core: the bench process is single-threaded; PostgreSQL works in its own processes)`,
		'',
		`A signed chat.message.sent delivery of ${report.payloadBytes} bytes (RSA-2048 test key, as Kick's). ` +
			"Statements are counted by a counting driver adapter under the bot's Database (guard on, pool of 10). " +
			`kick_event_receipts was seeded with ${report.seededReceipts.toLocaleString('en-US')} rows (${report.seedSeconds.toFixed(1)} s with VACUUM ANALYZE).`,
		'',
		`### Verification and parsing (pure CPU, median of ${CHECK_ROUNDS} rounds)`,
		'',
		table(
			['operation', 'events/s', 'µs/event', 'round spread %'],
			report.cpu.map(({ operation, result }) => [operation, rate(result.callsPerSecond), us(result.nsPerCall / 1000), (result.spread * 100).toFixed(0)])
		),
		'',
		'### Paths that reach PostgreSQL (latency per event; CPU and statements per event over warm-up and rounds)',
		'',
		table(
			[
				'operation',
				'in flight',
				'events/s',
				'p50 µs',
				'p95 µs',
				'p99 µs',
				'round spread %',
				'bot CPU µs/event',
				'PostgreSQL CPU µs/event',
				'statements/event',
				'by kind'
			],
			report.paths.map((entry) => [
				entry.operation,
				String(entry.concurrency),
				rate(entry.result.opsPerSecond),
				us(entry.result.p50Us),
				us(entry.result.p95Us),
				us(entry.result.p99Us),
				(entry.result.spread * 100).toFixed(0),
				perEvent(entry.botCpuUs),
				perEvent(entry.postgresCpuUs),
				statements(entry.statementsPerEvent),
				entry.statements.map(([kind, value]) => `${kind} ${statements(value)}`).join(', ')
			])
		),
		'',
		`${report.receiptRows.toLocaleString('en-US')} rows in kick_event_receipts at the end of the section. ` +
			"Bot CPU is the bench process's user + system time (all threads); PostgreSQL CPU that of the backends serving the bench database (/proc/<pid>/stat).",
		''
	];
}

function ingestTables(report: IngestReport): string[] {
	const statements = (value: number): string => (value < 0.01 ? value.toFixed(5) : value.toFixed(4));
	return [
		`## Ingest: chat messages on ${report.channels.toLocaleString('en-US')} linked servers (bot CPU per event; PostgreSQL and Redis real)`,
		'',
		`Plugins loaded: ${report.plugins.join(', ')}. Kick chat listeners run for every message: ${report.chatListeners.join(', ')}. ` +
			`Webhook body ${report.webhookBodyBytes} bytes, socket frame data ${report.socketDataBytes} bytes; ${report.seededReceipts.toLocaleString('en-US')} receipts seeded.`,
		'',
		table(
			[
				'path',
				'events',
				'bot CPU µs/event',
				'of which GC pauses µs/event',
				'events/s per core of bot CPU',
				'round spread %',
				'wall events/s',
				'statements/event',
				'events per claim statement',
				'by kind'
			],
			report.paths.map((entry) => [
				entry.path,
				entry.events.toLocaleString('en-US'),
				entry.cpuUsPerEvent.toFixed(1),
				entry.gcPauseUsPerEvent.toFixed(1),
				rate(entry.eventsPerCoreSecond),
				(entry.spread * 100).toFixed(0),
				rate(entry.wallEventsPerSecond),
				statements(entry.statementsPerEvent),
				entry.claimsPerStatement.toFixed(0),
				entry.statements.map(([kind, value]) => `${kind} ${statements(value)}`).join('; ')
			])
		),
		'',
		'### The machine’s limits, probed right after every round of both paths (CPU time, median over the rounds)',
		'',
		table(
			['operation', 'per second of CPU', 'µs each', 'round spread %'],
			report.limits.map(({ operation, perCoreSecond, spread }) => [operation, rate(perCoreSecond), us(1e6 / perCoreSecond), (spread * 100).toFixed(0)])
		),
		'',
		'### Ratios (path ÷ limit, each round against the probes run right after it; median)',
		'',
		table(
			['path', 'limit', 'ratio'],
			report.paths.flatMap((entry) => entry.ratios.map(([operation, ratio]) => [entry.path, operation, `${(ratio * 100).toFixed(1)} %`]))
		),
		''
	];
}

function scaleTables(report: ScaleReport): string[] {
	const seconds = (ms: number): string => (ms / 1000).toFixed(2);
	const servers = report.servers.toLocaleString('en-US');
	const memoryRow = (label: string, right: ScaleMemory, quiet: ScaleMemory): string[] => [
		label,
		mib(right.asIs.rss),
		mib(right.afterGc.rss),
		mib(quiet.afterGc.rss),
		mib(quiet.afterGc.heapUsed),
		mib(quiet.afterGc.heapTotal),
		mib(quiet.afterGc.spaces.new_space ?? 0),
		mib(quiet.afterGc.external),
		quiet.afterGc.mapped === undefined
			? 'n/a'
			: `${mib(quiet.afterGc.mapped.files)} / ${mib(quiet.afterGc.mapped.mallocHeap)} / ${mib(quiet.afterGc.mapped.anonymous - quiet.afterGc.heapTotal)}`
	];
	const lines = [
		`## Scale: the bot (npm start's entry point, \`node ${report.nodeFlags.join(' ')}\`, a fresh process per run) against the Discord stand-in`,
		'',
		table(
			['run', 'modules imported, Redis reached (s)', 'discord.js ready (s)', 'ready: every server recorded (s)'],
			[
				['2 servers', seconds(report.idle.start.modulesMs), seconds(report.idle.start.clientReadyMs), seconds(report.idle.start.readyMs)],
				[
					`${servers} servers, first start`,
					seconds(report.firstStart.modulesMs),
					seconds(report.firstStart.clientReadyMs),
					seconds(report.firstStart.readyMs)
				],
				[`${servers} servers, restart`, seconds(report.restart.modulesMs), seconds(report.restart.clientReadyMs), seconds(report.restart.readyMs)]
			]
		),
		'',
		table(
			[
				'memory (MiB)',
				'RSS as is',
				'RSS after full GC',
				`RSS settled (${SETTLE_MS / 1000} s quiet, full GC)`,
				'settled: heap used',
				'heap total',
				'of which new space',
				'external',
				'resident files / main malloc / other anonymous (outside the V8 heap)'
			],
			[
				memoryRow('idle, 2 servers, commands registered', report.idle.ready, report.idle.settled),
				memoryRow(
					`${servers} servers, after ${report.warmUp.commands.toLocaleString('en-US')} commands in ${report.warmServers.toLocaleString('en-US')} of them`,
					report.warm,
					report.warmSettled
				),
				memoryRow(
					`the same, after the bot's member sweep (run at once instead of within 10 minutes: ${report.afterMemberSweep.membersSwept.toLocaleString('en-US')} members)`,
					report.afterMemberSweep.memory,
					report.afterMemberSweep.memory
				)
			]
		),
		'',
		`Warm-up: ${report.warmUp.commands.toLocaleString('en-US')} commands in ${report.warmUp.seconds.toFixed(1)} s (${WARM_UP_DESCRIPTION}).`,
		''
	];
	if (report.heap)
		lines.push(
			'### Heap snapshot at the end (settled, after the member sweep): self size by constructor (or kind), largest first',
			'',
			table(
				['constructor or kind', 'count', 'self size (MiB)'],
				report.heap.map((share) => [share.name, share.count.toLocaleString('en-US'), (share.selfBytes / 2 ** 20).toFixed(1)])
			),
			''
		);
	return lines;
}

async function main(): Promise<void> {
	const report: Report = {
		checks: [],
		guard: [],
		pointsRows: [],
		plans: [],
		settings: undefined,
		kick: undefined,
		ingest: undefined,
		scale: undefined,
		plugins: [],
		postgres: 'unknown'
	};
	report.postgres = await postgresVersion();
	progress(
		`settings: ${settings.rounds} rounds × ${settings.roundMs} ms, warm-up ${settings.warmupMs} ms; ${largeRows} rows per server; sections ${[...sections].join(', ')}`
	);

	if (sections.has('guard')) {
		progress('assertGuildScoped alone');
		report.checks = benchAssertGuildScoped(CHECK_ITERATIONS, CHECK_ROUNDS);
	}
	if (CORE_SECTIONS.some((section) => section !== 'scale' && sections.has(section))) await benchPostgres(report);
	if (sections.has('scale')) {
		report.scale = await benchScale(
			{
				redisUrl: REDIS_URL,
				servers: integerEnvironment('BENCH_SCALE_SERVERS', 10_000),
				warmServers: integerEnvironment('BENCH_SCALE_WARM_SERVERS', 1_000),
				heapSnapshot: process.env.BENCH_SCALE_HEAP === '1'
			},
			progress
		);
	}
	for (const bench of pluginBenches) if (sections.has(bench.section)) report.plugins.push(await runPluginBench(bench, { rounds: settings.rounds, progress }));
	const embedded = withEmbedded && sections.has('guard');
	if (embedded) await benchEmbedded(report);

	const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	const out: string[] = [
		'',
		'## Environment',
		'',
		`- CPU: ${cpuModel()} (${cpus().length} logical cores), memory ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
		`- Node ${process.version}, PostgreSQL ${report.postgres}${embedded ? ', PGlite in memory' : ''}`,
		`- ${settings.rounds} rounds × ${settings.roundMs} ms per case after ${settings.warmupMs} ms warm-up; figures are medians over the rounds, ` +
			'differences between variants the median of per-round differences (variants alternate within each round); ' +
			'calls sequential (one in flight) unless the operation says otherwise',
		`- sections: ${[...sections].join(', ')}; total run time ${totalSeconds.toFixed(0)} s; load average at the end ${loadavg()
			.map((load) => load.toFixed(1))
			.join(' / ')} (1 / 5 / 15 min: other processes share the cores)`,
		''
	];
	if (sections.has('guard')) {
		out.push(
			'## Guild-scope guard: repository calls with the guard off, a no-op extension, and on',
			'',
			guardTable(report.guard),
			'',
			`## assertGuildScoped alone (pure CPU, ${CHECK_ITERATIONS.toLocaleString('en-US')} calls per round, median of ${CHECK_ROUNDS})`,
			'',
			checkTable(report.checks),
			''
		);
	}
	if (sections.has('points-rows')) {
		out.push(
			`## Points reads by server size (PostgreSQL, guard on, ${BENCH_GUILDS.length} servers)`,
			'',
			pointsRowsTable(report.pointsRows),
			'',
			`## Plans at ${largeRows.toLocaleString('en-US')} rows per server (EXPLAIN ANALYZE of the equivalent SQL)`,
			''
		);
		for (const { operation, plan } of report.plans) {
			out.push(`${operation}:`, '```', ...plan, '```', '');
		}
	}
	if (report.settings) out.push(...settingsTables(report.settings));
	if (report.kick) out.push(...kickTables(report.kick));
	if (report.ingest) out.push(...ingestTables(report.ingest));
	if (report.scale) out.push(...scaleTables(report.scale));
	for (const lines of report.plugins) out.push(...lines, '');
	process.stdout.write(`${out.join('\n')}\n`);
}

await main();
