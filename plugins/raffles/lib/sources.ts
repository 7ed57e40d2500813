import { ConflictError, type GuildContext, type KickGiftedSubscriptionsEvent } from '#core';
import { participantOfKickName } from './tickets.js';

/** How far before a period's start a gift may be dated and still count in it. */
const OPENING_GRACE_MS = 60_000;

/**
 * Gifted subs: `gifted_sub_tickets` per gifted sub to the gifter, in the active period, once per
 * Kick event in this server (the event id is a unique key of the ticket log). An anonymous gift,
 * no active period, or a setting of 0 adds nothing.
 */
export async function countGiftedSubs(context: Pick<GuildContext, 'db' | 'settings'>, event: KickGiftedSubscriptionsEvent): Promise<number> {
	const perSub = context.settings.get('gifted_sub_tickets');
	if (event.gifter === null || event.giftees.length === 0 || perSub === 0) return 0;
	const period = await context.db.raffles.activePeriod();
	// Kick's times have whole seconds: a gift made as the period opened still counts in it.
	if (period === null || event.at.getTime() < period.startDate.getTime() - OPENING_GRACE_MS || event.at >= period.endDate) return 0;
	const participant = await participantOfKickName(context.db, event.gifter.username);
	const subs = event.giftees.length;
	try {
		const outcome = await context.db.raffles.changeTickets(period.id, {
			participant,
			source: 'gifted_sub',
			delta: perSub * subs,
			reason: `${subs} gifted sub${subs === 1 ? '' : 's'}`,
			kickEventId: event.eventKey
		});
		return outcome.applied;
	} catch (error) {
		// The period closed for a draw meanwhile: its tickets no longer change.
		if (error instanceof ConflictError) return 0;
		throw error;
	}
}

/** One watch-time minute counted for the server: linked members credited in it gain the minute, and tickets per whole hour. */
export async function countWatchMinute(context: Pick<GuildContext, 'db' | 'settings'>, tickAt: Date): Promise<void> {
	await context.db.raffles.countWatchMinute(tickAt, context.settings.get('watchtime_tickets_per_hour'));
}
