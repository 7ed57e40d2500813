import '@sapphire/plugin-logger/register';
import '@sapphire/plugin-scheduled-tasks/register';
import '@sapphire/plugin-subcommands/register';
import { ApplicationCommandRegistries, container, SapphireClient, type ILogger } from '@sapphire/framework';
import { GatewayIntentBits, Partials } from 'discord.js';
import type { Config } from '#lib/config/environment';
import type { Database } from '#lib/database/Database';
import { coreDirectory } from '#lib/paths';
import type { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { refuseDuplicatePieceNames } from '#lib/plugins/refuseDuplicatePieceNames';
import { BotSettingsManager } from '#lib/settings/BotSettingsManager';
import { coreSettings } from '#lib/settings/coreSettings';
import '#lib/setup/container';
import { redisOptionsFromUrl } from '#lib/startup/redis';

export interface KickBotClientOptions {
	readonly config: Config;
	readonly plugins: PluginCatalog;
	readonly database: Database;
	readonly logger: ILogger;
}

/**
 * The bot: Sapphire loads the core pieces from src/ and the pieces of every enabled plugin
 * folder; two pieces of one store with the same name stop the start.
 */
export class KickBotClient extends SapphireClient {
	public constructor(options: KickBotClientOptions) {
		const { config } = options;
		super({
			intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
			partials: [Partials.Channel],
			loadMessageCommandListeners: true,
			defaultPrefix: coreSettings.prefix.defaultValue,
			// The prefix of the server the message was sent in; DMs use the default.
			fetchPrefix: async (message) => (message.guildId === null ? (coreSettings.prefix.defaultValue) : (await container.settings.forGuild(message.guildId)).get('prefix')),
			baseUserDirectory: null,
			logger: { instance: options.logger },
			tasks: {
				queue: `${config.redisKeyPrefix}-scheduled-tasks`,
				bull: { connection: redisOptionsFromUrl(config.redisUrl) }
			},
			...(config.discordApiUrl === undefined ? {} : { rest: { api: config.discordApiUrl } })
		});
		container.config = config;
		container.db = options.database;
		container.plugins = options.plugins;
		container.settings = new BotSettingsManager(options.database, options.plugins.settings, {
			ttlMs: config.settingsCacheTtlSeconds * 1000,
			onInvalidStoredValue: (guildId, key, value) =>
				options.logger.warn(`Server ${guildId}: stored setting ${key}=${JSON.stringify(value)} does not fit the key; its default applies.`)
		});

		this.stores.registerPath(coreDirectory);
		for (const plugin of options.plugins.enabled) this.stores.registerPath(plugin.directory);
		// Sapphire guesses the module system from the package.json of the working directory; ours is ESM wherever the bot starts.
		for (const store of this.stores.values()) Object.assign(store.strategy, { clientUsesESModules: true });
		refuseDuplicatePieceNames(this.stores);

		if (config.environment === 'development' && config.originalGuildId !== undefined) {
			ApplicationCommandRegistries.setDefaultGuildIds([config.originalGuildId.toString()]);
		}
	}

	/** Disconnects from Discord and closes the task queue; the database is closed by its owner. */
	public override async destroy(): Promise<void> {
		await super.destroy();
		await container.tasks.close();
	}
}
