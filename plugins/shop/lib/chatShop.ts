import { chatShopLine, KICK_MAX_LENGTH } from './describeShop.js';
import type { PurchaseOutcome } from './purchase.js';
import { buyFor, type ShopContext } from './shopActions.js';
import type { ShopItem } from './ShopRepository.js';

/** Discord's bold marks mean nothing in Kick chat. */
const chatText = (line: string) => line.replace(/\*\*/g, '').replace(/`/g, '').slice(0, KICK_MAX_LENGTH);

/** `!shop`: the items for sale, briefly. */
export async function answerChatShop(context: ShopContext): Promise<string> {
	return chatShopLine(await context.db.shop.items({ activeOnly: true }), context.settings.get('prefix'));
}

/** The item a chatter names in `!redeem`: a number (`3`, `#3`) or the longest name the words start with (names have spaces). */
export function pickItem(items: readonly ShopItem[], words: string): { item: ShopItem; rest: string } | null {
	const typed = words.trim();
	const number = /^#?(\d{1,12})(?:\s+([\s\S]*))?$/.exec(typed);
	if (number !== null) {
		const item = items.find((candidate) => candidate.id === Number(number[1]));
		return item === undefined ? null : { item, rest: number[2]?.trim() ?? '' };
	}
	const lower = typed.toLowerCase();
	const named = items
		.filter((item) => lower === item.name.toLowerCase() || lower.startsWith(`${item.name.toLowerCase()} `))
		.sort((x, y) => y.name.length - x.name.length)[0];
	return named === undefined ? null : { item: named, rest: typed.slice(named.name.length).trim() };
}

/** `!redeem <item> [answer]` for a chatter: buys with their points here, and says what happened in one chat line. */
export async function answerChatRedeem(context: ShopContext, username: string, words: string): Promise<string> {
	const prefix = context.settings.get('prefix');
	if (words.trim() === '') return `Usage: ${prefix}redeem <item> [answer]. ${prefix}shop lists the items.`;
	const items = await context.db.shop.items({ activeOnly: true });
	const picked = pickItem(items, words);
	if (picked === null) return chatText(`@${username} there is no item "${words.trim().slice(0, 60)}" for sale. ${prefix}shop lists them.`);
	const outcome: PurchaseOutcome = await buyFor(
		context,
		picked.item.id,
		{ via: 'kick', kickUsername: username, roleIdsOf: (discordId) => memberRoles(context, discordId) },
		picked.rest === '' ? null : picked.rest
	);
	if (outcome.status === 'refused') return chatText(`@${username} ${outcome.line}`);
	const done = outcome.order.status === 'completed' ? `${outcome.item.raffleTickets} raffle tickets added` : 'a moderator will fulfil it';
	return chatText(
		`@${username} you bought ${outcome.item.name} for ${outcome.order.pricePaid} points (order #${outcome.order.id}, ${done}). Balance: ${outcome.balance}.`
	);
}

/** A linked member's roles in this server (read from Discord when another process holds its shard); null when the bot cannot see them. */
async function memberRoles(context: ShopContext, discordId: bigint): Promise<readonly string[] | null> {
	const guild = await context.discordGuild().catch(() => null);
	if (guild === null) return null;
	try {
		return [...(await guild.members.fetch(discordId.toString())).roles.cache.keys()];
	} catch {
		return null;
	}
}
