import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { addCommand } from '../lib/changeCommands.js';

/** !addcom <name> <response>: a moderator adds a custom command from chat, as on Nightbot and StreamElements. */
@ApplyOptions<KickCommand.Options>({ description: 'Adds a custom command: !addcom <name> <response> (moderators).', access: 'moderators' })
export class AddCommandChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const name = args.pick(0)?.replace(/^!/, '');
		const response = args.rest(1);
		if (name === undefined || response === '') return void (await message.reply(`Usage: !${message.commandName} <name> <response>`));
		const added = await addCommand(context, { name, response });
		await message.reply(added.ok ? `Added !${added.command.name}.` : added.refusal);
	}
}
