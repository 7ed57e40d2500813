import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { answerGuesses } from '../lib/gtbAnswers.js';
import { GUESSES_PAGE_BUTTON, MODERATORS_ONLY, OTHER_SERVER } from '../lib/gtbButtons.js';

interface GuessesPage {
	readonly guildId: string;
	readonly roundNumber: number;
	readonly page: number;
}

/** Previous and next under /gtb guesses: that page of the round's guesses as they are now; moderators only. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class GtbGuessesPageHandler extends GuildInteractionHandler<ButtonInteraction, GuessesPage> {
	protected override match(interaction: ButtonInteraction): Option<GuessesPage> {
		const match = GUESSES_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, roundNumber: Number(match[2]), page: Number(match[3]) });
	}

	protected override async handle(interaction: ButtonInteraction, click: GuessesPage, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, click.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		if (click.roundNumber < 1 || click.roundNumber > 2_147_483_647)
			return tellPrivately(interaction, `There is no round #${click.roundNumber} in this server.`);
		const answer = await answerGuesses(context, click.roundNumber, click.page);
		if (answer.embeds === undefined) return tellPrivately(interaction, answer.content ?? '');
		await interaction.update({ embeds: [...answer.embeds], components: [...(answer.components ?? [])], allowedMentions: { parse: [] } });
	}
}
