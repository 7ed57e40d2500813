import type { BotFacts } from '#core';

/** The fields of /about, in order: the plugins are those loaded here, nothing that is not. */
export function describeBot(facts: BotFacts): { name: string; value: string; inline: boolean }[] {
	return [
		{ name: 'Version', value: facts.version, inline: true },
		{ name: 'Servers', value: String(facts.serverCount), inline: true },
		{ name: 'Uptime', value: formatDuration(facts.uptimeMs), inline: true },
		{ name: 'Database', value: facts.databaseKind === 'postgres' ? 'PostgreSQL' : 'embedded PostgreSQL', inline: true },
		{ name: 'Plugins', value: describePlugins(facts.plugins), inline: false }
	];
}

/** Discord's limit for one embed field's value. */
const FIELD_VALUE_LIMIT = 1024;

/** Each plugin with its description; only their names once the descriptions would pass one field (`/help` has the rest). */
function describePlugins(plugins: BotFacts['plugins']): string {
	if (plugins.length === 0) return 'none';
	const described = plugins.map((plugin) => `**${plugin.name}**: ${plugin.description}`).join('\n');
	return described.length <= FIELD_VALUE_LIMIT ? described : plugins.map((plugin) => plugin.name).join(', ');
}

/** The two largest units: "3d 4h", "4h 5m", "5m 6s", "6s". */
export function formatDuration(milliseconds: number): string {
	const seconds = Math.floor(milliseconds / 1000);
	const parts: [number, string][] = [
		[Math.floor(seconds / 86_400), 'd'],
		[Math.floor((seconds % 86_400) / 3600), 'h'],
		[Math.floor((seconds % 3600) / 60), 'm'],
		[seconds % 60, 's']
	];
	const first = parts.findIndex(([value]) => value > 0);
	if (first === -1) return '0s';
	return parts
		.slice(first, first + 2)
		.filter(([value]) => value > 0)
		.map(([value, unit]) => `${value}${unit}`)
		.join(' ');
}
