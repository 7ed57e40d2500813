import type { GuildContext, RoleChangeOutcome } from '#core';

/** What became of the server's linked role for one member: nothing to do (no role set), or the role change's outcome. */
export type LinkedRoleOutcome = { readonly status: 'no role set' } | (RoleChangeOutcome & { readonly roleId: string });

/**
 * Gives the server's `kick_linked_role_id` to a member who linked, or takes it from one who
 * unlinked, through the server's own context. Tried once: a role the bot cannot manage is
 * reported (see describeLinkedRole), never retried.
 */
export async function changeLinkedRole(
	context: Pick<GuildContext, 'settings' | 'changeMemberRole'>,
	memberId: string,
	action: 'grant' | 'revoke',
	reason: string
): Promise<LinkedRoleOutcome> {
	const roleId = context.settings.get('kick_linked_role_id');
	if (roleId === null) return { status: 'no role set' };
	return { ...(await context.changeMemberRole({ memberId, roleId, action, reason })), roleId };
}

/** Who is told about the linked role, and how the role is written there (a mention in Discord, its name on a web page). */
export interface LinkedRoleAudience {
	/** "you", or the member's mention. */
	readonly who: string;
	/** The role after "The linked role", with its leading space: ` <@&id>` in Discord, ` @name` on a web page. */
	readonly role: (roleId: string) => string;
	/** Moderators fix a role the bot cannot manage themselves; a member is asked to tell them. */
	readonly moderators: boolean;
}

/** One sentence about the linked role, or null when there is nothing to say (no role set, or the member already had it as it should be). */
export function describeLinkedRole(outcome: LinkedRoleOutcome, action: 'grant' | 'revoke', audience: LinkedRoleAudience): string | null {
	const what = action === 'grant' ? 'given' : 'taken back';
	switch (outcome.status) {
		case 'no role set':
		case 'unchanged':
			return null;
		case 'done':
			return `The linked role${audience.role(outcome.roleId)} was ${what}${action === 'grant' ? ' to' : ' from'} ${audience.who}.`;
		case 'refused':
			// A member who left has no role to take: nothing to fix.
			if (outcome.problem === 'no such member' && action === 'revoke') return null;
			return `The linked role was not ${what}: ${outcome.explanation}${audience.moderators ? '' : ' Tell the server’s moderators.'}`;
		case 'failed':
			return `The linked role was not ${what}: ${outcome.explanation}${audience.moderators ? ' Give or take it by hand.' : ' Tell the server’s moderators.'}`;
	}
}
