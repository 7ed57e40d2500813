import { ApplyOptions } from '@sapphire/decorators';
import { accessOfSender, KickCommand, kickCommands, type GuildContext } from '#core';
import { describeKickHelp } from '../lib/describeKickHelp.js';

/** !help (or !commands): the chat commands this chatter may use in this server, one line per plugin. */
@ApplyOptions<KickCommand.Options>({ description: 'Lists the chat commands you can use here.', aliases: ['commands'], userCooldownSeconds: 30, commandCooldownSeconds: 5 })
export class HelpCommand extends KickCommand {
	public override async run(message: KickCommand.Message, _args: KickCommand.Args, context: GuildContext): Promise<void> {
		const commands = kickCommands().filter((command) => context.pluginIsOn(command.plugin));
		await message.reply(describeKickHelp(commands, { prefix: context.settings.get('prefix'), access: accessOfSender(message.event) }));
	}
}
