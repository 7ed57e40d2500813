import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { answerChatShop } from '../lib/chatShop.js';

/** !shop: the items for sale, in one chat line. */
@ApplyOptions<KickCommand.Options>({ description: 'Lists the point shop’s items.', userCooldownSeconds: 15, commandCooldownSeconds: 5 })
export class ShopChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, _args: KickCommand.Args, context: GuildContext): Promise<void> {
		await message.reply(await answerChatShop(context));
	}
}
