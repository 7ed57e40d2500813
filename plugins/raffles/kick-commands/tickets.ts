import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { answerChatTickets } from '../lib/raffleAnswers.js';

/** !tickets [name]: the chatter's raffle tickets and chance here, or the named viewer's. */
@ApplyOptions<KickCommand.Options>({
	description: 'Shows your raffle tickets and chance, or the named viewer’s.',
	userCooldownSeconds: 15,
	commandCooldownSeconds: 3
})
export class TicketsChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		if (args.tokens.length > 1) return;
		const answer = await answerChatTickets(context, message.event.sender, args.pick(0) ?? null, false);
		if (answer !== null) await message.reply(answer);
	}
}
