import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { answerChatWatchtime } from '../lib/chatWatchtime.js';

/** !watchtime [name]: the chatter's watch time here, or that of the named Kick account. */
@ApplyOptions<KickCommand.Options>({
	description: 'Shows your watch time here, or that of the named viewer.',
	userCooldownSeconds: 15,
	commandCooldownSeconds: 3
})
export class WatchtimeChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const answer = await answerChatWatchtime(context, message.event.sender, args);
		if (answer !== null) await message.reply(answer);
	}
}
