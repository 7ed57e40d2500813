import type { GuildContext } from '#core';
import { orderLine, shopMessage } from './describeShop.js';
import { buy, closeOrder, type Buyer, type OrderChange, type PurchaseOutcome } from './purchase.js';
import { orderButtons } from './shopButtons.js';
import type { ShopOrder } from './ShopRepository.js';
import { refund } from './wallet.js';

/** What the shop's pieces need of their server's context. */
export type ShopContext = Pick<
	GuildContext,
	'guildId' | 'guild' | 'db' | 'settings' | 'postInChannel' | 'editInChannel' | 'discordGuild' | 'sendDirectMessage' | 'sayInKickChat'
>;

/** Logs what could not be shown; the purchase or change itself stands. */
type Log = (line: string) => void;

/** Posts the shop message in a channel of this server, through the outbox; later changes edit it. */
export async function postShop(context: ShopContext, channelId: string): Promise<void> {
	const key = `shop:message:${channelId}:${Date.now()}`;
	await context.postInChannel(channelId, shopMessage(context.guildId, await context.db.shop.items({ activeOnly: true })), { key });
	await context.db.shop.recordShopMessage(channelId, key);
}

/** Edits the shop message to show the items as they are now (nothing when none was posted, or not sent yet). */
export async function refreshShop(context: ShopContext, log: Log = () => undefined): Promise<'edited' | 'none'> {
	const shown = await context.db.shop.shopMessage();
	if (shown === null) return 'none';
	const messageId = await context.db.shop.postedMessageId(shown.postKey);
	if (messageId === null) return 'none';
	try {
		// Through Discord's REST API: a !redeem may reach a process other than the one holding the server's shard.
		const edited = await context.editInChannel(shown.channelId, messageId, shopMessage(context.guildId, await context.db.shop.items({ activeOnly: true })));
		return edited ? 'edited' : 'none';
	} catch (error) {
		log(`Shop: server ${context.guildId}: the shop message could not be updated: ${String(error)}`);
		return 'none';
	}
}

/** A new order in `shop_orders_channel_id` (when set), with its complete and cancel buttons. */
export async function announceOrder(context: ShopContext, order: ShopOrder, log: Log = () => undefined): Promise<void> {
	const channelId = context.settings.get('shop_orders_channel_id');
	if (channelId === null) return;
	const title = order.status === 'completed' ? '🛒 Order (completed at once)' : '🛒 New order';
	try {
		await context.postInChannel(
			channelId,
			{ content: `${title}: ${orderLine(order)}`, components: order.status === 'pending' ? [orderButtons(context.guildId, order.id)] : [] },
			{ key: `shop:order:${order.id}` }
		);
	} catch (error) {
		log(`Shop: server ${context.guildId}: order #${order.id} could not be posted in channel ${channelId}: ${String(error)}`);
	}
}

/**
 * Tells the buyer their order was completed or cancelled, through the outbox and once per order:
 * by DM to a member, in the server's Kick chat to a Kick account nobody linked.
 */
export async function tellBuyer(context: ShopContext, order: ShopOrder, balance: number | null): Promise<void> {
	const what =
		order.status === 'completed'
			? `was completed`
			: `was cancelled and ${order.pricePaid} points were refunded${balance === null ? '' : ` (balance: ${balance})`}`;
	const post = { key: `shop:closed:${order.id}`, kind: 'announcement' } as const;
	if (order.discordId !== null) {
		const server = context.guild?.name ?? 'the server';
		await context.sendDirectMessage(
			order.discordId.toString(),
			{ content: `Your shop order #${order.id} (${order.itemName}) in **${server}** ${what}.` },
			post
		);
		return;
	}
	await context.sayInKickChat(`@${order.kickUsername} your shop order #${order.id} (${order.itemName}) ${what}.`, post);
}

/** Buys for a buyer, then announces the order and updates the shop message. */
export async function buyFor(context: ShopContext, itemId: number, buyer: Buyer, answer: string | null, log?: Log): Promise<PurchaseOutcome> {
	const outcome = await buy(context.db, itemId, buyer, answer);
	if (outcome.status === 'bought') {
		await announceOrder(context, outcome.order, log);
		await refreshShop(context, log);
	}
	return outcome;
}

/** Completes or cancels an order, tells the buyer, and updates the shop message (a cancel gives stock back). */
export async function closeOrderFor(context: ShopContext, orderId: number, to: 'completed' | 'cancelled', by: bigint | null, log?: Log): Promise<OrderChange> {
	const change = await closeOrder(context.db, orderId, to, by);
	if (change.status === 'changed') {
		await tellBuyer(context, change.order, change.balance);
		if (to === 'cancelled') await refreshShop(context, log);
	}
	return change;
}

/**
 * The dashboard changed a sale's status, or asks for it: a pending sale is completed or cancelled
 * here (with the refund and the stock); one the dashboard already moved is told to its buyer, and
 * a cancelled one is refunded (once per sale: a refund the bot already made adds nothing).
 */
export async function saleStatusFromDashboard(context: ShopContext, saleId: number, to: 'completed' | 'cancelled', log?: Log): Promise<string> {
	const order = await context.db.shop.order(saleId);
	if (order === null) return 'no such sale';
	if (order.status === 'pending') return (await closeOrderFor(context, saleId, to, null, log)).status;
	if (order.status !== to) return `already ${order.status}`;
	const balance =
		to === 'cancelled' && order.pricePaid > 0
			? await refund(context.db, order, order.pricePaid, `shop refund: order #${order.id}`, `sale:${order.id}`, order.handledByDiscordId)
			: null;
	await tellBuyer(context, order, balance);
	await refreshShop(context, log);
	return 'told';
}
