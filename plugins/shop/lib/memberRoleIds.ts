import type { APIInteractionGuildMember, GuildMember } from 'discord.js';

/**
 * The role ids of the member who pressed, submitted or called, in this server (for items only some
 * roles may buy), from the interaction or message itself: a server's members are not all cached.
 */
export function roleIdsOf(source: { readonly member: GuildMember | APIInteractionGuildMember | null }): string[] {
	const member = source.member;
	if (member === null) return [];
	return Array.isArray(member.roles) ? [...member.roles] : [...(member as GuildMember).roles.cache.keys()];
}
