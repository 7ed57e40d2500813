import { container } from '@sapphire/framework';
import { MessageFlags, type CommandInteraction, type Message } from 'discord.js';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

/** Tells the user a command failed on our side (the error itself is logged by Sapphire), instead of "the application did not respond". */
export async function reportInteractionFailure(interaction: CommandInteraction, label: string): Promise<void> {
	const content = `\`${label}\` failed on our side and changed nothing it had not finished. Try again; if it keeps failing, tell the bot's operator.`;
	const answer =
		interaction.deferred || interaction.replied
			? interaction.editReply(withinDiscordLimits({ content }))
			: interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral }));
	await answer.catch((error: unknown) => container.logger.warn(`Could not report the failure of ${label}:`, error));
}

export async function reportMessageFailure(message: Message, label: string): Promise<void> {
	const content = `\`${label}\` failed on our side. Try again; if it keeps failing, tell the bot's operator.`;
	await message
		.reply(withinDiscordLimits({ content, allowedMentions: { parse: [], repliedUser: false } }))
		.catch((error: unknown) => container.logger.warn(`Could not report the failure of ${label}:`, error));
}
