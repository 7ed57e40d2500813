import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';

/** Previous and next under a leaderboard page: `raffle:leaderboard:<page>` (the page travels in the id, so it works after a restart, on any process). */
export const LEADERBOARD_PAGE_BUTTON = /^raffle:leaderboard:(\d{1,7})$/;

/** Previous and next for page `page` of `pages`; none when one page holds everything. */
export function leaderboardRows(page: number, pages: number): ActionRowBuilder<ButtonBuilder>[] {
	if (pages <= 1) return [];
	return [
		new ActionRowBuilder<ButtonBuilder>().addComponents(
			new ButtonBuilder()
				.setCustomId(`raffle:leaderboard:${page - 1}`)
				.setLabel('Previous')
				.setStyle(ButtonStyle.Secondary)
				.setDisabled(page <= 1),
			new ButtonBuilder()
				.setCustomId(`raffle:leaderboard:${page + 1}`)
				.setLabel('Next')
				.setStyle(ButtonStyle.Secondary)
				.setDisabled(page >= pages)
		)
	];
}
