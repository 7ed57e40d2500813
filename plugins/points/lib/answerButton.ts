import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { CommandAnswer } from '#core';

/**
 * Answers a click on a page button: a page replaces the message the button is on (which stays
 * seen by whom it was); anything else (nothing to show) is said to the member alone. Nobody is pinged.
 */
export async function answerButton(interaction: ButtonInteraction, answer: CommandAnswer): Promise<void> {
	const { visibility, content, embeds = [], components = [] } = answer;
	const payload = { ...(content === undefined ? {} : { content }), embeds: [...embeds], components: [...components], allowedMentions: { parse: [] } };
	if (visibility === 'refusal') await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
	else await interaction.update(payload);
}
