import type { GuildContext, KickChatMessageEvent } from '#core';
import type { ChatPresence, PresenceContext } from './ChatPresence.js';

/**
 * A chat message makes its sender present in the server, unless the bot sent it. A message handed
 * over late (a retry, another process) counts from when it was sent, and never from the future.
 */
export function recordChatMessage(
	presence: ChatPresence,
	context: PresenceContext & Pick<GuildContext, 'isOwnKickMessage'>,
	event: KickChatMessageEvent,
	now: number
): void {
	if (context.isOwnKickMessage(event)) return;
	presence.record(context, event.sender.userId, event.sender.username, Math.min(event.at.getTime(), now));
}
