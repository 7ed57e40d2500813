import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type MessageCommandErrorPayload } from '@sapphire/framework';

/** A prefix command that throws (Sapphire logs it) tells the user it failed. */
@ApplyOptions<Listener.Options>({ event: Events.MessageCommandError })
export class ReportMessageCommandError extends Listener<typeof Events.MessageCommandError> {
	public override async run(_error: unknown, { message, command }: MessageCommandErrorPayload): Promise<void> {
		await message
			.reply({ content: `\`${command.name}\` failed on our side. Try again; if it keeps failing, tell the bot's operator.`, allowedMentions: { parse: [], repliedUser: false } })
			.catch((replyError: unknown) => this.container.logger.warn(`Could not report the failure of ${command.name}:`, replyError));
	}
}
