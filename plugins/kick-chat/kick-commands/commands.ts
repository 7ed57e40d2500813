import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand } from '#lib/kick/commands/KickCommand';
import { accessOfSender, mayUse } from '#lib/kick/commands/dispatchKickCommand';
import { listChatCommands } from '#plugins/kick-chat/lib/listChatCommands';

/** !commands: what this chatter can use in this server: built-in commands they may run, then the server's custom commands. */
@ApplyOptions<KickCommand.Options>({ description: 'Lists the chat commands of this channel.', aliases: ['help'], userCooldownSeconds: 30, commandCooldownSeconds: 5 })
export class CommandsCommand extends KickCommand {
	public override async run(message: KickCommand.Message): Promise<void> {
		const access = accessOfSender(message.event);
		const builtIn = [...this.store.values()].filter((command) => mayUse(access, command.access)).map((command) => command.name);
		const custom = (await message.context.db.customCommands.list()).filter((command) => command.enabled).map((command) => command.name);
		await message.reply(listChatCommands(message.context.settings.get('prefix'), builtIn.sort(), custom.sort()));
	}
}
