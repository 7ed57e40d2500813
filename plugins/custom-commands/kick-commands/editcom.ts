import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { editCommand, findCommand } from '../lib/changeCommands.js';

/** !editcom <name> <response>: a moderator changes a custom command's response from chat. */
@ApplyOptions<KickCommand.Options>({ description: 'Changes a custom command’s response: !editcom <name> <response> (moderators).', access: 'moderators' })
export class EditCommandChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const name = args.pick(0);
		const response = args.rest(1);
		if (name === undefined || response === '') return void (await message.reply(`Usage: !${message.commandName} <name> <response>`));
		const command = await findCommand(context, name);
		if (command === null) return void (await message.reply(`There is no custom command !${name.replace(/^!/, '')} here.`));
		const edited = await editCommand(context, command.id, { response });
		await message.reply(edited.ok ? `Changed !${edited.command.name}.` : edited.refusal);
	}
}
