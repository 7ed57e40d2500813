import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickChatMessageEvent } from '#core';
import { chatPresence } from '../lib/processChatPresence.js';
import { recordChatMessage } from '../lib/recordChatMessage.js';

/** A chat message in the server's Kick channel: its sender is present (no I/O here; the flusher pushes it to Redis). */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.ChatMessage })
export class RecordChatPresenceListener extends Listener<typeof KickListenerEvents.ChatMessage> {
	public override run(event: KickChatMessageEvent, context: GuildContext): void {
		recordChatMessage(chatPresence, context, event, Date.now());
	}
}
