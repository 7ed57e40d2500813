import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickChatMessageEvent } from '#core';
import { chatPresence } from '../lib/processChatPresence.js';

/** A chat message in the server's Kick channel: its sender is present (no I/O here; the flusher pushes it to Redis). */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.ChatMessage })
export class RecordChatPresenceListener extends Listener<typeof KickListenerEvents.ChatMessage> {
	public override run(event: KickChatMessageEvent, context: GuildContext): void {
		if (context.isOwnKickMessage(event)) return;
		// A message handed over late (a retry, another process) counts from when it was sent, never from the future.
		chatPresence.record(context, event.sender.userId, event.sender.username, Math.min(event.at.getTime(), Date.now()));
	}
}
