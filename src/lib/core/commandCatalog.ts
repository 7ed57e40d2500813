import { sep } from 'node:path';
import { container, type Piece } from '@sapphire/framework';
import { GuildCommand, subcommandPath, type GuildContextMenu } from '#lib/commands/GuildCommand';
import type { KickCommandAccess } from '#lib/kick/commands/KickCommand';

/** A Discord command as /help shows it. */
export interface DiscordCommandSummary {
	/** The plugin it comes from ('core' for the core's own). */
	readonly plugin: string;
	readonly name: string;
	readonly description: string;
	readonly moderatorsOnly: boolean;
	/** How each subcommand is called after the name: `add`, or `tiers set` in a group. */
	readonly subcommands: readonly string[];
	/** Each way to call it, without the slash or prefix: `quote add <text>`, with what it does. */
	readonly usages: readonly { readonly usage: string; readonly description: string }[];
	/** Its Apps → … menus on a member or a message. */
	readonly contextMenus: readonly Pick<GuildContextMenu, 'type' | 'name' | 'description'>[];
}

/** A Kick chat command as !help shows it. */
export interface KickCommandSummary {
	readonly plugin: string;
	readonly name: string;
	readonly description: string;
	readonly aliases: readonly string[];
	readonly access: KickCommandAccess;
}

/** The plugin a loaded piece comes from: the plugin whose folder holds its file, else the core. */
export function pluginOfPiece(piece: Piece): string {
	const root = piece.location.root;
	// No catalog outside the bot (a test that loads pieces by hand): everything is the core's then.
	const plugins = (container.plugins as typeof container.plugins | undefined)?.enabled ?? [];
	return plugins.find((plugin) => root.startsWith(`${plugin.directory}${sep}`))?.manifest.name ?? 'core';
}

/** Every Discord command loaded here, from the core and the plugins that are on. */
export function discordCommands(): DiscordCommandSummary[] {
	return [...container.stores.get('commands').values()].map((command) => {
		const guildCommand = command instanceof GuildCommand ? command : null;
		const subcommands = guildCommand?.guildSubcommands ?? [];
		return {
			plugin: pluginOfPiece(command),
			name: command.name,
			description: command.description,
			moderatorsOnly: guildCommand?.moderatorsOnly ?? false,
			subcommands: subcommands.map(subcommandPath),
			usages:
				guildCommand === null
					? [{ usage: command.name, description: command.description }]
					: subcommands.length === 0
						? [{ usage: guildCommand.usage(''), description: command.description }]
						: subcommands.map((subcommand) => ({ usage: guildCommand.usage('', subcommand), description: subcommand.description })),
			contextMenus: (guildCommand?.contextMenus ?? []).map(({ type, name, description }) => ({ type, name, description }))
		};
	});
}

/** Every Kick chat command loaded here. */
export function kickCommands(): KickCommandSummary[] {
	return [...container.stores.get('kick-commands').values()].map((command) => ({
		plugin: pluginOfPiece(command),
		name: command.name,
		description: command.description,
		aliases: command.aliases,
		access: command.access
	}));
}

/** Commands by plugin: the core's first, then plugins by name; commands by name within each. */
export function groupByPlugin<Command extends { readonly plugin: string; readonly name: string }>(
	commands: readonly Command[]
): [plugin: string, commands: Command[]][] {
	const groups = new Map<string, Command[]>();
	for (const command of [...commands].sort((a, b) => a.name.localeCompare(b.name)))
		groups.set(command.plugin, [...(groups.get(command.plugin) ?? []), command]);
	return [...groups].sort(([a], [b]) => (a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)));
}

/**
 * The command a member asked about in `/help <command>` or `!help <command>`: typed with or
 * without `/` or the prefix, in any case; a Kick command also by an alias.
 */
export function commandNamed<Command extends { readonly name: string; readonly aliases?: readonly string[] }>(
	commands: readonly Command[],
	asked: string,
	prefix: string
): Command | undefined {
	let word = asked.trim().split(/\s+/)[0] ?? '';
	if (word.startsWith(prefix)) word = word.slice(prefix.length);
	else if (word.startsWith('/')) word = word.slice(1);
	const name = word.toLowerCase();
	return commands.find((command) => command.name.toLowerCase() === name || (command.aliases ?? []).some((alias) => alias.toLowerCase() === name));
}
