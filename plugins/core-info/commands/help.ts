import { ApplyOptions } from '@sapphire/decorators';
import { commandNamed, discordCommands, GuildCommand, type CommandCall, type GuildContext } from '#core';
import { describeDiscordCommand, describeDiscordHelp } from '../lib/describeHelp.js';

/** /help and !help: the commands of this server that this member may use, by plugin, one line each; or one command in full. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Lists the commands you can use here, by plugin, or tells more about one.',
	alsoInDirectMessages: true,
	commandOptions: [{ type: 'string', name: 'command', description: 'A command to tell more about, such as settings', maxLength: 40 }]
})
export class HelpCommand extends GuildCommand {
	public override async run(call: CommandCall, context: GuildContext | null): Promise<void> {
		const prefix = context?.settings.get('prefix') ?? '!';
		const commands = discordCommands().filter(
			(command) => (context === null || context.pluginIsOn(command.plugin)) && (call.byModerator || !command.moderatorsOnly)
		);
		const asked = call.options.string('command');
		if (asked !== null) {
			const command = commandNamed(commands, asked, prefix);
			await call.reply(
				command === undefined
					? { content: `That is no command you can use here; \`${call.form === 'slash' ? '/' : prefix}help\` lists them.`, visibility: 'refusal' }
					: { embeds: [describeDiscordCommand(command, { prefix })] }
			);
			return;
		}
		const title =
			context === null
				? 'Commands (most work in a server only)'
				: call.byModerator
					? 'Commands you can use here (as a moderator)'
					: 'Commands you can use here';
		await call.reply({ embeds: [describeDiscordHelp(commands, { prefix, moderator: call.byModerator, title })] });
	}
}
