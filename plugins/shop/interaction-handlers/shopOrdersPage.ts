import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer } from '#core';
import { answerOrders } from '../lib/shopAnswers.js';
import { MODERATORS_ONLY, ORDERS_PAGE_BUTTON, OTHER_SERVER } from '../lib/shopButtons.js';

/** Previous and next under /shop orders: that page of the queue as it is now; moderators only. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class ShopOrdersPageHandler extends GuildInteractionHandler<ButtonInteraction, { guildId: string; page: number }> {
	protected override match(interaction: ButtonInteraction): Option<{ guildId: string; page: number }> {
		const match = ORDERS_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, page: Number(match[2]) });
	}

	protected override async handle(interaction: ButtonInteraction, parsed: { guildId: string; page: number }, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const queue = await answerOrders(context.db.shop, parsed.page);
		await interaction.update({
			content: queue.content ?? '',
			embeds: [...(queue.embeds ?? [])],
			components: [...(queue.components ?? [])],
			allowedMentions: { parse: [] }
		});
	}
}
