import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { RoundStatus } from './GtbRepository.js';

/*
 * Custom ids carry the server they were made in (and the page), so they keep working after a
 * restart and on any bot process, and one made in another server is refused before anything runs.
 */

/** The panel's buttons: `gtb:panel:<server>:<open|close|result|refresh>`. */
export const PANEL_BUTTON = /^gtb:panel:(\d{1,20}):(open|close|result|refresh)$/;
/** The final balance form the panel's result button opens: `gtb:result:<server>`. */
export const RESULT_MODAL = /^gtb:result:(\d{1,20})$/;
/** A page of a round's guesses: `gtb:guesses:<server>:<round>:<page>`. */
export const GUESSES_PAGE_BUTTON = /^gtb:guesses:(\d{1,20}):(\d{1,10}):(\d{1,7})$/;

export const AMOUNT_FIELD = 'amount';

export const OTHER_SERVER = 'This belongs to another server’s guess the balance. Nothing was changed.';
export const MODERATORS_ONLY = 'Only moderators of this server can do that. Nothing was changed.';

export type PanelAction = 'open' | 'close' | 'result' | 'refresh';

/** Open, close, result and refresh, each enabled when it can act on a round in that state. */
export function panelButtons(guildId: bigint, status: RoundStatus | null): ActionRowBuilder<ButtonBuilder> {
	const button = (action: PanelAction, label: string, style: ButtonStyle, enabled: boolean) =>
		new ButtonBuilder().setCustomId(`gtb:panel:${guildId}:${action}`).setLabel(label).setStyle(style).setDisabled(!enabled);
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		button('open', 'Open round', ButtonStyle.Success, status === null || status === 'finished'),
		button('close', 'Close guesses', ButtonStyle.Danger, status === 'open'),
		button('result', 'Enter final balance', ButtonStyle.Primary, status === 'closed'),
		button('refresh', 'Refresh', ButtonStyle.Secondary, true)
	);
}

/** The form that asks for the final balance. */
export function resultModal(guildId: bigint, roundNumber: number): ModalBuilder {
	return new ModalBuilder()
		.setCustomId(`gtb:result:${guildId}`)
		.setTitle(`Final balance of round #${roundNumber}`)
		.addComponents(
			new ActionRowBuilder<TextInputBuilder>().addComponents(
				new TextInputBuilder()
					.setCustomId(AMOUNT_FIELD)
					.setLabel('Final balance (like 1234.56 or $1,234.56)')
					.setStyle(TextInputStyle.Short)
					.setRequired(true)
					.setMaxLength(30)
			)
		);
}

export const guessesPageId = (guildId: bigint, roundNumber: number) => (page: number) => `gtb:guesses:${guildId}:${roundNumber}:${page}`;
