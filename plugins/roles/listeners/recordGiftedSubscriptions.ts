import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickGiftedSubscriptionsEvent } from '#core';
import { recordSubscriptions } from '../lib/recordSubscriptions.js';

/** Gifted Kick subscriptions: each recipient's subscription recorded, and the roles here of those linked given at once. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.GiftedSubscriptions })
export class RecordGiftedSubscriptionsListener extends Listener<typeof KickListenerEvents.GiftedSubscriptions> {
	public override async run(event: KickGiftedSubscriptionsEvent, context: GuildContext): Promise<void> {
		await recordSubscriptions(context, { subscribers: event.giftees, expiresAt: event.expiresAt, at: event.at }, new Date());
	}
}
