import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, type GuildContext } from '#core';
import { LEADERBOARD_PAGE_BUTTON } from '../lib/raffleButtons.js';
import { answerLeaderboard } from '../lib/raffleAnswers.js';

/** Previous and next under /raffle leaderboard: the message shows that page of this server's leaderboard as it is now. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class RaffleLeaderboardPageHandler extends GuildInteractionHandler<ButtonInteraction, number> {
	protected override match(interaction: ButtonInteraction): Option<number> {
		const match = LEADERBOARD_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some(Number(match[1]));
	}

	protected override async handle(interaction: ButtonInteraction, page: number, context: GuildContext): Promise<void> {
		const { visibility, content, embeds = [], components = [] } = await answerLeaderboard(context, page);
		const payload = { ...(content === undefined ? {} : { content }), embeds: [...embeds], components: [...components], allowedMentions: { parse: [] } };
		if (visibility !== 'channel') await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
		else await interaction.update(payload);
	}
}
