import { groupByPlugin, mayUse, type ChatterAccess, type KickCommandSummary } from '#core';

/** Kick's limit for one chat message: the whole help stays one message. */
const KICK_MESSAGE_LIMIT = 500;

/**
 * !help: the chat commands this chatter may use, a line per plugin (`plugin: !a (what it does), !b (…)`).
 * When that would not fit one Kick message, each plugin lists its command names only, and
 * `!help <command>` tells what one does.
 */
export function describeKickHelp(commands: readonly KickCommandSummary[], view: { readonly prefix: string; readonly access: ChatterAccess }): string {
	const groups = groupByPlugin(commands.filter((command) => mayUse(view.access, command.access)));
	if (groups.length === 0) return 'No chat commands here yet.';
	const detailed = groups
		.map(
			([plugin, group]) =>
				`${plugin}: ${group.map((command) => `${view.prefix}${command.name} (${lowerFirst(command.description.replace(/\.$/, ''))})`).join(', ')}`
		)
		.join('\n');
	if ([...detailed].length <= KICK_MESSAGE_LIMIT) return detailed;
	const names = groups.map(([plugin, group]) => `${plugin}: ${group.map((command) => `${view.prefix}${command.name}`).join(' ')}`).join(' · ');
	return `${names} · ${view.prefix}help <command> says what one does`;
}

/** !help <command>: what one command does, with its other names. */
export function describeKickCommand(command: KickCommandSummary, view: { readonly prefix: string }): string {
	const aliases = command.aliases.length === 0 ? '' : ` (also ${command.aliases.map((alias) => `${view.prefix}${alias}`).join(', ')})`;
	return `${view.prefix}${command.name}${aliases}: ${command.description}`;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}
