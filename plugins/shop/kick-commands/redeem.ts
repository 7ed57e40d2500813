import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { answerChatRedeem } from '../lib/chatShop.js';

/** !redeem <item> [answer]: buys a shop item with the chatter's points in this server. */
@ApplyOptions<KickCommand.Options>({ description: 'Buys a point shop item: !redeem <item> [answer].', userCooldownSeconds: 5 })
export class RedeemChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		await message.reply(await answerChatRedeem(context, message.event.sender.username, args.rest(0)));
	}
}
