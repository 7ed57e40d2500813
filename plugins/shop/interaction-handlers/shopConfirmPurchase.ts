import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { type GuildContext, GuildInteractionHandler, ofThisServer } from '#core';
import { roleIdsOf } from '../lib/memberRoleIds.js';
import { buyFor } from '../lib/shopActions.js';
import { answerPurchase } from '../lib/shopAnswers.js';
import { ANSWER_EMBED_FIELD, CONFIRM_BUTTON, OTHER_SERVER } from '../lib/shopButtons.js';

/** "Confirm purchase": buys the item for the member, with the answer the confirmation shows; the confirmation becomes the outcome. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class ShopConfirmPurchaseHandler extends GuildInteractionHandler<ButtonInteraction, { guildId: string; itemId: number }> {
	protected override match(interaction: ButtonInteraction): Option<{ guildId: string; itemId: number }> {
		const match = CONFIRM_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, itemId: Number(match[2]) });
	}

	protected override async handle(interaction: ButtonInteraction, parsed: { guildId: string; itemId: number }, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, OTHER_SERVER))) return;
		const answer = interaction.message.embeds[0]?.fields.find((field) => field.name === ANSWER_EMBED_FIELD)?.value ?? null;
		const log = (line: string) => this.container.logger.warn(line);
		const outcome =
			parsed.itemId > 2_147_483_647
				? ({ status: 'refused', line: `There is no item #${parsed.itemId} for sale in this shop.` } as const)
				: await buyFor(
						context,
						parsed.itemId,
						{ via: 'discord', discordId: BigInt(interaction.user.id), roleIds: roleIdsOf(interaction) },
						answer,
						log
					);
		const { content } = answerPurchase(outcome);
		await interaction.update({ content: content ?? '', embeds: [], components: [], allowedMentions: { parse: [] } });
	}
}
