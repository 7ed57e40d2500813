import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickNewSubscriptionEvent } from '#core';
import { earnSubBonus } from '../lib/earning.js';

/** A new Kick sub: `points_sub_bonus` to the subscriber, once per Kick event. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.NewSubscription })
export class EarnSubBonusListener extends Listener<typeof KickListenerEvents.NewSubscription> {
	public override async run(event: KickNewSubscriptionEvent, context: GuildContext): Promise<void> {
		await earnSubBonus(context, event);
	}
}
