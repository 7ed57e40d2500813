import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { SubcommandPluginEvents, type MessageSubcommandNoMatchContext } from '@sapphire/plugin-subcommands';
import type { Message } from 'discord.js';
import { replyInChannel } from '#lib/commands/prefixAnswers';

/** A prefix command with subcommands, given none or an unknown one (`!kick`, `!kick statsu`), says which there are. */
@ApplyOptions<Listener.Options>({ event: SubcommandPluginEvents.MessageSubcommandNoMatch })
export class ReplyWhenMessageSubcommandUnmatched extends Listener<typeof SubcommandPluginEvents.MessageSubcommandNoMatch> {
	public override async run(message: Message, _args: unknown, { command, commandPrefix }: MessageSubcommandNoMatchContext): Promise<void> {
		const subcommands = command.parsedSubcommandMappings.map((mapping) => mapping.name).join('|');
		await replyInChannel(message, { content: `Usage: \`${commandPrefix}${command.name} <${subcommands}>\`.` });
	}
}
