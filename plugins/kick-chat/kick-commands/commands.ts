import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand } from '#lib/kick/commands/KickCommand';
import { accessOfSender, mayUse } from '#lib/kick/commands/dispatchKickCommand';
import { listChatCommands } from '#plugins/kick-chat/lib/listChatCommands';

/** !commands: the chat commands this chatter may use in this server. */
@ApplyOptions<KickCommand.Options>({ description: 'Lists the chat commands of this channel.', aliases: ['help'], userCooldownSeconds: 30, commandCooldownSeconds: 5 })
export class CommandsCommand extends KickCommand {
	public override async run(message: KickCommand.Message): Promise<void> {
		const access = accessOfSender(message.event);
		const usable = [...this.store.values()].filter((command) => mayUse(access, command.access)).map((command) => command.name);
		await message.reply(listChatCommands(message.context.settings.get('prefix'), usable.sort()));
	}
}
