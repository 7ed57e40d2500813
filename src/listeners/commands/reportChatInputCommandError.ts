import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type ChatInputCommandErrorPayload } from '@sapphire/framework';
import { MessageFlags } from 'discord.js';

/** A slash command that throws (Sapphire logs it) tells the user it failed, instead of "the application did not respond". */
@ApplyOptions<Listener.Options>({ event: Events.ChatInputCommandError })
export class ReportChatInputCommandError extends Listener<typeof Events.ChatInputCommandError> {
	public override async run(_error: unknown, { interaction, command }: ChatInputCommandErrorPayload): Promise<void> {
		const content = `\`/${command.name}\` failed on our side and changed nothing it had not finished. Try again; if it keeps failing, tell the bot's operator.`;
		const answer = interaction.deferred || interaction.replied ? interaction.editReply({ content }) : interaction.reply({ content, flags: MessageFlags.Ephemeral });
		await answer.catch((replyError: unknown) => this.container.logger.warn(`Could not report the failure of /${command.name}:`, replyError));
	}
}
