import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickLiveStatusEvent } from '#core';
import { LIVE_KEY, LIVE_STATUS_TTL_MS } from '../lib/presence.js';

/** Kick said the stream went live or ended (the core hands over only news, not a late older status): every process's tick reads it from Redis. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.LiveStatus })
export class RecordLiveStatusListener extends Listener<typeof KickListenerEvents.LiveStatus> {
	public override async run(event: KickLiveStatusEvent, context: GuildContext): Promise<void> {
		await context.shared.set(LIVE_KEY, event.isLive ? 'live' : 'offline', { ttlMs: LIVE_STATUS_TTL_MS });
	}
}
