import { syncRoles, type SyncContext } from './syncRoles.js';

/** A link change as the linking plugin announces it (kickAccountLinked, kickAccountUnlinked): the member, and the linked role after it. */
export interface LinkChangeHeard {
	readonly memberId: string;
	readonly linkedRole: { readonly roleId: string; readonly settled: boolean } | null;
}

/**
 * A member linked or unlinked their Kick account: the linked role the linking plugin gave or took is
 * recorded as such (so no sync asks Discord again), then the member's other roles follow at once:
 * tiers and the subscriber role after a link; after an unlink, the subscriber role goes, and tiers
 * as `roles_remove_unqualified` says.
 */
export async function followLinkChange(context: SyncContext, change: LinkChangeHeard, linked: boolean, now: Date): Promise<void> {
	const { memberId, linkedRole } = change;
	if (linkedRole?.settled === true) {
		if (linked) await context.db.roleGrants.record({ memberId, roleId: linkedRole.roleId, kind: 'linked' });
		else await context.db.roleGrants.forget(memberId, linkedRole.roleId);
	}
	await syncRoles(context, { now, memberId });
}
