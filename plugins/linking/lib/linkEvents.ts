import type { Client } from 'discord.js';
import type { GuildContext } from '#core';
import type { LinkedRoleOutcome } from './linkedRole.js';

/** A member's link changed in one server: what other plugins (roles) hear, with that server's context. */
export interface KickLinkChange {
	readonly memberId: string;
	readonly kickName: string;
	/** The linked role after the change: whether it is where it should be (given after a link, taken after an unlink); null when none is set. */
	readonly linkedRole: { readonly roleId: string; readonly settled: boolean } | null;
}

/** The client events a link change becomes: `run(change, context)` in a listener. */
export const LinkEvents = { Linked: 'kickAccountLinked', Unlinked: 'kickAccountUnlinked' } as const;

declare module 'discord.js' {
	interface ClientEvents {
		kickAccountLinked: [change: KickLinkChange, context: GuildContext];
		kickAccountUnlinked: [change: KickLinkChange, context: GuildContext];
	}
}

/** Tells the listeners of other plugins about a link change (they run on their own; their failures are theirs). */
export function announceLinkChange(client: Client, event: (typeof LinkEvents)[keyof typeof LinkEvents], change: KickLinkChange, context: GuildContext): void {
	client.emit(event, change, context);
}

/** The change as listeners hear it, from what the linked role's change did. */
export function linkChange(memberId: string, kickName: string, role: LinkedRoleOutcome): KickLinkChange {
	return {
		memberId,
		kickName,
		linkedRole: role.status === 'no role set' ? null : { roleId: role.roleId, settled: role.status === 'done' || role.status === 'unchanged' }
	};
}
