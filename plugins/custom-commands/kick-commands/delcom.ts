import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { findCommand, removeCommand } from '../lib/changeCommands.js';

/** !delcom <name>: a moderator removes a custom command from chat. */
@ApplyOptions<KickCommand.Options>({ description: 'Removes a custom command: !delcom <name> (moderators).', access: 'moderators' })
export class DeleteCommandChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const name = args.pick(0);
		if (name === undefined) return void (await message.reply(`Usage: !${message.commandName} <name>`));
		const command = await findCommand(context, name);
		const removed = command === null ? null : await removeCommand(context, command.id);
		await message.reply(removed === null ? `There is no custom command !${name.replace(/^!/, '')} here.` : `Removed !${removed.name}.`);
	}
}
