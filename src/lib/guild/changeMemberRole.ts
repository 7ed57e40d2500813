import { DiscordAPIError, PermissionFlagsBits, RESTJSONErrorCodes, type Guild, type GuildMember, type Role } from 'discord.js';

/** A role to give one of the server's members, or to take from them. */
export interface MemberRoleChange {
	readonly memberId: string;
	readonly roleId: string;
	readonly action: 'grant' | 'revoke';
	/** Shown in the server's audit log. */
	readonly reason: string;
}

/** Why a role change could not be made; none of these goes away by trying again, so nothing retries it. */
export type RoleChangeProblem = 'server not here' | 'no such role' | 'everyone role' | 'role too high' | 'managed role' | 'no permission' | 'no such member';

/** What stops the bot from giving or taking a role in a server, whoever the member: a refusal's problem and its sentence. */
export type RoleProblem = Extract<RoleChangeOutcome, { readonly status: 'refused' }>;

/**
 * What a role change did: `done` (Discord made it), `unchanged` (the member already had it, or
 * did not), `refused` with the problem and a sentence for the server's moderators, or `failed`
 * (Discord could not be asked, or answered otherwise; a later change may work).
 */
export type RoleChangeOutcome =
	| { readonly status: 'done' | 'unchanged' }
	| { readonly status: 'refused'; readonly problem: RoleChangeProblem; readonly explanation: string }
	| { readonly status: 'failed'; readonly explanation: string };

/**
 * Gives or takes one role of `guild` from one of its members, through that guild only (so it
 * cannot touch another server). What Discord would refuse is found out first, from the bot's
 * cache where it can be, and told in words: a role above the bot's highest one, a role an
 * integration manages, Manage Roles missing, a role or member that is gone. The member's roles
 * are read from Discord (one request), then the change made only when needed (a second one).
 */
export async function changeMemberRole(guild: Guild | null, change: MemberRoleChange): Promise<RoleChangeOutcome> {
	const found = await manageableRole(guild, change.roleId);
	if ('status' in found) return found;
	const { role } = found;
	let member: GuildMember;
	try {
		// Read from Discord, not the cache: without the GuildMembers intent no event tells the bot of roles changed since it cached the member.
		member = await role.guild.members.fetch({ user: change.memberId, force: true });
	} catch (error) {
		if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMember)
			return refused('no such member', 'That member is not in this server.');
		return failed(error);
	}
	const has = member.roles.cache.has(role.id);
	if (has === (change.action === 'grant')) return { status: 'unchanged' };
	try {
		if (change.action === 'grant') await member.roles.add(role, change.reason);
		else await member.roles.remove(role, change.reason);
		return { status: 'done' };
	} catch (error) {
		// The bot's roles or permissions changed since the cache was read.
		if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.MissingPermissions) return refused('role too high', tooHigh(role));
		return failed(error);
	}
}

/**
 * What would stop the bot from giving or taking a role of `guild` from anyone, read from the
 * bot's cache without asking Discord (only its own member, when not cached): null when nothing would.
 */
export async function roleProblem(guild: Guild | null, roleId: string): Promise<RoleProblem | null> {
	const found = await manageableRole(guild, roleId);
	return 'status' in found && found.status === 'refused' ? found : null;
}

/** The role when the bot may manage it, else why not (`failed` when the bot could not read its own roles). */
async function manageableRole(guild: Guild | null, roleId: string): Promise<{ readonly role: Role } | RoleChangeOutcome> {
	if (guild === null) return refused('server not here', 'The bot is not in this server, so its roles were not changed.');
	const role = guild.roles.cache.get(roleId);
	if (role === undefined) {
		return refused('no such role', `The role set for this (id ${roleId}) does not exist in this server any more; a moderator sets another one.`);
	}
	// Discord refuses to add or remove @everyone: every member has it.
	if (role.id === guild.id) return refused('everyone role', 'Every member has @everyone; the bot cannot give or take it. A moderator sets another role.');
	const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => null));
	if (me === null) return { status: 'failed', explanation: 'The bot could not read its own roles in this server just now.' };
	return whyUnmanageable(role, me) ?? { role };
}

function whyUnmanageable(role: Role, me: GuildMember): RoleChangeOutcome | null {
	if (!me.permissions.has(PermissionFlagsBits.ManageRoles)) {
		return refused('no permission', 'The bot lacks the Manage Roles permission in this server; a server admin gives it to the bot’s role.');
	}
	if (role.managed)
		return refused('managed role', `The role @${role.name} belongs to an integration (a bot or a subscription), so no bot can give or take it.`);
	if (me.roles.highest.comparePositionTo(role) <= 0) return refused('role too high', tooHigh(role));
	return null;
}

function tooHigh(role: Role): string {
	return `The bot cannot give or take @${role.name}: it is not below the bot’s highest role. A server admin moves the bot’s role above it (Server Settings → Roles).`;
}

function refused(problem: RoleChangeProblem, explanation: string): RoleProblem {
	return { status: 'refused', problem, explanation };
}

function failed(error: unknown): RoleChangeOutcome {
	return { status: 'failed', explanation: `Discord did not make the role change (${error instanceof Error ? error.message : String(error)}).` };
}
