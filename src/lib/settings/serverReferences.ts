import { ChannelType, PermissionFlagsBits, type Guild } from 'discord.js';
import type { SettingValueCheck } from '#lib/settings/BotSettingsManager';
import type { DiscordReference } from '#lib/settings/SettingDefinition';

/** What a reference check needs to know about one server: its roles and channels, as the bot sees them. */
export interface ServerLookup {
	hasRole(id: string): boolean;
	channel(id: string): { readonly isText: boolean; readonly botCanPost: boolean } | undefined;
}

/** Why an id does not name what a setting needs in this server, or undefined when it does. */
export function findReferenceProblem(reference: DiscordReference, id: string, server: ServerLookup): string | undefined {
	if (reference === 'role') return server.hasRole(id) ? undefined : `this server has no role with the id ${id}`;
	const channel = server.channel(id);
	if (channel === undefined) return `this server has no channel with the id ${id}`;
	if (!channel.isText) return `<#${id}> is not a text channel`;
	if (!channel.botCanPost) return `the bot cannot post in <#${id}>: it needs View Channel and Send Messages there`;
	return undefined;
}

/** The roles and channels of a server the bot is in, from discord.js's cache (complete since the server's GUILD_CREATE). */
export function lookupIn(guild: Guild): ServerLookup {
	return {
		hasRole: (id) => guild.roles.cache.has(id),
		channel: (id) => {
			const channel = guild.channels.cache.get(id);
			if (channel === undefined) return undefined;
			const me = guild.members.me;
			return {
				isText: channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement,
				botCanPost: me !== null && channel.permissionsFor(me).has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages])
			};
		}
	};
}

/**
 * The check a command passes to `BotSettingsManager.set`: a role or channel setting must name one of
 * this server. `guild` is null when the bot is not in the server (an app a user installed): nothing can be checked then.
 */
export function checkReferencesIn(guild: Guild | null): SettingValueCheck {
	return (definition, value) => {
		if (definition.refersTo === undefined || typeof value !== 'string') return undefined;
		if (guild === null) return 'the bot is not in this server, so it cannot check that';
		return findReferenceProblem(definition.refersTo, value, lookupIn(guild));
	};
}
