import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectPostgres } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { pluginsDirectory } from '#lib/paths';
import { countingConnection } from '#test/helpers/countingConnection';
import { everyPluginRepositories } from '#test/helpers/databases';
import type { PluginBench, PluginBenchTools } from '#test/helpers/pluginBench';
import { testSharedState } from '#test/helpers/sharedState';
import { createBenchDatabase, execScript, migrate, querySession } from './database.js';

/** Every plugin's benchmark: the default export of plugins/<name>/bench/index.js (built), in folder order. */
export async function discoverPluginBenches(): Promise<PluginBench[]> {
	const benches: PluginBench[] = [];
	for (const plugin of readdirSync(pluginsDirectory).sort()) {
		const file = join(pluginsDirectory, plugin, 'bench', 'index.js');
		if (!existsSync(file)) continue;
		const bench = ((await import(pathToFileURL(file).href)) as { default?: PluginBench }).default;
		if (typeof bench?.section !== 'string' || typeof bench.run !== 'function')
			throw new TypeError(`${file} must default-export definePluginBench({ section, run })`);
		benches.push(bench);
	}
	return benches;
}

/** Runs one plugin's benchmark on a fresh migrated database of its own, dropped after. */
export async function runPluginBench(
	bench: PluginBench,
	options: { readonly rounds: number; readonly progress: (message: string) => void }
): Promise<string[]> {
	const benchDatabase = await createBenchDatabase();
	const setup = connectPostgres(benchDatabase.url, { poolSize: 2 });
	const counted = countingConnection(connectPostgres(benchDatabase.url, { poolSize: 10 }));
	const database = new Database(counted.connection, { guard: true, repositories: await everyPluginRepositories() });
	try {
		options.progress(`${bench.section}: migrated ${(await migrate(setup)).length} migrations into ${benchDatabase.name}`);
		const tools: PluginBenchTools = {
			database: {
				forGuild: (guildId) => database.forGuild(guildId),
				statements: counted.statements,
				exec: (script) => execScript(setup, script),
				query: (sql, parameters) => querySession(setup, sql, parameters)
			},
			sharedState: (keyPrefix) => testSharedState(keyPrefix, process.env.BENCH_REDIS_URL),
			rounds: options.rounds,
			progress: (message) => options.progress(`${bench.section}: ${message}`)
		};
		return await bench.run(tools);
	} finally {
		await database.close();
		await setup.close();
		await benchDatabase.drop();
	}
}
