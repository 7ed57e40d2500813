import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { orderLine } from '../lib/describeShop.js';
import { closeOrderFor } from '../lib/shopActions.js';
import { answerOrders } from '../lib/shopAnswers.js';
import { MODERATORS_ONLY, ORDER_BUTTON, OTHER_SERVER } from '../lib/shopButtons.js';

interface OrderClick {
	readonly guildId: string;
	readonly to: 'completed' | 'cancelled';
	readonly orderId: number;
}

/** Complete or cancel (refund) an order, from the queue or the orders channel; moderators only. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class ShopOrderButtonHandler extends GuildInteractionHandler<ButtonInteraction, OrderClick> {
	protected override match(interaction: ButtonInteraction): Option<OrderClick> {
		const match = ORDER_BUTTON.exec(interaction.customId);
		return match === null
			? Option.none
			: Option.some({ guildId: match[1]!, to: match[2] === 'complete' ? 'completed' : 'cancelled', orderId: Number(match[3]) });
	}

	protected override async handle(interaction: ButtonInteraction, click: OrderClick, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, click.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		if (click.orderId > 2_147_483_647) return tellPrivately(interaction, `There is no order #${click.orderId} in this server.`);
		const change = await closeOrderFor(context, click.orderId, click.to, BigInt(interaction.user.id), (line) => this.container.logger.warn(line));
		if (change.status === 'refused') return tellPrivately(interaction, change.line);
		const done = `${click.to === 'completed' ? '✅ Completed' : '↩️ Cancelled and refunded'} by <@${interaction.user.id}>: ${orderLine(change.order)}`;
		if (interaction.message.flags.has(MessageFlags.Ephemeral)) {
			// The queue: shown again as it is now, with what was done on top.
			const queue = await answerOrders(context.db.shop, 1);
			await interaction.update({
				content: done.slice(0, 2000),
				embeds: [...(queue.embeds ?? [])],
				components: [...(queue.components ?? [])],
				allowedMentions: { parse: [] }
			});
			return;
		}
		await interaction.update({ content: done.slice(0, 2000), components: [], allowedMentions: { parse: [] } });
	}
}
