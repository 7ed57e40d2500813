import { hrtime } from 'node:process';

/** How long and how often each case runs; overridable by environment for quick or long runs. */
export interface BenchSettings {
	/** Measured rounds per case; the report takes the median round. */
	readonly rounds: number;
	/** Length of one measured round of an async (database) case. */
	readonly roundMs: number;
	/** Unmeasured run before the rounds of each case. */
	readonly warmupMs: number;
}

export function settingsFromEnvironment(): BenchSettings {
	return {
		rounds: positiveInteger('BENCH_ROUNDS', 10),
		roundMs: positiveInteger('BENCH_ROUND_MS', 300),
		warmupMs: positiveInteger('BENCH_WARMUP_MS', 500)
	};
}

function positiveInteger(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, not ${raw}`);
	return value;
}

/** One measured round: throughput and the latency distribution of its operations. */
export interface RoundResult {
	readonly operations: number;
	readonly opsPerSecond: number;
	/** Latencies in microseconds. */
	readonly meanUs: number;
	readonly p50Us: number;
	readonly p95Us: number;
	readonly p99Us: number;
}

/** The median of several rounds, per statistic (each statistic's median is taken on its own). */
export interface CaseResult extends RoundResult {
	readonly rounds: number;
	/** Spread of ops/s over the rounds, as (max - min) / median, to show how noisy the case was. */
	readonly spread: number;
	/** Every round, in order (rounds of variants compared together ran next to each other). */
	readonly perRound: readonly RoundResult[];
}

/** An operation under test; `i` counts calls, so the operation can pick its key from a prepared list. */
export type AsyncOperation = (i: number) => Promise<unknown>;

const NS_PER_US = 1000;

/**
 * Runs `operation` for `durationMs` with `concurrency` calls in flight (1 = one after another,
 * measuring pure latency), timing each call with process.hrtime.bigint.
 */
export async function runRound(operation: AsyncOperation, durationMs: number, concurrency = 1): Promise<RoundResult> {
	const latencies: number[] = [];
	let counter = 0;
	const start = hrtime.bigint();
	const deadline = start + BigInt(durationMs) * 1_000_000n;
	const worker = async (): Promise<void> => {
		for (;;) {
			const before = hrtime.bigint();
			if (before >= deadline) return;
			await operation(counter++);
			latencies.push(Number(hrtime.bigint() - before) / NS_PER_US);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const elapsedSeconds = Number(hrtime.bigint() - start) / 1e9;
	return summarize(latencies, elapsedSeconds);
}

function summarize(latencies: number[], elapsedSeconds: number): RoundResult {
	latencies.sort((a, b) => a - b);
	const total = latencies.reduce((sum, value) => sum + value, 0);
	return {
		operations: latencies.length,
		opsPerSecond: latencies.length / elapsedSeconds,
		meanUs: latencies.length === 0 ? Number.NaN : total / latencies.length,
		p50Us: percentile(latencies, 0.5),
		p95Us: percentile(latencies, 0.95),
		p99Us: percentile(latencies, 0.99)
	};
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
	if (sorted.length === 0) return Number.NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
	return sorted[index] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return Number.NaN;
	const middle = Math.floor(sorted.length / 2);
	const upper = sorted[middle] ?? Number.NaN;
	return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

export function combineRounds(rounds: readonly RoundResult[]): CaseResult {
	const pick = (key: keyof RoundResult): number => median(rounds.map((round) => round[key]));
	const opsPerSecond = pick('opsPerSecond');
	const throughputs = rounds.map((round) => round.opsPerSecond);
	return {
		rounds: rounds.length,
		operations: pick('operations'),
		opsPerSecond,
		meanUs: pick('meanUs'),
		p50Us: pick('p50Us'),
		p95Us: pick('p95Us'),
		p99Us: pick('p99Us'),
		spread: throughputs.length === 0 ? Number.NaN : (Math.max(...throughputs) - Math.min(...throughputs)) / opsPerSecond,
		perRound: rounds
	};
}

/**
 * Measures several variants of one case fairly: each is warmed up, then the rounds interleave
 * the variants (in a rotating order), so drift of the machine hits every variant alike.
 */
export async function compareVariants<Name extends string>(
	variants: ReadonlyArray<{ readonly name: Name; readonly operation: AsyncOperation }>,
	settings: BenchSettings,
	concurrency = 1
): Promise<Map<Name, CaseResult>> {
	for (const variant of variants) await runRound(variant.operation, settings.warmupMs, concurrency);
	const rounds = new Map<Name, RoundResult[]>(variants.map((variant) => [variant.name, []]));
	for (let round = 0; round < settings.rounds; round++) {
		for (let k = 0; k < variants.length; k++) {
			const variant = variants[(round + k) % variants.length];
			if (variant === undefined) continue;
			rounds.get(variant.name)?.push(await runRound(variant.operation, settings.roundMs, concurrency));
		}
	}
	return new Map([...rounds].map(([name, results]) => [name, combineRounds(results)]));
}

/** One measured case on its own (warm-up, then the rounds). */
export async function measure(operation: AsyncOperation, settings: BenchSettings, concurrency = 1): Promise<CaseResult> {
	const results = await compareVariants([{ name: 'only', operation }], settings, concurrency);
	const result = results.get('only');
	if (result === undefined) throw new Error('The case produced no result');
	return result;
}

/** A synchronous, CPU-only case: calls per second over fixed iteration counts, median of rounds. */
export interface SyncResult {
	readonly callsPerSecond: number;
	readonly nsPerCall: number;
	readonly iterations: number;
	readonly rounds: number;
	readonly spread: number;
}

/**
 * The difference `b - a` of the time per operation (µs, from throughput), taken round by round
 * (the two ran next to each other in each round) and then the median: robust to load that comes
 * and goes on the machine during the run. Also the relative difference (a's ops/s over b's, - 1).
 */
export function pairedDifference(a: CaseResult, b: CaseResult): { us: number; relative: number } {
	const us: number[] = [];
	const relative: number[] = [];
	for (let round = 0; round < Math.min(a.perRound.length, b.perRound.length); round++) {
		const x = a.perRound[round];
		const y = b.perRound[round];
		if (x === undefined || y === undefined) continue;
		us.push(1e6 / y.opsPerSecond - 1e6 / x.opsPerSecond);
		relative.push(x.opsPerSecond / y.opsPerSecond - 1);
	}
	return { us: median(us), relative: median(relative) };
}

export function measureSync(operation: (i: number) => void, iterations: number, rounds: number): SyncResult {
	for (let i = 0; i < Math.min(iterations, 200_000); i++) operation(i);
	const rates: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const start = hrtime.bigint();
		for (let i = 0; i < iterations; i++) operation(i);
		rates.push(iterations / (Number(hrtime.bigint() - start) / 1e9));
	}
	return syncResult(rates, iterations, rounds);
}

/** The median rate of the rounds and how far they spread. */
function syncResult(rates: readonly number[], iterations: number, rounds: number): SyncResult {
	const callsPerSecond = median(rates);
	return {
		callsPerSecond,
		nsPerCall: 1e9 / callsPerSecond,
		iterations,
		rounds,
		spread: (Math.max(...rates) - Math.min(...rates)) / callsPerSecond
	};
}

/** A small deterministic PRNG (mulberry32), so every run asks for the same keys. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Like measureSync for an async operation that usually settles at once (a cache hit): each call
 * is awaited in turn, and only the whole round is timed, so the clock does not weigh on calls of
 * a few hundred nanoseconds. Median of rounds after an unmeasured warm-up.
 */
export async function measureAsyncBatch(operation: (i: number) => Promise<unknown>, iterations: number, rounds: number): Promise<SyncResult> {
	for (let i = 0; i < Math.min(iterations, 200_000); i++) await operation(i);
	const rates: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const start = hrtime.bigint();
		for (let i = 0; i < iterations; i++) await operation(i);
		rates.push(iterations / (Number(hrtime.bigint() - start) / 1e9));
	}
	return syncResult(rates, iterations, rounds);
}
