import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ModalSubmitInteraction } from 'discord.js';
import { type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { itemLine } from '../lib/describeShop.js';
import { ANSWER_EMBED_FIELD, ANSWER_FIELD, ANSWER_MODAL, confirmButtons, OTHER_SERVER } from '../lib/shopButtons.js';

/** The answer to an item's question: a confirmation for the member alone, the answer shown in it (and read back when they confirm). */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.ModalSubmit })
export class ShopAnswerModalHandler extends GuildInteractionHandler<ModalSubmitInteraction, { guildId: string; itemId: number }> {
	protected override match(interaction: ModalSubmitInteraction): Option<{ guildId: string; itemId: number }> {
		const match = ANSWER_MODAL.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, itemId: Number(match[2]) });
	}

	protected override async handle(interaction: ModalSubmitInteraction, parsed: { guildId: string; itemId: number }, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, OTHER_SERVER))) return;
		const item = parsed.itemId <= 2_147_483_647 ? await context.db.shop.item(parsed.itemId) : null;
		if (item === null || !item.active) return tellPrivately(interaction, 'That item is no longer for sale. Nothing was bought.');
		const answer = interaction.fields.getTextInputValue(ANSWER_FIELD).trim();
		if (answer === '') return tellPrivately(interaction, `**${item.name}** asks: ${item.question ?? ''} Answer it to buy. Nothing was bought.`);
		await tellPrivately(interaction, `Buy this for ${item.price} points?`, {
			embeds: [{ description: itemLine(item), fields: [{ name: ANSWER_EMBED_FIELD, value: answer.slice(0, 1024) }] }],
			components: [confirmButtons(context.guildId, item.id)]
		});
	}
}
