import { groupByPlugin, type DiscordCommandSummary } from '#core';

/** One embed field per plugin: its commands this member may use, one line each, in both forms. */
export function describeDiscordHelp(commands: readonly DiscordCommandSummary[], view: { readonly prefix: string; readonly moderator: boolean }): { name: string; value: string }[] {
	const usable = commands.filter((command) => view.moderator || !command.moderatorsOnly);
	return groupByPlugin(usable).map(([plugin, group]) => ({
		name: plugin,
		value: group
			.map((command) => {
				const subcommands = command.subcommands.length === 0 ? '' : ` (${command.subcommands.join(', ')})`;
				return `\`/${command.name}\` · \`${view.prefix}${command.name}\`${subcommands}: ${command.description}`;
			})
			.join('\n')
	}));
}
