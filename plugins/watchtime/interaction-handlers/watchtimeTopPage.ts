import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, type GuildContext } from '#core';
import { answerButton } from '../lib/answerButton.js';
import { answerTop } from '../lib/watchtimeAnswers.js';
import { TOP_PAGE_BUTTON } from '../lib/watchtimeButtons.js';

/** Previous and next under /watchtime top: the message shows that page of the leaderboard as it is now. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class WatchtimeTopPageHandler extends GuildInteractionHandler<ButtonInteraction, number> {
	protected override match(interaction: ButtonInteraction): Option<number> {
		const match = TOP_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some(Number(match[1]));
	}

	protected override async handle(interaction: ButtonInteraction, page: number, context: GuildContext): Promise<void> {
		await answerButton(interaction, await answerTop(context.db.watchtime, page));
	}
}
