import type { GuildContext, KickGiftedSubscriptionsEvent, KickNewSubscriptionEvent, KickSubscriptionRenewalEvent } from '#core';
import { MAX_POINTS_CHANGE } from './UserPointsRepository.js';

type EarningContext = Pick<GuildContext, 'db' | 'settings'>;

/** One watch-time minute counted for the server: `points_per_5min` for each 5 new minutes, the sub multiplier for subscribers, once per minute. */
export async function earnWatchMinute(context: EarningContext, tickAt: Date): Promise<{ counted: boolean; viewers: number; paid: number }> {
	return context.db.points.countWatchMinute(tickAt, context.settings.get('points_per_5min'), context.settings.get('points_sub_multiplier'));
}

/** A new sub or a renewal: its bonus to the subscriber, once per Kick event in this server. Returns the points given. */
export async function earnSubBonus(context: EarningContext, event: KickNewSubscriptionEvent | KickSubscriptionRenewalEvent): Promise<number> {
	const renewal = event.type === 'channel.subscription.renewal';
	const bonus = context.settings.get(renewal ? 'points_renewal_bonus' : 'points_sub_bonus');
	if (bonus === 0) return 0;
	const outcome = await context.db.points.credit(event.subscriber.username, {
		amount: bonus,
		source: renewal ? 'renewal' : 'sub',
		reason: renewal ? 'Renewed the sub' : 'New sub',
		eventKey: `kick:${event.eventKey}`
	});
	return outcome.status === 'credited' ? bonus : 0;
}

/** Gifted subs: `points_gift_bonus` per sub to the gifter, once per Kick event in this server; an anonymous gift earns nothing. */
export async function earnGiftBonus(context: EarningContext, event: KickGiftedSubscriptionsEvent): Promise<number> {
	const perSub = context.settings.get('points_gift_bonus');
	const subs = event.giftees.length;
	if (event.gifter === null || subs === 0 || perSub === 0) return 0;
	const amount = Math.min(perSub * subs, MAX_POINTS_CHANGE);
	const outcome = await context.db.points.credit(event.gifter.username, {
		amount,
		source: 'gift',
		reason: `Gifted ${subs} sub${subs === 1 ? '' : 's'}`,
		eventKey: `kick:${event.eventKey}`
	});
	return outcome.status === 'credited' ? amount : 0;
}
