import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';

/** `overlay-rotate:<confirm|cancel>:<server>:<the moderator who asked>`. */
export const ROTATE_BUTTON = /^overlay-rotate:(confirm|cancel):(\d{17,20}):(\d{17,20})$/;

/** Confirm and Cancel under `/overlay rotate`, bound to the server and the moderator who asked. */
export function rotateButtons(guildId: string, moderatorId: string): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(`overlay-rotate:confirm:${guildId}:${moderatorId}`).setStyle(ButtonStyle.Danger).setLabel('Replace the key'),
		new ButtonBuilder().setCustomId(`overlay-rotate:cancel:${guildId}:${moderatorId}`).setStyle(ButtonStyle.Secondary).setLabel('Keep it')
	);
}
