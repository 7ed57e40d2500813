import { ApplyOptions } from '@sapphire/decorators';
import { accessOfSender, KickCommand, type GuildContext } from '#core';
import { answerChatQuote, readChatQuoteCall } from '../lib/chatQuote.js';

/** !quote [number] for everyone; !quote add <text> for moderators and the broadcaster. */
@ApplyOptions<KickCommand.Options>({ description: 'Shows a random quote, or the one with that number.', userCooldownSeconds: 15, commandCooldownSeconds: 3 })
export class QuoteChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const chatter = { username: message.event.sender.username, access: accessOfSender(message.event) };
		const answer = await answerChatQuote(context.db.quotes, readChatQuoteCall(args), chatter, context.settings.get('prefix'));
		if (answer !== null) await message.reply(answer);
	}
}
