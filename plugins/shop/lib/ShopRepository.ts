import { GuildRepository, InvalidInputError, Prisma } from '#core';

export type ItemKind = 'moderators' | 'raffle_tickets';
export type OrderStatus = 'pending' | 'completed' | 'cancelled';

/** An item of this server's shop. Stock and per-user limit: -1 = unlimited. */
export interface ShopItem {
	readonly id: number;
	readonly name: string;
	readonly description: string | null;
	readonly price: number;
	readonly stock: number;
	readonly imageUrl: string | null;
	readonly active: boolean;
	readonly perUserLimit: number;
	/** The per-user limit counts purchases in the last this many hours; null: ever. */
	readonly limitWindowHours: number | null;
	readonly requiresLink: boolean;
	readonly requiredRoleId: string | null;
	readonly minWatchMinutes: number;
	readonly question: string | null;
	readonly kind: ItemKind;
	readonly raffleTickets: number;
}

/** What a moderator sets on an item (every field of an edit is optional). */
export type ItemFields = Omit<ShopItem, 'id'>;

/** An order (a `point_sales` row). */
export interface ShopOrder {
	readonly id: number;
	readonly itemId: number | null;
	readonly itemName: string;
	readonly kickUsername: string;
	readonly discordId: bigint | null;
	readonly pricePaid: number;
	readonly status: string;
	readonly answer: string | null;
	readonly purchasedAt: Date;
	readonly handledByDiscordId: bigint | null;
	readonly handledAt: Date | null;
}

const ITEM_COLUMNS = Prisma.raw(`id, name, description, price, COALESCE(stock, -1) AS stock, image_url AS "imageUrl", COALESCE(is_active, TRUE) AS active,
	per_user_limit AS "perUserLimit", limit_window_hours AS "limitWindowHours", requires_link AS "requiresLink", required_role_id::text AS "requiredRoleId",
	min_watch_minutes AS "minWatchMinutes", question, kind, raffle_tickets AS "raffleTickets"`);
const ORDER_COLUMNS = Prisma.raw(`id, item_id AS "itemId", item_name AS "itemName", kick_username AS "kickUsername", discord_id AS "discordId",
	price_paid AS "pricePaid", COALESCE(status, 'pending') AS status, answer, COALESCE(purchased_at, now()) AS "purchasedAt",
	handled_by_discord_id AS "handledByDiscordId", handled_at AS "handledAt"`);

/** Ids the bot accepts from buttons, commands and chat: a positive 32-bit integer. */
export function assertItemId(id: number, what = 'An item id'): void {
	if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) throw new InvalidInputError(`${what} is a whole number from 1 (got ${id})`);
}

/**
 * This server's shop: items and orders (`point_shop_items`, `point_sales`, legacy tables the
 * dashboard reads too). Removed items stay (old orders name them) but are hidden.
 */
export class ShopRepository extends GuildRepository {
	public async item(id: number): Promise<ShopItem | null> {
		assertItemId(id);
		const rows = await this.client.$queryRaw<ShopItem[]>`
			SELECT ${ITEM_COLUMNS} FROM point_shop_items WHERE discord_server_id = ${this.guildId} AND id = ${id} AND removed_at IS NULL`;
		return rows[0] ?? null;
	}

	/** The item named `name` (case-insensitive), the lowest id first. */
	public async itemNamed(name: string): Promise<ShopItem | null> {
		const rows = await this.client.$queryRaw<ShopItem[]>`
			SELECT ${ITEM_COLUMNS} FROM point_shop_items
			WHERE discord_server_id = ${this.guildId} AND lower(name) = lower(${name.trim()}) AND removed_at IS NULL ORDER BY id LIMIT 1`;
		return rows[0] ?? null;
	}

	/** Every item not removed, by id; `activeOnly` for what buyers see. */
	public async items(options: { activeOnly?: boolean } = {}): Promise<ShopItem[]> {
		const active = options.activeOnly === true ? Prisma.sql`AND COALESCE(is_active, TRUE)` : Prisma.empty;
		return this.client.$queryRaw<ShopItem[]>`
			SELECT ${ITEM_COLUMNS} FROM point_shop_items WHERE discord_server_id = ${this.guildId} AND removed_at IS NULL ${active} ORDER BY id LIMIT 100`;
	}

