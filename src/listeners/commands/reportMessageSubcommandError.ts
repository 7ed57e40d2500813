import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { SubcommandPluginEvents, type MessageSubcommandErrorPayload } from '@sapphire/plugin-subcommands';
import { reportMessageFailure } from '#lib/commands/reportFailure';

/** A prefix subcommand that throws (the subcommands plugin logs it) tells the user it failed. */
@ApplyOptions<Listener.Options>({ event: SubcommandPluginEvents.MessageSubcommandError })
export class ReportMessageSubcommandError extends Listener<typeof SubcommandPluginEvents.MessageSubcommandError> {
	public override async run(_error: unknown, { message, command }: MessageSubcommandErrorPayload): Promise<void> {
		await reportMessageFailure(message, command.name);
	}
}
