import { container } from '@sapphire/framework';
import { shardsOfClient } from '#lib/discord/shards';
import { botVersion } from '#lib/version';

/** A plugin as /about and /help show it. */
export interface PluginSummary {
	readonly name: string;
	readonly description: string;
}

/** What the bot can say about itself: nothing in it belongs to a server. */
export interface BotFacts {
	readonly version: string;
	readonly serverCount: number;
	readonly uptimeMs: number;
	readonly databaseKind: 'postgres' | 'embedded';
	/** The plugins loaded in this bot (switched-off ones are not). */
	readonly plugins: readonly PluginSummary[];
}

export async function botFacts(): Promise<BotFacts> {
	const { client, db, plugins } = container;
	const shards = shardsOfClient(client);
	return {
		version: botVersion,
		// This process's cache holds only its shards' servers; the database knows every process's.
		serverCount: shards.ids.length === shards.count ? client.guilds.cache.size : await db.system.joinedServerCount(),
		uptimeMs: client.uptime ?? 0,
		databaseKind: db.connection.kind,
		plugins: plugins.enabled.map((plugin) => ({ name: plugin.manifest.name, description: plugin.manifest.description }))
	};
}
