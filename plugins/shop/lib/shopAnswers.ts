import { InvalidInputError, pageButtons, type CommandAnswer } from '#core';
import { itemLine, orderLine } from './describeShop.js';
import type { PurchaseOutcome } from './purchase.js';
import { orderButtons, ordersPageId } from './shopButtons.js';
import type { ShopItem, ShopRepository } from './ShopRepository.js';

export const ORDERS_PER_PAGE = 5;

/** An item named by its number (`3`, `#3`) or its name; null when this server has none such. */
export async function findItem(shop: ShopRepository, reference: string): Promise<ShopItem | null> {
	const typed = reference.trim();
	const number = /^#?(\d{1,12})$/.exec(typed);
	if (number !== null) {
		const id = Number(number[1]);
		return id >= 1 && id <= 2_147_483_647 ? shop.item(id) : null;
	}
	return typed === '' ? null : shop.itemNamed(typed);
}

export function noSuchItem(reference: string): CommandAnswer {
	return { content: `There is no item “${reference.slice(0, 80)}” in this server’s shop. Nothing was changed.`, visibility: 'refusal' };
}

/** A refusal for bad input, or the error itself when it is not one. */
export function refusalOf(error: unknown): CommandAnswer {
	if (error instanceof InvalidInputError) return { content: `${error.message}. Nothing was changed.`, visibility: 'refusal' };
	throw error;
}

export function answerItems(items: readonly ShopItem[], forModerators: boolean): CommandAnswer {
	const shown = forModerators ? items : items.filter((item) => item.active);
	if (shown.length === 0) return { content: 'The shop has no items yet.', visibility: 'refusal' };
	return { embeds: [{ title: '🛒 Point shop', description: shown.map(itemLine).join('\n').slice(0, 4000) }], visibility: 'caller' };
}

export function answerPurchase(outcome: PurchaseOutcome): CommandAnswer {
	if (outcome.status === 'refused') return { content: outcome.line, visibility: 'refusal' };
	const { order, item, balance } = outcome;
	const done = order.status === 'completed' ? `${item.raffleTickets} raffle tickets were added.` : 'A moderator will fulfil it; you get a DM when they do.';
	return {
		content: `You bought **${item.name}** for ${order.pricePaid} points (order #${order.id}). ${done} Balance: ${balance}.`,
		visibility: 'caller-only'
	};
}

/** One page of the pending queue, each order with its buttons (five to a page: Discord allows five rows). */
export async function answerOrders(shop: ShopRepository, page: number): Promise<CommandAnswer> {
	const total = await shop.pendingCount();
	if (total === 0) return { content: 'No pending orders.', visibility: 'caller-only' };
	const pages = Math.ceil(total / ORDERS_PER_PAGE);
	const current = Math.min(Math.max(page, 1), pages);
	const orders = await shop.pendingPage((current - 1) * ORDERS_PER_PAGE, ORDERS_PER_PAGE - (pages > 1 ? 1 : 0));
	const rows = [...orders.map((order) => orderButtons(shop.guildId, order.id)), ...pageButtons(ordersPageId(shop.guildId), current, current < pages)];
	return {
		embeds: [
			{
				title: `Pending orders (${total})`,
				description: orders.map(orderLine).join('\n\n').slice(0, 4000),
				footer: { text: `Page ${current} of ${pages}` }
			}
		],
		components: rows,
		visibility: 'caller-only'
	};
}
