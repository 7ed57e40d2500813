import type { Config } from '#lib/config/environment';
import type { Database } from '#lib/database/Database';
import type { PluginCatalog } from '#lib/plugins/PluginCatalog';

declare module '@sapphire/pieces' {
	interface Container {
		config: Config;
		db: Database;
		plugins: PluginCatalog;
	}
}
