import { ApplyOptions } from '@sapphire/decorators';
import { accessOfSender, KickCommand, mayUse, type GuildContext } from '#core';
import { listChatCommands } from '../lib/listChatCommands.js';

/** !commands: the chat commands this chatter may use in this server. */
@ApplyOptions<KickCommand.Options>({ description: 'Lists the chat commands of this channel.', aliases: ['help'], userCooldownSeconds: 30, commandCooldownSeconds: 5 })
export class CommandsCommand extends KickCommand {
	public override async run(message: KickCommand.Message, _args: KickCommand.Args, context: GuildContext): Promise<void> {
		const access = accessOfSender(message.event);
		const usable = [...this.store.values()].filter((command) => mayUse(access, command.access)).map((command) => command.name);
		await message.reply(listChatCommands(context.settings.get('prefix'), usable.sort()));
	}
}
