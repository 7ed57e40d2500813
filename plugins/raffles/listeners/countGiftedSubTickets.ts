import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickGiftedSubscriptionsEvent } from '#core';
import { countGiftedSubs } from '../lib/sources.js';

/** Gifted Kick subscriptions: `gifted_sub_tickets` per sub to the gifter, in the active period, once per Kick event. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.GiftedSubscriptions })
export class CountGiftedSubTicketsListener extends Listener<typeof KickListenerEvents.GiftedSubscriptions> {
	public override async run(event: KickGiftedSubscriptionsEvent, context: GuildContext): Promise<void> {
		await countGiftedSubs(context, event);
	}
}
