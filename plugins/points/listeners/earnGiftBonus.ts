import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickGiftedSubscriptionsEvent } from '#core';
import { earnGiftBonus } from '../lib/earning.js';

/** Gifted Kick subs: `points_gift_bonus` per sub to the gifter, once per Kick event. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.GiftedSubscriptions })
export class EarnGiftBonusListener extends Listener<typeof KickListenerEvents.GiftedSubscriptions> {
	public override async run(event: KickGiftedSubscriptionsEvent, context: GuildContext): Promise<void> {
		await earnGiftBonus(context, event);
	}
}
