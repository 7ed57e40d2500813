import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';

/*
 * The buttons carry everything their handler needs in their custom id (the quote shown, the page
 * asked for), so they keep working after a restart and on any bot process.
 */

/** "Another quote" under a shown quote: `quotes:another:<number shown>`. */
export const ANOTHER_QUOTE_BUTTON = /^quotes:another:(\d{1,10})$/;
/** Previous and next under a page of the list: `quotes:list:<page>`. */
export const LIST_PAGE_BUTTON = /^quotes:list:(\d{1,10})$/;

export function anotherQuoteRow(shownNumber: number): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(`quotes:another:${shownNumber}`).setLabel('Another quote').setStyle(ButtonStyle.Secondary)
	);
}

/** The custom id of page `page` of the list. */
export const listPageId = (page: number) => `quotes:list:${page}`;
