import type { KickUser } from '#core';
import { syncRoles, type SyncContext } from './syncRoles.js';

/** When a subscription whose event names no end ends: a calendar month after the event (Kick subscriptions are monthly). */
export function subscriptionEnd(expiresAt: Date | null, at: Date): Date {
	if (expiresAt !== null) return expiresAt;
	const end = new Date(at);
	end.setUTCMonth(end.getUTCMonth() + 1);
	return end;
}

/**
 * A sub, renewal or gift event: records each subscriber's subscription (the latest expiry kept, so
 * a replayed event changes nothing), then brings the roles of those linked in this server up to date.
 */
export async function recordSubscriptions(
	context: SyncContext,
	event: { readonly subscribers: readonly KickUser[]; readonly expiresAt: Date | null; readonly at: Date },
	now: Date
): Promise<void> {
	const expiresAt = subscriptionEnd(event.expiresAt, event.at);
	await context.db.kickSubscriptions.record(
		event.subscribers.map((subscriber) => ({ kickUserId: subscriber.userId, kickUsername: subscriber.username, expiresAt, at: event.at }))
	);
	for (const subscriber of event.subscribers) {
		const link = await context.db.links.ofKickAccount({ name: subscriber.username, userId: BigInt(subscriber.userId) });
		if (link !== null) await syncRoles(context, { now, memberId: link.discordId.toString() });
	}
}
