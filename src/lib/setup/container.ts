import type { Config } from '#lib/config/environment';
import type { Database } from '#lib/database/Database';
import type { PluginCatalog } from '#lib/plugins/PluginCatalog';
import type { BotSettingsManager } from '#lib/settings/BotSettingsManager';

declare module '@sapphire/pieces' {
	interface Container {
		config: Config;
		db: Database;
		plugins: PluginCatalog;
		settings: BotSettingsManager;
	}
}
