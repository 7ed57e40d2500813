import { PermissionFlagsBits, type GuildMember, type PermissionsBitField } from 'discord.js';

/** A member as an interaction or message carries it: a cached member, or the raw one of an interaction. */
export interface MemberFacts {
	/** The member's permissions in the server the command runs in. */
	readonly permissions: Readonly<PermissionsBitField> | null;
	readonly member: GuildMember | { readonly roles: readonly string[] } | null;
}

/**
 * Moderator means Manage Server, or the server's `moderator_role_id`, both in the server where
 * the command runs: the facts come from that server's interaction or message, never another's.
 */
export function isModerator(facts: MemberFacts, moderatorRoleId: string | null): boolean {
	if (facts.permissions?.has(PermissionFlagsBits.ManageGuild) === true) return true;
	if (moderatorRoleId === null || facts.member === null) return false;
	const roles = facts.member.roles;
	return Array.isArray(roles) ? roles.includes(moderatorRoleId) : (roles as GuildMember['roles']).cache.has(moderatorRoleId);
}
