import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickChatMessageEvent } from '#core';
import { chatLines } from '../lib/processChatLines.js';

/** A chat line in the server's Kick chat counts toward the timers' minimum (no I/O here; the flusher adds it in Redis); the bot's own posts do not. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.ChatMessage })
export class CountChatLinesListener extends Listener<typeof KickListenerEvents.ChatMessage> {
	public override run(event: KickChatMessageEvent, context: GuildContext): void {
		if (!context.isOwnKickMessage(event)) chatLines.record(context);
	}
}
