import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { requestLine } from './describe.js';
import type { SlotRequestRecord } from './SlotRequestsRepository.js';
import { BET_FIELD, blacklistModalId, FILE_FIELD, importModalId, NAME_FIELD, PAYOUT_FIELD, playedModalId } from './slotIds.js';

const row = (input: TextInputBuilder) => new ActionRowBuilder<TextInputBuilder>().addComponents(input);

/** The form for a request's result: bet and payout (its id in the form's id, so a later pick cannot take it). */
export function playedForm(guildId: bigint, request: SlotRequestRecord): ModalBuilder {
	return new ModalBuilder()
		.setCustomId(playedModalId(guildId, request.id))
		.setTitle(`Played: ${requestLine(request)}`.slice(0, 45))
		.addComponents(
			row(new TextInputBuilder().setCustomId(BET_FIELD).setLabel('Bet (e.g. 2.00)').setStyle(TextInputStyle.Short).setRequired(true).setMaxLength(20)),
			row(
				new TextInputBuilder()
					.setCustomId(PAYOUT_FIELD)
					.setLabel('Payout (e.g. 250.00; 0 for nothing)')
					.setStyle(TextInputStyle.Short)
					.setRequired(true)
					.setMaxLength(20)
			)
		);
}

export function blacklistForm(guildId: bigint): ModalBuilder {
	return new ModalBuilder()
		.setCustomId(blacklistModalId(guildId))
		.setTitle('Blacklist a caller')
		.addComponents(
			row(new TextInputBuilder().setCustomId(NAME_FIELD).setLabel('Kick username').setStyle(TextInputStyle.Short).setRequired(true).setMaxLength(30))
		);
}

export function importForm(guildId: bigint): ModalBuilder {
	return new ModalBuilder()
		.setCustomId(importModalId(guildId))
		.setTitle('Import slots (CSV or JSON)')
		.addComponents(
			row(
				new TextInputBuilder()
					.setCustomId(FILE_FIELD)
					.setLabel('name,provider,slug,banned,active (one a line)')
					.setStyle(TextInputStyle.Paragraph)
					.setRequired(true)
					.setMaxLength(4000)
			)
		);
}
