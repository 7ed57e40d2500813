/**
 * `npm run bench`: the cost of the guild-scope guard, and the points reads at 100k rows per
 * server. Creates a throwaway PostgreSQL database (BENCH_DATABASE_URL names the admin database,
 * default postgres://postgres@127.0.0.1:5432/postgres), migrates it with the bot's runner, seeds
 * it, measures, and drops it. The guard comparison also runs without round trips (memoized
 * answers, see memoizingAdapter.ts) and on the embedded engine (PGlite,
 * in memory) unless BENCH_EMBEDDED=0.
 *
 * Knobs: BENCH_ROUNDS (10), BENCH_ROUND_MS (300), BENCH_WARMUP_MS (500), BENCH_ROWS (100000),
 * BENCH_CONCURRENCY (8; 1 skips the concurrent case), BENCH_EMBEDDED (1).
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { connectPostgres, openEmbedded, type DatabaseConnection } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
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
import { pairedDifference, settingsFromEnvironment } from './measure.js';
import { memoized } from './memoizingAdapter.js';
import { benchScale, explainPointsReads, type ScaleCase } from './scale.js';

/** Viewers per server while the guard is measured, and the first scale step. */
const SMALL_ROWS = 1000;
const COMMANDS_PER_GUILD = 50;
/** assertGuildScoped alone: calls per measured round, and rounds (median reported). */
const CHECK_ITERATIONS = 300_000;
const CHECK_ROUNDS = 7;

/** The guard comparison without database round trips (see memoizingAdapter.ts). */
const CLIENT_ONLY = 'Prisma client only (memoized answers)';

const settings = settingsFromEnvironment();
const largeRows = integerEnvironment('BENCH_ROWS', 100_000);
const concurrentCalls = integerEnvironment('BENCH_CONCURRENCY', 8);
const withEmbedded = process.env.BENCH_EMBEDDED !== '0';

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
	scale: ScaleCase[];
	plans: Array<{ operation: string; plan: string[] }>;
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
		await seedServersAndCommands(setup, COMMANDS_PER_GUILD);
		await seedUserPoints(setup, 1, SMALL_ROWS);
		await vacuumAnalyze(setup);
		progress(`seeded ${BENCH_GUILDS.length} servers × ${SMALL_ROWS} viewers, ${COMMANDS_PER_GUILD} commands each`);

		report.guard.push(...(await benchGuard('PostgreSQL', connect, guardOperations(SMALL_ROWS, COMMANDS_PER_GUILD, concurrentCalls), settings, progress)));
		report.guard.push(
			...(await benchGuard(CLIENT_ONLY, () => memoized(connect()), guardOperations(SMALL_ROWS, COMMANDS_PER_GUILD, 1), settings, progress))
		);

		database = new Database(setup, { guard: true });
		report.scale.push(...(await benchScale(database, SMALL_ROWS, settings, progress)));
		if (largeRows > SMALL_ROWS) {
			const seedStart = process.hrtime.bigint();
			await seedUserPoints(setup, SMALL_ROWS + 1, largeRows);
			await vacuumAnalyze(setup);
			const seconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
			progress(`seeded up to ${BENCH_GUILDS.length} × ${largeRows} viewers (${seconds.toFixed(1)} s with VACUUM ANALYZE)`);
			report.scale.push(...(await benchScale(database, largeRows, settings, progress)));
		}
		report.plans = await explainPointsReads(setup);
	} finally {
		if (database) await database.close();
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

const us = (value: number): string => (Number.isFinite(value) ? (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2)) : 'n/a');
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

function scaleTable(cases: readonly ScaleCase[]): string {
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

async function main(): Promise<void> {
	const report: Report = { checks: [], guard: [], scale: [], plans: [], postgres: 'unknown' };
	report.postgres = await postgresVersion();
	progress(`settings: ${settings.rounds} rounds × ${settings.roundMs} ms, warm-up ${settings.warmupMs} ms; ${largeRows} rows per server`);

	progress('assertGuildScoped alone');
	report.checks = benchAssertGuildScoped(CHECK_ITERATIONS, CHECK_ROUNDS);
	await benchPostgres(report);
	if (withEmbedded) await benchEmbedded(report);

	const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	const out: string[] = [
		'',
		'## Environment',
		'',
		`- CPU: ${cpuModel()} (${cpus().length} logical cores), memory ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
		`- Node ${process.version}, PostgreSQL ${report.postgres}${withEmbedded ? ', PGlite in memory' : ''}`,
		`- ${settings.rounds} rounds × ${settings.roundMs} ms per case after ${settings.warmupMs} ms warm-up; figures are medians over the rounds, ` +
			'differences between variants the median of per-round differences (variants alternate within each round); ' +
			'calls sequential (one in flight) unless the operation says otherwise',
		`- total run time ${totalSeconds.toFixed(0)} s`,
		'',
		'## Guild-scope guard: repository calls with the guard off, a no-op extension, and on',
		'',
		guardTable(report.guard),
		'',
		`## assertGuildScoped alone (pure CPU, ${CHECK_ITERATIONS.toLocaleString('en-US')} calls per round, median of ${CHECK_ROUNDS})`,
		'',
		checkTable(report.checks),
		'',
		`## Points reads by server size (PostgreSQL, guard on, ${BENCH_GUILDS.length} servers)`,
		'',
		scaleTable(report.scale),
		'',
		`## Plans at ${largeRows.toLocaleString('en-US')} rows per server (EXPLAIN ANALYZE of the equivalent SQL)`,
		''
	];
	for (const { operation, plan } of report.plans) {
		out.push(`${operation}:`, '```', ...plan, '```', '');
	}
	process.stdout.write(`${out.join('\n')}\n`);
}

await main();
