import { createInterface } from 'node:readline';
import { container, LogLevel } from '@sapphire/framework';
import { Logger } from '@sapphire/plugin-logger';
import { loadConfig } from '#lib/config/environment';
import type { Database } from '#lib/database/Database';
import { KickBotClient } from '#lib/KickBotClient';
import { sourcePathOf } from '#lib/paths';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';

/**
 * Run in a child process by botClient.test.ts (one Sapphire client per process): builds the
 * real KickBotClient over the plugins of a folder, with a stand-in database that counts how
 * often each server's settings are read from it, loads the stores, starts dashboard messages
 * and then obeys lines on stdin:
 *   read <guild>                 reads the server's settings; prints `LOADS <guild> <database reads so far>`
 *   set <guild> <key> <value>    changes a setting as /settings set does; prints `SET <guild>`
 *   exit                         destroys the client; prints `CLOSED`
 * Prints `RESULT {...}` after loading (the dashboard-actions pieces, or the loading error) and
 * `LISTENING` once subscribed. DASHBOARD_SECRET, REDIS_URL and REDIS_KEY_PREFIX come from the environment.
 *
 * Usage: node botClient.child.js <plugins folder>
 */
export type BotClientResult =
	| { readonly outcome: 'loaded'; readonly actions: readonly { name: string; area: string; action: string; file: string }[] }
	| { readonly outcome: 'failed'; readonly name: string; readonly message: string };

const [directory] = process.argv.slice(2);
if (directory === undefined) throw new Error('usage: botClient.child.js <plugins folder>');
const print = (line: string) => process.stdout.write(`${line}\n`);

const config = loadConfig({
	DISCORD_TOKEN: 'never-used',
	REDIS_URL: process.env.REDIS_URL,
	REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX,
	DASHBOARD_SECRET: process.env.DASHBOARD_SECRET,
	LOG_LEVEL: 'info'
});
const plugins = await PluginCatalog.discover(directory, [], coreSettings);
const reads = new Map<string, number>();
const stored = new Map<string, Map<string, string>>();
const database = {
	forGuild: (guildId: bigint) => ({
		settings: {
			all: async () => {
				reads.set(String(guildId), (reads.get(String(guildId)) ?? 0) + 1);
				return new Map(stored.get(String(guildId)) ?? []);
			},
			set: async (entries: Readonly<Record<string, string>>) => {
				const values = stored.get(String(guildId)) ?? new Map<string, string>();
				for (const [key, value] of Object.entries(entries)) values.set(key, value);
				stored.set(String(guildId), values);
			},
			delete: async (key: string) => stored.get(String(guildId))?.delete(key) ?? false
		}
	}),
	// Nothing is posted or handed over here: what the client closes at destroy() has nothing to do.
	outbox: { release: async () => 0, finish: async () => undefined },
	kickEventReceipts: { settled: async () => undefined }
} as unknown as Database;

const client = new KickBotClient({ config, plugins, database, logger: new Logger({ level: LogLevel.Info }) });
let result: BotClientResult;
try {
	await client.stores.load();
	result = {
		outcome: 'loaded',
		actions: [...client.stores.get('dashboard-actions').values()]
			.map((piece) => ({ name: piece.name, area: piece.area, action: piece.action, file: sourcePathOf(piece.location.full) }))
			.sort((a, b) => a.name.localeCompare(b.name))
	};
} catch (error) {
	result = { outcome: 'failed', name: error instanceof Error ? error.name : typeof error, message: error instanceof Error ? error.message : String(error) };
}
print(`RESULT ${JSON.stringify(result)}`);
if (result.outcome === 'failed') process.exit(0);

await client.startDashboardMessages();
print('LISTENING');

for await (const line of createInterface({ input: process.stdin })) {
	const [command, guild = '', key = '', value = ''] = line.trim().split(' ');
	if (command === 'read') {
		await container.settings.forGuild(guild);
		print(`LOADS ${guild} ${reads.get(guild) ?? 0}`);
	} else if (command === 'set') {
		await container.settings.set(guild, key, value);
		print(`SET ${guild}`);
	} else if (command === 'exit') {
		await client.destroy().catch((error: unknown) => print(`DESTROY FAILED ${String(error)}`));
		print('CLOSED');
		break;
	}
}
// The task queue's connections are the scheduled-tasks plugin's business; this process is done.
process.exit(0);
