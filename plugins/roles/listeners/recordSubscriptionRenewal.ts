import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickSubscriptionRenewalEvent } from '#core';
import { recordSubscriptions } from '../lib/recordSubscriptions.js';

/** A renewed Kick subscription: its new expiry recorded, and the subscriber's roles here (if linked) brought up to date. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.SubscriptionRenewal })
export class RecordSubscriptionRenewalListener extends Listener<typeof KickListenerEvents.SubscriptionRenewal> {
	public override async run(event: KickSubscriptionRenewalEvent, context: GuildContext): Promise<void> {
		await recordSubscriptions(context, { subscribers: [event.subscriber], expiresAt: event.expiresAt, at: event.at }, new Date());
	}
}
