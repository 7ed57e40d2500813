import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { answerChatPoints } from '../lib/chatPoints.js';

/** !points [name]: the chatter's points here, or those of the named Kick account. */
@ApplyOptions<KickCommand.Options>({
	description: 'Shows your points here, or those of the named viewer.',
	userCooldownSeconds: 15,
	commandCooldownSeconds: 3
})
export class PointsChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const answer = await answerChatPoints(context, message.event.sender, args);
		if (answer !== null) await message.reply(answer);
	}
}
