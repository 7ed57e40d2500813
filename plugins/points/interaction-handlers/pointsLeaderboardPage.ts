import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, type GuildContext } from '#core';
import { answerButton } from '../lib/answerButton.js';
import { answerLeaderboard } from '../lib/pointsAnswers.js';
import { LEADERBOARD_PAGE_BUTTON } from '../lib/pointsButtons.js';

/** Previous and next under /leaderboard: the message shows that page as it is now, with the clicker's own rank. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class PointsLeaderboardPageHandler extends GuildInteractionHandler<ButtonInteraction, number> {
	protected override match(interaction: ButtonInteraction): Option<number> {
		const match = LEADERBOARD_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some(Number(match[1]));
	}

	protected override async handle(interaction: ButtonInteraction, page: number, context: GuildContext): Promise<void> {
		await answerButton(interaction, await answerLeaderboard(context, page, interaction.user.id));
	}
}
