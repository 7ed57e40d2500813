import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { CommandAnswer } from '#core';

/**
 * Answers a click on one of the plugin's buttons: an answer for the channel replaces the message
 * the button is on; any other (nothing to show) is said to the member alone and leaves the
 * message as it is. Nobody is pinged. Quotes are short, so the answer is within Discord's limits.
 */
export async function answerButton(interaction: ButtonInteraction, answer: CommandAnswer): Promise<void> {
	const { visibility, content, embeds = [], components = [] } = answer;
	const payload = { ...(content === undefined ? {} : { content }), embeds: [...embeds], components: [...components], allowedMentions: { parse: [] } };
	if (visibility !== 'channel') await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
	else await interaction.update(payload);
}
