import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, type GuildContext } from '#core';
import { answerButton } from '../lib/answerButton.js';
import { answerHistoryOf } from '../lib/pointsAnswers.js';
import { HISTORY_PAGE_BUTTON } from '../lib/pointsButtons.js';

/** Previous and next under /points history: that page of the viewer's ledger in the server the button is in. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class PointsHistoryPageHandler extends GuildInteractionHandler<ButtonInteraction, { name: string; page: number }> {
	protected override match(interaction: ButtonInteraction): Option<{ name: string; page: number }> {
		const match = HISTORY_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ name: match[1]!, page: Number(match[2]) });
	}

	protected override async handle(interaction: ButtonInteraction, target: { name: string; page: number }, context: GuildContext): Promise<void> {
		await answerButton(interaction, await answerHistoryOf(context, target.name, target.page));
	}
}
