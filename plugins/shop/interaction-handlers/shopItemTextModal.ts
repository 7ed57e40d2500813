import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ModalSubmitInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, InvalidInputError, ofThisServer, tellPrivately } from '#core';
import { itemFields } from '../lib/itemInput.js';
import { refreshShop } from '../lib/shopActions.js';
import { ITEM_TEXT_MODAL, MODERATORS_ONLY, OTHER_SERVER } from '../lib/shopButtons.js';

/** The form of `/shop item edit <item>`: an item's name, description, question and image; moderators only. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.ModalSubmit })
export class ShopItemTextModalHandler extends GuildInteractionHandler<ModalSubmitInteraction, { guildId: string; itemId: number }> {
	protected override match(interaction: ModalSubmitInteraction): Option<{ guildId: string; itemId: number }> {
		const match = ITEM_TEXT_MODAL.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, itemId: Number(match[2]) });
	}

	protected override async handle(interaction: ModalSubmitInteraction, parsed: { guildId: string; itemId: number }, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const item = parsed.itemId <= 2_147_483_647 ? await context.db.shop.item(parsed.itemId) : null;
		if (item === null) return tellPrivately(interaction, `There is no item #${parsed.itemId} in this server’s shop. Nothing was changed.`);
		const field = (id: string) => interaction.fields.getTextInputValue(id);
		let updated;
		try {
			// An emptied field clears it (the name is required by the form).
			updated = await context.db.shop.updateItem(
				item.id,
				itemFields(
					{ name: field('name'), description: field('description') || '', question: field('question') || '', imageUrl: field('image') || '' },
					item
				)
			);
		} catch (error) {
			if (error instanceof InvalidInputError) return tellPrivately(interaction, `${error.message}. Nothing was changed.`);
			throw error;
		}
		await refreshShop(context, (line) => this.container.logger.warn(line));
		await tellPrivately(interaction, `Changed item #${item.id} **${updated?.name ?? item.name}**.`);
	}
}
