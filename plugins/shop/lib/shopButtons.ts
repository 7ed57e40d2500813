import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';

/*
 * Custom ids carry the server they were made in and what they act on, so they keep working after
 * a restart and on any bot process, and one made in another server is refused before anything runs.
 */

/** The shop message's select menu: `shop:buy:<server>`. */
export const BUY_SELECT = /^shop:buy:(\d{1,20})$/;
/** The answer modal of an item with a question: `shop:answer:<server>:<item>`. */
export const ANSWER_MODAL = /^shop:answer:(\d{1,20}):(\d{1,10})$/;
/** Confirming a purchase: `shop:confirm:<server>:<item>`. */
export const CONFIRM_BUTTON = /^shop:confirm:(\d{1,20}):(\d{1,10})$/;
/** Completing or cancelling an order: `shop:order:<server>:<complete|cancel>:<order>`. */
export const ORDER_BUTTON = /^shop:order:(\d{1,20}):(complete|cancel):(\d{1,10})$/;
/** A page of the pending queue: `shop:orders:<server>:<page>`. */
export const ORDERS_PAGE_BUTTON = /^shop:orders:(\d{1,20}):(\d{1,10})$/;
/** The item text modal of `/shop item edit`: `shop:itemtext:<server>:<item>`. */
export const ITEM_TEXT_MODAL = /^shop:itemtext:(\d{1,20}):(\d{1,10})$/;

export const ANSWER_FIELD = 'answer';
/** The confirmation's embed field that holds the buyer's answer, read back when they confirm. */
export const ANSWER_EMBED_FIELD = 'Your answer';

/** What every handler says to a custom id made in another server: nothing runs. */
export const OTHER_SERVER = 'This belongs to another server’s shop. Nothing was changed.';
/** What a member who is not a moderator is told when they press a moderators' button. */
export const MODERATORS_ONLY = 'Only moderators of this server can do that. Nothing was changed.';

/** Complete and cancel under an order, in the queue and in the orders channel. */
export function orderButtons(guildId: bigint, orderId: number): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(`shop:order:${guildId}:complete:${orderId}`).setLabel(`Complete #${orderId}`).setStyle(ButtonStyle.Success),
		new ButtonBuilder().setCustomId(`shop:order:${guildId}:cancel:${orderId}`).setLabel(`Cancel #${orderId} (refund)`).setStyle(ButtonStyle.Danger)
	);
}

export function confirmButtons(guildId: bigint, itemId: number): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(`shop:confirm:${guildId}:${itemId}`).setLabel('Confirm purchase').setStyle(ButtonStyle.Success)
	);
}

export const ordersPageId = (guildId: bigint) => (page: number) => `shop:orders:${guildId}:${page}`;
