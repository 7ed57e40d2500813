import { groupByPlugin, mayUse, type ChatterAccess, type KickCommandSummary } from '#core';

/** One line per plugin for Kick chat: its commands this chatter may use, each with what it does. */
export function describeKickHelp(commands: readonly KickCommandSummary[], view: { readonly prefix: string; readonly access: ChatterAccess }): string {
	const usable = commands.filter((command) => mayUse(view.access, command.access));
	if (usable.length === 0) return 'No chat commands here yet.';
	return groupByPlugin(usable)
		.map(([plugin, group]) => `${plugin}: ${group.map((command) => `${view.prefix}${command.name} (${lowerFirst(command.description.replace(/\.$/, ''))})`).join(', ')}`)
		.join('\n');
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}