	public async addItem(fields: ItemFields): Promise<ShopItem> {
		const rows = await this.client.$queryRaw<ShopItem[]>`
			INSERT INTO point_shop_items (discord_server_id, name, description, price, stock, image_url, is_active, per_user_limit, limit_window_hours,
				requires_link, required_role_id, min_watch_minutes, question, kind, raffle_tickets)
			VALUES (${this.guildId}, ${fields.name}, ${fields.description}, ${fields.price}, ${fields.stock}, ${fields.imageUrl}, ${fields.active},
				${fields.perUserLimit}, ${fields.limitWindowHours}, ${fields.requiresLink}, ${fields.requiredRoleId === null ? null : BigInt(fields.requiredRoleId)},
				${fields.minWatchMinutes}, ${fields.question}, ${fields.kind}, ${fields.raffleTickets})
			RETURNING ${ITEM_COLUMNS}`;
		return rows[0]!;
	}

	/** Replaces an item's fields; null when this server has no such item. */
	public async updateItem(id: number, fields: ItemFields): Promise<ShopItem | null> {
		assertItemId(id);
		const rows = await this.client.$queryRaw<ShopItem[]>`
			UPDATE point_shop_items SET name = ${fields.name}, description = ${fields.description}, price = ${fields.price}, stock = ${fields.stock},
				image_url = ${fields.imageUrl}, is_active = ${fields.active}, per_user_limit = ${fields.perUserLimit}, limit_window_hours = ${fields.limitWindowHours},
				requires_link = ${fields.requiresLink}, required_role_id = ${fields.requiredRoleId === null ? null : BigInt(fields.requiredRoleId)},
				min_watch_minutes = ${fields.minWatchMinutes}, question = ${fields.question}, kind = ${fields.kind}, raffle_tickets = ${fields.raffleTickets},
				updated_at = now()
			WHERE discord_server_id = ${this.guildId} AND id = ${id} AND removed_at IS NULL
			RETURNING ${ITEM_COLUMNS}`;
		return rows[0] ?? null;
	}

	/** Hides an item for good (its orders keep its name); null when this server has no such item. */
	public async removeItem(id: number): Promise<ShopItem | null> {
		assertItemId(id);
		const rows = await this.client.$queryRaw<ShopItem[]>`
			UPDATE point_shop_items SET removed_at = now(), is_active = FALSE, updated_at = now()
			WHERE discord_server_id = ${this.guildId} AND id = ${id} AND removed_at IS NULL RETURNING ${ITEM_COLUMNS}`;
		return rows[0] ?? null;
	}

	/** The item, locked for this transaction: purchases of one item queue here. */
	public async lockItem(id: number): Promise<ShopItem | null> {
		const rows = await this.client.$queryRaw<ShopItem[]>`
			SELECT ${ITEM_COLUMNS} FROM point_shop_items WHERE discord_server_id = ${this.guildId} AND id = ${id} AND removed_at IS NULL FOR UPDATE`;
		return rows[0] ?? null;
	}

	/** Takes one from a limited stock (the item is locked by the caller). */
	public async takeStock(id: number): Promise<void> {
		await this.client.$executeRaw`
			UPDATE point_shop_items SET stock = stock - 1 WHERE discord_server_id = ${this.guildId} AND id = ${id} AND stock > 0`;
	}

	/** Orders of an item by a buyer that count against the limit (not cancelled), since `since` (null: ever). */
	public async ordersCounted(itemId: number, kickUsername: string, since: Date | null): Promise<number> {
		const window = since === null ? Prisma.empty : Prisma.sql`AND purchased_at >= ${since}`;
		const rows = await this.client.$queryRaw<{ n: number }[]>`
			SELECT count(*)::int AS n FROM point_sales
			WHERE discord_server_id = ${this.guildId} AND item_id = ${itemId} AND lower(kick_username) = lower(${kickUsername})
				AND COALESCE(status, 'pending') <> 'cancelled' ${window}`;
		return rows[0]?.n ?? 0;
	}

