import { LogLevel } from '@sapphire/framework';
import { Logger } from '@sapphire/plugin-logger';
import { loadConfig } from '#lib/config/environment';
import type { Database } from '#lib/database/Database';
import { KickBotClient } from '#lib/KickBotClient';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';

/**
 * Run in a child process by duplicate-pieces.test.ts (Sapphire keeps process-wide state, so one
 * client per process): discovers the plugins of a folder, builds the real KickBotClient and loads
 * its stores as `login()` does, without connecting to Discord. Prints one line
 * `RESULT {...}`: the piece names of each store, or the error that stopped the loading.
 *
 * Usage: node loadPieces.child.js <plugins folder> [comma-separated DISABLED_PLUGINS]
 */
export type LoadPiecesResult =
	| { readonly outcome: 'loaded'; readonly stores: Readonly<Record<string, string[]>> }
	| { readonly outcome: 'failed'; readonly name: string; readonly message: string };

/** The test deletes this prefix's keys (BullMQ leaves a couple per queue) afterwards. */
const TEST_KEY_PREFIX = 'kickbot-test-pieces';

async function main(): Promise<LoadPiecesResult> {
	const [directory, disabled = ''] = process.argv.slice(2);
	if (directory === undefined) throw new Error('usage: loadPieces.child.js <plugins folder> [disabled plugins]');
	const config = loadConfig({
		DISCORD_TOKEN: 'never-used',
		DISABLED_PLUGINS: disabled,
		REDIS_KEY_PREFIX: TEST_KEY_PREFIX,
		REDIS_URL: process.env.REDIS_URL
	});
	const plugins = await PluginCatalog.discover(directory, config.disabledPlugins, coreSettings);
	// Loading pieces constructs them only; nothing touches the database before the bot is ready.
	const database = {} as unknown as Database;
	const client = new KickBotClient({ config, plugins, database, logger: new Logger({ level: LogLevel.Warn }) });
	try {
		await client.stores.load();
		return {
			outcome: 'loaded',
			stores: Object.fromEntries([...client.stores.entries()].map(([name, store]) => [name, [...store.keys()].sort()]))
		};
	} catch (error) {
		return { outcome: 'failed', name: error instanceof Error ? error.name : typeof error, message: error instanceof Error ? error.message : String(error) };
	}
}

const result = await main();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
// The task queue holds Redis connections open; this process has said all it has to say.
process.exit(0);
