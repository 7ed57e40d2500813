import type { GrantKind, RoleGrant } from './RoleGrantsRepository.js';
import type { RoleTier } from './RoleTiersRepository.js';

/** The roles a server gives, as its settings and tiers say. */
export interface RoleConfig {
	/** `kick_linked_role_id` (the linking plugin's setting). */
	readonly linkedRoleId: string | null;
	/** `kick_subscriber_role_id`. */
	readonly subscriberRoleId: string | null;
	readonly tiers: readonly RoleTier[];
	/** `roles_remove_unqualified`: tier roles are taken back from members below their threshold. */
	readonly removeUnqualified: boolean;
}

/** A linked member as a sync sees them: their watch time and whether their Kick account has an unexpired subscription. */
export interface LinkedMember {
	readonly memberId: string;
	readonly minutes: number;
	readonly subscribed: boolean;
}

/** One role change a sync makes, and why the role is given (or was). */
export interface PlannedChange {
	readonly memberId: string;
	readonly roleId: string;
	readonly action: 'grant' | 'revoke';
	readonly kind: GrantKind;
}

/**
 * The roles a linked member qualifies for, each with why (a role given for several reasons counts
 * as the strongest: linked, then subscriber, then tier): the linked role, the subscriber role while
 * subscribed, and every tier role whose threshold their watch time reached.
 */
export function desiredRoles(member: LinkedMember, config: RoleConfig): Map<string, GrantKind> {
	const roles = new Map<string, GrantKind>();
	for (const tier of config.tiers) if (tier.roleId !== null && member.minutes >= tier.minutes) roles.set(tier.roleId, 'tier');
	if (member.subscribed && config.subscriberRoleId !== null) roles.set(config.subscriberRoleId, 'subscriber');
	if (config.linkedRoleId !== null) roles.set(config.linkedRoleId, 'linked');
	return roles;
}

/**
 * Whether a role the bot gave is taken back once the member no longer qualifies: the linked role
 * goes with the link and the subscriber role with the subscription; tier roles, and roles the
 * server no longer uses (a changed or unset setting), as `roles_remove_unqualified` says.
 */
export function isTakenBack(grant: Pick<RoleGrant, 'roleId' | 'kind'>, config: RoleConfig): boolean {
	if (grant.kind === 'linked' && grant.roleId === config.linkedRoleId) return true;
	if (grant.kind === 'subscriber' && grant.roleId === config.subscriberRoleId) return true;
	return config.removeUnqualified;
}

/**
 * The changes that bring a server's roles where they should be, diffed against what the bot gave
 * (`grants`), never against what members hold otherwise: a role the bot did not give is never
 * taken, and one it gave is not given again (see isTakenBack for what is taken back). `members` are the linked members, in the order their
 * changes come; members with grants who are no longer linked qualify for nothing (after them).
 */
export function planRoleChanges(input: {
	readonly config: RoleConfig;
	readonly members: readonly LinkedMember[];
	readonly grants: readonly RoleGrant[];
}): PlannedChange[] {
	const { config, members, grants } = input;
	const granted = new Map<string, RoleGrant[]>();
	for (const grant of grants) granted.set(grant.memberId, [...(granted.get(grant.memberId) ?? []), grant]);
	const linked = new Set(members.map((member) => member.memberId));
	const unlinked = [...granted.keys()].filter((memberId) => !linked.has(memberId)).sort(compareIds);
	const changes: PlannedChange[] = [];
	const plan = (memberId: string, desired: ReadonlyMap<string, GrantKind>) => {
		const held = granted.get(memberId) ?? [];
		const heldRoles = new Set(held.map((grant) => grant.roleId));
		for (const [roleId, kind] of desired) if (!heldRoles.has(roleId)) changes.push({ memberId, roleId, action: 'grant', kind });
		for (const grant of held)
			if (!desired.has(grant.roleId) && isTakenBack(grant, config)) changes.push({ memberId, roleId: grant.roleId, action: 'revoke', kind: grant.kind });
	};
	for (const member of members) plan(member.memberId, desiredRoles(member, config));
	for (const memberId of unlinked) plan(memberId, new Map());
	return changes;
}

/** How many linked members qualify for each role the server gives. */
export function qualifyingCounts(members: readonly LinkedMember[], config: RoleConfig): Map<string, number> {
	const counts = new Map<string, number>();
	for (const member of members) for (const roleId of desiredRoles(member, config).keys()) counts.set(roleId, (counts.get(roleId) ?? 0) + 1);
	return counts;
}

/** Every role the server's settings and tiers give. */
export function configuredRoles(config: RoleConfig): string[] {
	const roles = [config.linkedRoleId, config.subscriberRoleId, ...config.tiers.map((tier) => tier.roleId)];
	return [...new Set(roles.filter((roleId) => roleId !== null))];
}

/** Discord ids in numeric order. */
export function compareIds(a: string, b: string): number {
	return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
