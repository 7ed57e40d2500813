import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { answerChatTickets } from '../lib/raffleAnswers.js';

/** !raffle: the raffle's status and the chatter's chance. */
@ApplyOptions<KickCommand.Options>({ description: 'Shows the raffle and your chance.', userCooldownSeconds: 15, commandCooldownSeconds: 3 })
export class RaffleChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, _args: KickCommand.Args, context: GuildContext): Promise<void> {
		const answer = await answerChatTickets(context, message.event.sender, null, true);
		if (answer !== null) await message.reply(answer);
	}
}
