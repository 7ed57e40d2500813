import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';

/** `kick-disconnect:<confirm|cancel>:<the moderator who asked>`. */
export const DISCONNECT_BUTTON = /^kick-disconnect:(confirm|cancel):(\d{17,20})$/;

export function disconnectButtons(moderatorId: string): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(`kick-disconnect:confirm:${moderatorId}`).setStyle(ButtonStyle.Danger).setLabel('Unlink'),
		new ButtonBuilder().setCustomId(`kick-disconnect:cancel:${moderatorId}`).setStyle(ButtonStyle.Secondary).setLabel('Keep')
	);
}
