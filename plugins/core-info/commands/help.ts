import { ApplyOptions } from '@sapphire/decorators';
import { discordCommands, GuildCommand, type CommandCall, type GuildContext } from '#core';
import { describeDiscordHelp } from '../lib/describeHelp.js';

/** /help and !help: the commands of this server that this member may use, by plugin, one line each. */
@ApplyOptions<GuildCommand.Options>({ description: 'Lists the commands you can use here, by plugin.', alsoInDirectMessages: true })
export class HelpCommand extends GuildCommand {
	public override async run(call: CommandCall, context: GuildContext | null): Promise<void> {
		const prefix = context?.settings.get('prefix') ?? '!';
		const commands = discordCommands().filter((command) => context === null || context.pluginIsOn(command.plugin));
		const fields = describeDiscordHelp(commands, { prefix, moderator: call.byModerator });
		const where = context === null ? 'Commands (most work in a server only)' : call.byModerator ? 'Commands you can use here (as a moderator)' : 'Commands you can use here';
		await call.reply({ embeds: [{ title: where, fields }] });
	}
}
