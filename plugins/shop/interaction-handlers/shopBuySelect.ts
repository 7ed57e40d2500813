import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle, type StringSelectMenuInteraction } from 'discord.js';
import { type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { ANSWER_MAX_LENGTH } from '../lib/itemInput.js';
import { ANSWER_FIELD, BUY_SELECT, confirmButtons, OTHER_SERVER } from '../lib/shopButtons.js';
import { itemLine } from '../lib/describeShop.js';

/** An item picked on the shop message: its question's form when it has one, else a confirmation for the member alone. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.SelectMenu })
export class ShopBuySelectHandler extends GuildInteractionHandler<StringSelectMenuInteraction, string> {
	protected override match(interaction: StringSelectMenuInteraction): Option<string> {
		const match = BUY_SELECT.exec(interaction.customId);
		return match === null ? Option.none : Option.some(match[1]!);
	}

	protected override async handle(interaction: StringSelectMenuInteraction, guildId: string, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, guildId, context, OTHER_SERVER))) return;
		const value = interaction.values[0] ?? '';
		const item = /^\d{1,10}$/.test(value) && Number(value) <= 2_147_483_647 ? await context.db.shop.item(Number(value)) : null;
		if (item === null || !item.active) return tellPrivately(interaction, 'That item is no longer for sale. Nothing was bought.');
		if (item.question !== null) {
			const modal = new ModalBuilder()
				.setCustomId(`shop:answer:${context.guildId}:${item.id}`)
				.setTitle(`Buy ${item.name}`.slice(0, 45))
				.addComponents(
					new ActionRowBuilder<TextInputBuilder>().addComponents(
						new TextInputBuilder()
							.setCustomId(ANSWER_FIELD)
							.setLabel(item.question.slice(0, 45))
							.setStyle(TextInputStyle.Short)
							.setRequired(true)
							.setMaxLength(ANSWER_MAX_LENGTH)
					)
				);
			return interaction.showModal(modal);
		}
		await tellPrivately(interaction, `Buy this for ${item.price} points?`, {
			embeds: [{ description: itemLine(item) }],
			components: [confirmButtons(context.guildId, item.id)]
		});
	}
}
