import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, type GuildContext } from '#core';
import { answerButton } from '../lib/answerButton.js';
import { answerAnother } from '../lib/quoteAnswers.js';
import { ANOTHER_QUOTE_BUTTON } from '../lib/quoteButtons.js';

/** "Another quote" under a shown quote: the message shows another random quote of the server it is clicked in. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class AnotherQuoteHandler extends GuildInteractionHandler<ButtonInteraction, number> {
	protected override match(interaction: ButtonInteraction): Option<number> {
		const match = ANOTHER_QUOTE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some(Number(match[1]));
	}

	protected override async handle(interaction: ButtonInteraction, shownNumber: number, context: GuildContext): Promise<void> {
		await answerButton(interaction, await answerAnother(context.db.quotes, shownNumber, '/quote add <text>'));
	}
}
