import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { escapeMarkdown, type ModalSubmitInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { parseMoney } from '../lib/money.js';
import { playRequest } from '../lib/slotActions.js';
import { BET_FIELD, MODERATORS_ONLY, OTHER_SERVER, PAYOUT_FIELD, PLAYED_MODAL } from '../lib/slotIds.js';

/** The panel's "Played…" form: the bet and payout of the request named in its id; bad amounts change nothing. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.ModalSubmit })
export class SlotPlayedModalHandler extends GuildInteractionHandler<ModalSubmitInteraction, { guildId: string; requestId: number }> {
	protected override match(interaction: ModalSubmitInteraction): Option<{ guildId: string; requestId: number }> {
		const match = PLAYED_MODAL.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, requestId: Number(match[2]) });
	}

	protected override async handle(interaction: ModalSubmitInteraction, parsed: { guildId: string; requestId: number }, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const bet = parseMoney(interaction.fields.getTextInputValue(BET_FIELD), 'bet');
		if (!bet.ok) return tellPrivately(interaction, `${bet.error} Nothing was changed.`);
		const payout = parseMoney(interaction.fields.getTextInputValue(PAYOUT_FIELD), 'payout', { allowZero: true });
		if (!payout.ok) return tellPrivately(interaction, `${payout.error} Nothing was changed.`);
		const said = await playRequest(context, parsed.requestId, bet.cents, payout.cents, (line) => this.container.logger.warn(line));
		await tellPrivately(interaction, escapeMarkdown(said));
	}
}
