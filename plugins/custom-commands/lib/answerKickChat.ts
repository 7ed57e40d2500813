import { cutText } from '@sapphire/utilities';
import { KICK_CHAT_MESSAGE_LIMIT, type GuildContext, type KickChatMessageEvent } from '#core';
import { kickCallerLevel } from './callerLevel.js';
import { commandWordOf } from './commandWord.js';
import { runCustomCommand, type CustomCommandOutcome, type CustomCommandRunner } from './runCustomCommand.js';

/**
 * A chat message of the server's Kick channel, if it calls one of the server's custom commands:
 * the answer is queued for chat through the outbox, keyed by the message (handed over again, it
 * answers nothing more). Words of built-in chat commands are theirs (`isBuiltIn`), never a custom command's.
 * @returns null at once for a message that calls no custom command (most chat: no promise made for it).
 */
export function answerKickChat(
	context: GuildContext,
	event: KickChatMessageEvent,
	runner: CustomCommandRunner,
	isBuiltIn: (word: string) => boolean
): Promise<CustomCommandOutcome> | null {
	const line = commandWordOf(event.content, context.settings.get('prefix'));
	if (line === null || isBuiltIn(line.word) || context.isOwnKickMessage(event)) return null;
	return answerCall(context, event, line, runner);
}

async function answerCall(
	context: GuildContext,
	event: KickChatMessageEvent,
	line: { readonly word: string; readonly rest: string },
	runner: CustomCommandRunner
): Promise<CustomCommandOutcome> {
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
		runner
	);
	if (outcome.kind === 'answer')
		await context.sayInKickChat(cutText(outcome.text, KICK_CHAT_MESSAGE_LIMIT), {
			key: `custom-command:${event.messageId}`,
			replyTo: event.messageId,
			about: event.at
		});
	return outcome;
}
