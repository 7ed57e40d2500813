import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { SubcommandPluginEvents, type ChatInputSubcommandErrorPayload } from '@sapphire/plugin-subcommands';
import { reportInteractionFailure } from '#lib/commands/reportFailure';

/** A slash subcommand that throws (the subcommands plugin logs it) tells the user it failed. */
@ApplyOptions<Listener.Options>({ event: SubcommandPluginEvents.ChatInputSubcommandError })
export class ReportChatInputSubcommandError extends Listener<typeof SubcommandPluginEvents.ChatInputSubcommandError> {
	public override async run(_error: unknown, { interaction, command }: ChatInputSubcommandErrorPayload): Promise<void> {
		await reportInteractionFailure(interaction, `/${command.name} ${interaction.options.getSubcommand(false) ?? ''}`.trim());
	}
}
