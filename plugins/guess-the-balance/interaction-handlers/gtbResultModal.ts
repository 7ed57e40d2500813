import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ModalSubmitInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { AMOUNT_FIELD, MODERATORS_ONLY, OTHER_SERVER, RESULT_MODAL } from '../lib/gtbButtons.js';
import { enterResult } from '../lib/roundActions.js';

/** The panel's final balance form: enters the result of the closed round, once; moderators only. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.ModalSubmit })
export class GtbResultModalHandler extends GuildInteractionHandler<ModalSubmitInteraction, string> {
	protected override match(interaction: ModalSubmitInteraction): Option<string> {
		const match = RESULT_MODAL.exec(interaction.customId);
		return match === null ? Option.none : Option.some(match[1]!);
	}

	protected override async handle(interaction: ModalSubmitInteraction, guildId: string, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const answer = await enterResult(context, interaction.fields.getTextInputValue(AMOUNT_FIELD), BigInt(interaction.user.id), (line) =>
			this.container.logger.warn(line)
		);
		await tellPrivately(interaction, answer.line);
	}
}
