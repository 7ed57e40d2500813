import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { KickListenerEvents, type GuildContext, type KickChatMessageEvent } from '#core';
import { answerKickChat } from '../lib/answerKickChat.js';
import { customCommands } from '../lib/customCommandRunner.js';

/** A chat message in the server's Kick channel that calls one of its custom commands: answered in chat through the outbox, once per message. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.ChatMessage })
export class AnswerKickCustomCommandsListener extends Listener<typeof KickListenerEvents.ChatMessage> {
	private readonly kickCommands = this.container.stores.get('kick-commands');

	public override async run(event: KickChatMessageEvent, context: GuildContext): Promise<void> {
		await answerKickChat(context, event, customCommands, (word) => this.kickCommands.has(word));
	}
}
