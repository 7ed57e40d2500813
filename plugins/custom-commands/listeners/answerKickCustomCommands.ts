import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickChatMessageEvent } from '#core';
import { answerKickChat } from '../lib/answerKickChat.js';
import { customCommands } from '../lib/customCommandRunner.js';

/** A chat message in the server's Kick channel that calls one of its custom commands: answered in chat through the outbox, once per message. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.ChatMessage })
export class AnswerKickCustomCommandsListener extends Listener<typeof KickListenerEvents.ChatMessage> {
	private readonly kickCommands = this.container.stores.get('kick-commands');

	private readonly isBuiltIn = (word: string): boolean => this.kickCommands.has(word);

	/** Undefined for a message that calls no custom command: nothing for the router to wait for. */
	public override run(event: KickChatMessageEvent, context: GuildContext): Promise<unknown> | undefined {
		return answerKickChat(context, event, customCommands, this.isBuiltIn) ?? undefined;
	}
}
