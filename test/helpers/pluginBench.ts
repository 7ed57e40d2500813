import type { GuildRepositories } from '#lib/database/GuildRepositories';
import type { SharedState } from '#lib/shared/SharedState';

/*
 * The contract between `npm run bench` and a plugin's benchmark: `plugins/<name>/bench/index.ts`
 * default-exports a PluginBench, and `BENCH_SECTIONS=<section>` runs it alone. The runner gives it
 * a fresh migrated PostgreSQL database and the shared Redis, and prints the lines it returns.
 */

/** The bench's database, as the bot has it (every plugin's repositories, the guard on), with its statements counted. */
export interface BenchDatabase {
	forGuild(guildId: bigint): GuildRepositories;
	/** Every statement sent through the repositories so far (SQL text), in order. */
	readonly statements: readonly string[];
	/** Runs SQL outside the counted connection: seeding, measuring a limit. */
	exec(script: string): Promise<void>;
	query<Row extends object>(sql: string, parameters?: readonly unknown[]): Promise<Row[]>;
}

export interface PluginBenchTools {
	readonly database: BenchDatabase;
	/** A bot process's shared state over the bench's Redis, under a key prefix of the bench's own; the bench closes it. */
	sharedState(keyPrefix: string): SharedState;
	/** Measured rounds per case (BENCH_ROUNDS, 10 by default); the report takes the median. */
	readonly rounds: number;
	progress(message: string): void;
}

export interface PluginBench {
	/** The name BENCH_SECTIONS knows it by. */
	readonly section: string;
	/** Measures, and returns the report's lines (Markdown, a `## ` heading first). */
	run(tools: PluginBenchTools): Promise<string[]>;
}

/** Declares a plugin's benchmark (the default export of plugins/<name>/bench/index.ts). */
export function definePluginBench(bench: PluginBench): PluginBench {
	return bench;
}
