import type { ShopItem, ShopOrder } from './ShopRepository.js';

/** Kick chat's limit on one message. */
export const KICK_MAX_LENGTH = 500;

const points = (n: number) => `${n.toLocaleString('en-US')} pts`;

/** Text typed by people, shown in Discord without formatting or pings. */
export function plain(text: string): string {
	return text.replace(/([\\*_~`|>#[\]()-])/g, '\\$1').replace(/@/g, '@\u200b');
}

export function stockText(item: Pick<ShopItem, 'stock'>): string {
	return item.stock < 0 ? 'unlimited' : item.stock === 0 ? 'sold out' : `${item.stock} left`;
}

/** One line of an item for Discord: number, name, price, stock and what it needs. */
export function itemLine(item: ShopItem): string {
	const needs = [
		item.requiresLink ? 'linked account' : null,
		item.requiredRoleId === null ? null : `<@&${item.requiredRoleId}>`,
		item.minWatchMinutes > 0 ? `${item.minWatchMinutes} min watched` : null,
		item.perUserLimit >= 0 ? `max ${item.perUserLimit}${item.limitWindowHours === null ? '' : ` per ${item.limitWindowHours} h`}` : null
	].filter((need) => need !== null);
	const kind = item.kind === 'raffle_tickets' ? ` · 🎟️ ${item.raffleTickets} raffle tickets` : '';
	return `**#${item.id} ${plain(item.name)}** · ${points(item.price)} · ${stockText(item)}${kind}${item.active ? '' : ' · *disabled*'}${needs.length === 0 ? '' : ` · needs ${needs.join(', ')}`}`;
}

/** The shop message: every active item, and a select menu to buy one (up to Discord's 25 options). */
export function shopMessage(guildId: bigint, items: readonly ShopItem[]): { content: string; embeds: object[]; components: object[] } {
	const forSale = items.filter((item) => item.active).slice(0, 25);
	const description =
		forSale.length === 0
			? 'Nothing for sale right now.'
			: forSale
					.map((item) => `${itemLine(item)}${item.description === null ? '' : `\n${plain(item.description).slice(0, 200)}`}`)
					.join('\n\n')
					.slice(0, 4000);
	const select = {
		type: 1,
		components: [
			{
				type: 3,
				custom_id: `shop:buy:${guildId}`,
				placeholder: 'Buy an item…',
				disabled: forSale.length === 0,
				options: (forSale.length === 0 ? [{ id: 0, name: 'Nothing for sale', price: 0, stock: 0 } as ShopItem] : forSale).map((item) => ({
					label: item.name.slice(0, 100),
					value: String(item.id),
					description: `${points(item.price)} · ${stockText(item)}`.slice(0, 100)
				}))
			}
		]
	};
	return {
		content: '',
		embeds: [{ title: '🛒 Point shop', description, footer: { text: 'Points are earned by watching in Kick chat. !shop and !redeem work there too.' } }],
		components: [select]
	};
}

/** `!shop` in Kick chat: the items on one line, within Kick's 500 characters. */
export function chatShopLine(items: readonly ShopItem[], prefix: string): string {
	const forSale = items.filter((item) => item.active && item.stock !== 0);
	if (forSale.length === 0) return 'The shop has nothing for sale right now.';
	const head = 'Shop: ';
	const tail = ` | Buy: ${prefix}redeem <item> [answer]`;
	let line = head;
	let shown = 0;
	for (const item of forSale) {
		const entry = `${shown === 0 ? '' : ', '}#${item.id} ${item.name} (${item.price})`;
		if ((line + entry + tail).length > KICK_MAX_LENGTH - 12) break;
		line += entry;
		shown += 1;
	}
	const more = forSale.length > shown ? ` +${forSale.length - shown} more` : '';
	return `${line}${more}${tail}`;
}

/** An order as moderators see it. */
export function orderLine(order: ShopOrder): string {
	const who = order.discordId === null ? plain(order.kickUsername) : `<@${order.discordId}> (${plain(order.kickUsername)})`;
	const answer = order.answer === null ? '' : `\n> ${plain(order.answer)}`;
	return `**#${order.id}** ${plain(order.itemName)} · ${points(order.pricePaid)} · ${who} · <t:${Math.floor(order.purchasedAt.getTime() / 1000)}:R>${answer}`;
}
