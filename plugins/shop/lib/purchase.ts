import { ConflictError, type GuildRepositories } from '#core';
import { ANSWER_MAX_LENGTH } from './itemInput.js';
import type { ShopItem, ShopOrder } from './ShopRepository.js';
import { refund, spend, type Payer } from './wallet.js';

/** Who buys: a member in Discord (with their roles), or a chatter in the server's Kick chat. */
export type Buyer =
	| { readonly via: 'discord'; readonly discordId: bigint; readonly roleIds: readonly string[] }
	| { readonly via: 'kick'; readonly kickUsername: string; readonly roleIdsOf: (discordId: bigint) => Promise<readonly string[] | null> };

export type PurchaseOutcome =
	| { readonly status: 'bought'; readonly order: ShopOrder; readonly item: ShopItem; readonly balance: number }
	/** `line`: what the buyer is told; nothing was written. */
	| { readonly status: 'refused'; readonly line: string };

type ShopDb = Pick<GuildRepositories, 'shop' | 'points' | 'links' | 'watchtime' | 'raffles' | 'transaction'>;

/** Thrown inside the transaction to undo it, carrying what the buyer is told. */
class Refusal extends Error {}

/** Purchases of one item in this process queue one after another (the row lock does it across processes; this keeps connections free). */
const queues = new Map<string, Promise<unknown>>();

function queued<T>(key: string, work: () => Promise<T>): Promise<T> {
	const previous = queues.get(key) ?? Promise.resolve();
	const next = previous.then(work, work);
	const tail = next.catch(() => undefined);
	queues.set(key, tail);
	void tail.then(() => {
		if (queues.get(key) === tail) queues.delete(key);
	});
	return next;
}

const refused = (line: string): PurchaseOutcome => ({ status: 'refused', line });

/** The payer behind a buyer: a member pays through the Kick account they linked here. */
async function payerOf(db: ShopDb, buyer: Buyer): Promise<{ payer: Payer; roleIds: readonly string[] | null } | string> {
	if (buyer.via === 'discord') {
		const link = await db.links.ofMember(buyer.discordId);
		if (link === null) return 'Points are earned in Kick chat: link your Kick account first (`/link start`), then buy with its points.';
		return { payer: { kickUsername: link.kickName, discordId: buyer.discordId }, roleIds: buyer.roleIds };
	}
	const link = await db.links.ofKickAccount({ name: buyer.kickUsername });
	const discordId = link?.discordId ?? null;
	return { payer: { kickUsername: link?.kickName ?? buyer.kickUsername, discordId }, roleIds: discordId === null ? null : await buyer.roleIdsOf(discordId) };
}

/**
 * Buys one of item `itemId` for `buyer`, in one transaction with the item locked: active, in
 * stock, requirements met, per-user limit in its window, balance ≥ price (points taken through
 * the points plugin), stock taken, an order written (`pending`, or `completed` with its raffle
 * tickets added for a "raffle tickets" item). Anything refused writes nothing.
 */
export async function buy(db: ShopDb, itemId: number, buyer: Buyer, answerText: string | null, now = new Date()): Promise<PurchaseOutcome> {
	const item = await db.shop.item(itemId);
	if (item === null || !item.active) return refused(`There is no item #${itemId} for sale in this shop.`);
	const answer = answerText?.trim() ?? '';
	if (item.question !== null && answer === '') return refused(`**${item.name}** asks: ${item.question} Answer it to buy.`);
	if ([...answer].length > ANSWER_MAX_LENGTH) return refused(`An answer is at most ${ANSWER_MAX_LENGTH} characters.`);
	const who = await payerOf(db, buyer);
	if (typeof who === 'string') return refused(who);
	const { payer, roleIds } = who;
	if (item.requiresLink && payer.discordId === null)
		return refused(`**${item.name}** is for members who linked their Kick account in Discord (\`/link start\`).`);
	if (item.requiredRoleId !== null) {
		if (roleIds === null) return refused(`**${item.name}** needs a Discord role: link your Kick account in Discord first.`);
		if (!roleIds.includes(item.requiredRoleId)) return refused(`**${item.name}** is for members with the <@&${item.requiredRoleId}> role.`);
	}
	if (item.minWatchMinutes > 0) {
		const watched = await db.watchtime.minutesOf(payer.kickUsername);
		if (watched < item.minWatchMinutes) return refused(`**${item.name}** needs ${item.minWatchMinutes} watched minutes; you have ${watched}.`);
	}
	if (item.stock === 0) return refused(`**${item.name}** is sold out.`);
	return queued(`${db.shop.guildId}:${item.id}`, () => buyLocked(db, item.id, payer, item.question === null ? null : answer, now));
}

