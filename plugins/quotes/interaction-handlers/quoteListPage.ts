import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, type GuildContext } from '#core';
import { answerButton } from '../lib/answerButton.js';
import { answerList } from '../lib/quoteAnswers.js';
import { LIST_PAGE_BUTTON } from '../lib/quoteButtons.js';

/** Previous and next under /quote list: the message shows that page of the server's quotes as they are now. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class QuoteListPageHandler extends GuildInteractionHandler<ButtonInteraction, number> {
	protected override match(interaction: ButtonInteraction): Option<number> {
		const match = LIST_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some(Number(match[1]));
	}

	protected override async handle(interaction: ButtonInteraction, page: number, context: GuildContext): Promise<void> {
		await answerButton(interaction, await answerList(context.db.quotes, page, '/quote add <text>'));
	}
}
