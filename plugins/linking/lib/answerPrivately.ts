import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { CommandAnswer } from '#core';

/** Answers a click on a link panel to the member alone (the panel stays as it is), pinging nobody. */
export async function answerPrivately(interaction: ButtonInteraction, answer: CommandAnswer): Promise<void> {
	const { content, embeds = [], components = [] } = answer;
	const payload = { ...(content === undefined ? {} : { content }), embeds: [...embeds], components: [...components], allowedMentions: { parse: [] } };
	if (interaction.deferred) await interaction.editReply(payload);
	else await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
}
