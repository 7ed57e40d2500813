import { ApplyOptions } from '@sapphire/decorators';
import { accessOfSender, commandNamed, KickCommand, kickCommands, mayUse, type GuildContext } from '#core';
import { describeKickCommand, describeKickHelp } from '../lib/describeKickHelp.js';

/** !help (or !commands): the chat commands this chatter may use in this server, one line per plugin; !help <command> tells about one. */
@ApplyOptions<KickCommand.Options>({
	description: 'Lists the chat commands you can use here.',
	aliases: ['commands'],
	userCooldownSeconds: 30,
	commandCooldownSeconds: 5
})
export class HelpCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const prefix = context.settings.get('prefix');
		const access = accessOfSender(message.event);
		const commands = kickCommands().filter((command) => context.pluginIsOn(command.plugin) && mayUse(access, command.access));
		const asked = args.raw;
		if (asked === '') {
			await message.reply(describeKickHelp(commands, { prefix, access }));
			return;
		}
		const command = commandNamed(commands, asked, prefix);
		// An unknown name gets the list: chat bots answer rather than scold.
		await message.reply(command === undefined ? describeKickHelp(commands, { prefix, access }) : describeKickCommand(command, { prefix }));
	}
}
