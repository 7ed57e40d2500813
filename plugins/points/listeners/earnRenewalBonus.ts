import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickSubscriptionRenewalEvent } from '#core';
import { earnSubBonus } from '../lib/earning.js';

/** A renewed Kick sub: `points_renewal_bonus` to the subscriber, once per Kick event. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.SubscriptionRenewal })
export class EarnRenewalBonusListener extends Listener<typeof KickListenerEvents.SubscriptionRenewal> {
	public override async run(event: KickSubscriptionRenewalEvent, context: GuildContext): Promise<void> {
		await earnSubBonus(context, event);
	}
}
