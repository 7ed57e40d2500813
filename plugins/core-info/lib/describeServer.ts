import type { ServerRecord } from '#core';

/** The fields of /server, in order: what the bot holds about the server it is asked in. */
export function describeServer(server: ServerRecord, plugins: readonly string[]): { name: string; value: string; inline: boolean }[] {
	return [
		{ name: 'Server', value: `${server.name ?? 'unnamed'} (\`${server.guildId}\`)`, inline: true },
		{ name: 'Bot here since', value: server.createdAt === null ? 'unknown' : `<t:${Math.floor(server.createdAt.getTime() / 1000)}:D>`, inline: true },
		{ name: 'Plugins', value: plugins.join(', ') || 'none', inline: false }
	];
}
