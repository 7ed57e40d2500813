import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickNewSubscriptionEvent } from '#core';
import { recordSubscriptions } from '../lib/recordSubscriptions.js';

/** A new Kick subscription: recorded, and the subscriber's roles here (if linked) given at once. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.NewSubscription })
export class RecordNewSubscriptionListener extends Listener<typeof KickListenerEvents.NewSubscription> {
	public override async run(event: KickNewSubscriptionEvent, context: GuildContext): Promise<void> {
		await recordSubscriptions(context, { subscribers: [event.subscriber], expiresAt: event.expiresAt, at: event.at }, new Date());
	}
}
