import type { ServerRecord } from '#lib/database/repositories/ServerRepository';
import type { PluginCatalog } from '#lib/plugins/PluginCatalog';

/** The fields of /server, in order: what the bot holds about the server it is asked in. */
export function describeServer(server: ServerRecord, plugins: PluginCatalog): { name: string; value: string; inline: boolean }[] {
	return [
		{ name: 'Server', value: `${server.name ?? 'unnamed'} (\`${server.guildId}\`)`, inline: true },
		{ name: 'Bot here since', value: server.createdAt === null ? 'unknown' : `<t:${Math.floor(server.createdAt.getTime() / 1000)}:D>`, inline: true },
		{ name: 'Plugins', value: plugins.enabled.map((plugin) => plugin.manifest.name).join(', ') || 'none', inline: false }
	];
}