async function buyLocked(db: ShopDb, itemId: number, payer: Payer, answer: string | null, now: Date): Promise<PurchaseOutcome> {
	try {
		return await db.transaction(async (tx) => {
			const item = await tx.shop.lockItem(itemId);
			if (item === null || !item.active) throw new Refusal(`There is no item #${itemId} for sale in this shop.`);
			if (item.stock === 0) throw new Refusal(`**${item.name}** is sold out.`);
			if (item.perUserLimit >= 0) {
				const since = item.limitWindowHours === null ? null : new Date(now.getTime() - item.limitWindowHours * 3_600_000);
				const bought = await tx.shop.ordersCounted(item.id, payer.kickUsername, since);
				if (bought >= item.perUserLimit) throw new Refusal(`You already bought **${item.name}** ${limitText(item)}.`);
			}
			if (item.kind === 'raffle_tickets' && (await tx.raffles.activePeriod()) === null)
				throw new Refusal(`**${item.name}** gives raffle tickets, and no raffle is running now. Nothing was charged.`);
			const spent = await spend(tx, payer, item.price, `shop: ${item.name}`.slice(0, 200), `item:${item.id}`);
			if (spent.status === 'insufficient') throw new Refusal(`**${item.name}** costs ${item.price} points; you have ${spent.balance}.`);
			if (item.stock > 0) await tx.shop.takeStock(item.id);
			const raffle = item.kind === 'raffle_tickets';
			const order = await tx.shop.addOrder({
				item,
				kickUsername: payer.kickUsername,
				discordId: payer.discordId,
				answer,
				status: raffle ? 'completed' : 'pending'
			});
			if (raffle) {
				const period = await tx.raffles.activePeriod();
				if (period === null) throw new Refusal(`**${item.name}** gives raffle tickets, and no raffle is running now. Nothing was charged.`);
				const participant = (await tx.raffles.memberLinkedTo(payer.kickUsername)) ?? { discordId: null, kickName: payer.kickUsername.toLowerCase() };
				await tx.raffles.changeTickets(period.id, {
					participant,
					source: 'bonus',
					delta: item.raffleTickets,
					reason: `shop order #${order.id}: ${item.name}`
				});
			}
			return { status: 'bought', order, item: { ...item, stock: item.stock > 0 ? item.stock - 1 : item.stock }, balance: spent.balance } as const;
		});
	} catch (error) {
		if (error instanceof Refusal) return refused(error.message);
		// The period ended between the check and the tickets: the transaction is undone.
		if (error instanceof ConflictError) return refused('No raffle is running now. Nothing was charged.');
		throw error;
	}
}

function limitText(item: ShopItem): string {
	const times = item.perUserLimit === 1 ? 'once' : `${item.perUserLimit} times`;
	return item.limitWindowHours === null ? `${times} (the most per buyer)` : `${times} in the last ${item.limitWindowHours} hour(s) (the most per buyer)`;
}

export type OrderChange =
	{ readonly status: 'changed'; readonly order: ShopOrder; readonly balance: number | null } | { readonly status: 'refused'; readonly line: string };

/**
 * Completes or cancels a pending order of this server. Cancelling refunds the price through the
 * points plugin and gives the stock back, in the same transaction; the order then no longer
 * counts against the buyer's limit.
 */
export async function closeOrder(
	db: Pick<ShopDb, 'shop' | 'points' | 'transaction'>,
	orderId: number,
	to: 'completed' | 'cancelled',
	by: bigint | null
): Promise<OrderChange> {
	return db.transaction(async (tx) => {
		const order = await tx.shop.closeOrder(orderId, to, by);
		if (order === null) {
			const existing = await tx.shop.order(orderId);
			return {
				status: 'refused',
				line:
					existing === null
						? `There is no order #${orderId} in this server.`
						: `Order #${orderId} is already ${existing.status}. Nothing was changed.`
			} as const;
		}
		if (to === 'completed') return { status: 'changed', order, balance: null } as const;
		const payer = { kickUsername: order.kickUsername, discordId: order.discordId };
		const balance = order.pricePaid > 0 ? await refund(tx, payer, order.pricePaid, `shop refund: order #${order.id}`, `sale:${order.id}`, by) : null;
		if (order.itemId !== null) await tx.shop.returnStock(order.itemId);
		return { status: 'changed', order, balance } as const;
	});
}
