import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type ChatInputCommandErrorPayload } from '@sapphire/framework';
import { reportInteractionFailure } from '#lib/commands/reportFailure';

/** A slash command that throws (Sapphire logs it) tells the user it failed. */
@ApplyOptions<Listener.Options>({ event: Events.ChatInputCommandError })
export class ReportChatInputCommandError extends Listener<typeof Events.ChatInputCommandError> {
	public override async run(_error: unknown, { interaction, command }: ChatInputCommandErrorPayload): Promise<void> {
		await reportInteractionFailure(interaction, `/${command.name}`);
	}
}
