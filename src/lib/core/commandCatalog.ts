import { sep } from 'node:path';
import { container, type Piece } from '@sapphire/framework';
import type { KickCommandAccess } from '#lib/kick/commands/KickCommand';

/** A Discord command as /help shows it. */
export interface DiscordCommandSummary {
	/** The plugin it comes from ('core' for the core's own). */
	readonly plugin: string;
	readonly name: string;
	readonly description: string;
	readonly moderatorsOnly: boolean;
	readonly subcommands: readonly string[];
}

/** A Kick chat command as !help shows it. */
export interface KickCommandSummary {
	readonly plugin: string;
	readonly name: string;
	readonly description: string;
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
	return [...container.stores.get('commands').values()].map((command) => ({
		plugin: pluginOfPiece(command),
		name: command.name,
		description: command.description,
		moderatorsOnly: 'moderatorsOnly' in command && command.moderatorsOnly === true,
		subcommands: 'guildSubcommands' in command ? (command.guildSubcommands as readonly { name: string }[]).map((subcommand) => subcommand.name) : []
	}));
}

/** Every Kick chat command loaded here. */
export function kickCommands(): KickCommandSummary[] {
	return [...container.stores.get('kick-commands').values()].map((command) => ({
		plugin: pluginOfPiece(command),
		name: command.name,
		description: command.description,
		access: command.access
	}));
}

/** Commands by plugin: the core's first, then plugins by name; commands by name within each. */
export function groupByPlugin<Command extends { readonly plugin: string; readonly name: string }>(commands: readonly Command[]): [plugin: string, commands: Command[]][] {
	const groups = new Map<string, Command[]>();
	for (const command of [...commands].sort((a, b) => a.name.localeCompare(b.name))) groups.set(command.plugin, [...(groups.get(command.plugin) ?? []), command]);
	return [...groups].sort(([a], [b]) => (a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)));
}
