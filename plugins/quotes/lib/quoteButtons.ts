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

/** Previous and next for page `page` of `pages` (from 1); none when everything fits on one page. */
export function listPageRows(page: number, pages: number): ActionRowBuilder<ButtonBuilder>[] {
	if (pages <= 1) return [];
	return [
		new ActionRowBuilder<ButtonBuilder>().addComponents(
			new ButtonBuilder()
				.setCustomId(`quotes:list:${page - 1}`)
				.setLabel('Previous')
				.setStyle(ButtonStyle.Secondary)
				.setDisabled(page <= 1),
			new ButtonBuilder()
				.setCustomId(`quotes:list:${page + 1}`)
				.setLabel('Next')
				.setStyle(ButtonStyle.Secondary)
				.setDisabled(page >= pages)
		)
	];
}