	public async addOrder(order: {
		item: ShopItem;
		kickUsername: string;
		discordId: bigint | null;
		answer: string | null;
		status: OrderStatus;
	}): Promise<ShopOrder> {
		const handled = order.status === 'completed' ? Prisma.sql`now()` : Prisma.sql`NULL`;
		const rows = await this.client.$queryRaw<ShopOrder[]>`
			INSERT INTO point_sales (discord_server_id, item_id, kick_username, discord_id, item_name, price_paid, quantity, status, answer, handled_at)
			VALUES (${this.guildId}, ${order.item.id}, ${order.kickUsername}, ${order.discordId}, ${order.item.name}, ${order.item.price}, 1, ${order.status},
				${order.answer}, ${handled})
			RETURNING ${ORDER_COLUMNS}`;
		return rows[0]!;
	}

	public async order(id: number): Promise<ShopOrder | null> {
		assertItemId(id, 'An order number');
		const rows = await this.client.$queryRaw<ShopOrder[]>`
			SELECT ${ORDER_COLUMNS} FROM point_sales WHERE discord_server_id = ${this.guildId} AND id = ${id}`;
		return rows[0] ?? null;
	}

	/**
	 * Moves a pending order to `status` (locked: a double click completes or cancels once); null
	 * when it is not this server's or no longer pending.
	 */
	public async closeOrder(id: number, status: Exclude<OrderStatus, 'pending'>, by: bigint | null): Promise<ShopOrder | null> {
		const rows = await this.client.$queryRaw<ShopOrder[]>`
			UPDATE point_sales SET status = ${status}, handled_by_discord_id = ${by}, handled_at = now()
			WHERE discord_server_id = ${this.guildId} AND id = ${id} AND COALESCE(status, 'pending') = 'pending'
			RETURNING ${ORDER_COLUMNS}`;
		return rows[0] ?? null;
	}

	/** Gives back one to a limited stock (a cancelled order). */
	public async returnStock(itemId: number): Promise<void> {
		await this.client.$executeRaw`
			UPDATE point_shop_items SET stock = stock + 1, updated_at = now() WHERE discord_server_id = ${this.guildId} AND id = ${itemId} AND stock >= 0`;
	}

	public async pendingCount(): Promise<number> {
		const rows = await this.client.$queryRaw<{ n: number }[]>`
			SELECT count(*)::int AS n FROM point_sales WHERE discord_server_id = ${this.guildId} AND COALESCE(status, 'pending') = 'pending'`;
		return rows[0]?.n ?? 0;
	}

	/** Pending orders, oldest first: one page of the queue. */
	public async pendingPage(offset: number, limit: number): Promise<ShopOrder[]> {
		return this.client.$queryRaw<ShopOrder[]>`
			SELECT ${ORDER_COLUMNS} FROM point_sales WHERE discord_server_id = ${this.guildId} AND COALESCE(status, 'pending') = 'pending'
			ORDER BY id LIMIT ${limit} OFFSET ${offset}`;
	}

	/** Where the shop message is: its channel and the outbox key it was posted under. */
	public async shopMessage(): Promise<{ channelId: string; postKey: string } | null> {
		const rows = await this.client.$queryRaw<{ channelId: string; postKey: string }[]>`
			SELECT channel_id::text AS "channelId", post_key AS "postKey" FROM shop_messages WHERE discord_server_id = ${this.guildId}`;
		return rows[0] ?? null;
	}

	public async recordShopMessage(channelId: string, postKey: string): Promise<void> {
		await this.client.$executeRaw`
			INSERT INTO shop_messages (discord_server_id, channel_id, post_key) VALUES (${this.guildId}, ${BigInt(channelId)}, ${postKey})
			ON CONFLICT (discord_server_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, post_key = EXCLUDED.post_key, updated_at = now()`;
	}

	/** The id of a message the outbox sent under `dedupeKey` (a Discord post), once sent. */
	public async postedMessageId(dedupeKey: string): Promise<string | null> {
		const rows = await this.client.$queryRaw<{ id: string | null }[]>`
			SELECT sent_message_id AS id FROM outbox_messages WHERE discord_server_id = ${this.guildId} AND dedupe_key = ${`discord:${dedupeKey}`} AND status = 'sent'`;
		return rows[0]?.id ?? null;
	}
}
