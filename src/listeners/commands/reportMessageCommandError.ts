import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type MessageCommandErrorPayload } from '@sapphire/framework';
import { reportMessageFailure } from '#lib/commands/reportFailure';

/** A prefix command that throws (Sapphire logs it) tells the user it failed. */
@ApplyOptions<Listener.Options>({ event: Events.MessageCommandError })
export class ReportMessageCommandError extends Listener<typeof Events.MessageCommandError> {
	public override async run(_error: unknown, { message, command }: MessageCommandErrorPayload): Promise<void> {
		await reportMessageFailure(message, command.name);
	}
}
