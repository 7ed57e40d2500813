import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';

/**
 * Previous and next under page `page` (from 1) of a paginated answer, their custom ids from
 * `customIdOf` (which carries the page, so the buttons work after a restart and on any process);
 * no row when there is neither a previous nor a next page.
 */
export function pageButtons(customIdOf: (page: number) => string, page: number, hasNext: boolean): ActionRowBuilder<ButtonBuilder>[] {
	if (page <= 1 && !hasNext) return [];
	return [
		new ActionRowBuilder<ButtonBuilder>().addComponents(
			new ButtonBuilder()
				.setCustomId(customIdOf(page - 1))
				.setLabel('Previous')
				.setStyle(ButtonStyle.Secondary)
				.setDisabled(page <= 1),
			new ButtonBuilder()
				.setCustomId(customIdOf(page + 1))
				.setLabel('Next')
				.setStyle(ButtonStyle.Secondary)
				.setDisabled(!hasNext)
		)
	];
}
