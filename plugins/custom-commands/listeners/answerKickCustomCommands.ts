import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { cutText } from '@sapphire/utilities';
import { KICK_CHAT_MESSAGE_LIMIT, KickListenerEvents, type GuildContext, type KickChatMessageEvent } from '#core';
import { kickCallerLevel } from '../lib/callerLevel.js';
import { commandWordOf } from '../lib/commandWord.js';
import { customCommands } from '../lib/customCommandRunner.js';
import { runCustomCommand } from '../lib/runCustomCommand.js';

/** A chat message in the server's Kick channel that calls one of its custom commands: the answer goes to chat through the outbox, once per message. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.ChatMessage })
export class AnswerKickCustomCommandsListener extends Listener<typeof KickListenerEvents.ChatMessage> {
	public override async run(event: KickChatMessageEvent, context: GuildContext): Promise<void> {
		const line = commandWordOf(event.content, context.settings.get('prefix'));
		// Built-in chat commands answer their own words; a custom command never shadows them.
		if (line === null || this.container.stores.get('kick-commands').has(line.word) || context.isOwnKickMessage(event)) return;
		const { sender } = event;
		const outcome = await runCustomCommand(
			context,
			{
				via: 'kick',
				word: line.word,
				rest: line.rest,
				caller: { name: sender.username, userId: sender.userId, level: kickCallerLevel(sender.badges, sender.userId === event.broadcasterUserId) },
				viewer: { kickName: sender.username, kickUserId: sender.userId, discordUserId: null },
				now: event.at.getTime()
			},
			customCommands
		);
		if (outcome.kind !== 'answer') return;
		// Keyed by the chat message: the same event handed over again answers nothing more.
		await context.sayInKickChat(cutText(outcome.text, KICK_CHAT_MESSAGE_LIMIT), {
			key: `custom-command:${event.messageId}`,
			replyTo: event.messageId,
			about: event.at
		});
	}
}
