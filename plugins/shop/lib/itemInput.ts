import { InvalidInputError } from '#core';
import type { ItemFields, ItemKind, ShopItem } from './ShopRepository.js';

export const NAME_MAX_LENGTH = 80;
export const DESCRIPTION_MAX_LENGTH = 1000;
export const QUESTION_MAX_LENGTH = 200;
export const ANSWER_MAX_LENGTH = 200;
/** The points plugin takes amounts up to 100,000,000. */
export const PRICE_MAX = 100_000_000;
export const STOCK_MAX = 1_000_000;
export const TICKETS_MAX = 1_000_000;
export const WATCH_MINUTES_MAX = 10_000_000;
export const WINDOW_HOURS_MAX = 24 * 366;

/** What a moderator typed for an item; absent fields keep their value (an edit) or their default (an add). */
export interface ItemInput {
	readonly name?: string | null;
	readonly description?: string | null;
	readonly price?: number | string | null;
	readonly stock?: number | string | null;
	readonly imageUrl?: string | null;
	readonly perUserLimit?: number | string | null;
	readonly limitWindowHours?: number | string | null;
	readonly requiresLink?: boolean | null;
	readonly requiredRoleId?: string | null;
	readonly minWatchMinutes?: number | string | null;
	readonly question?: string | null;
	readonly kind?: string | null;
	readonly raffleTickets?: number | string | null;
	readonly active?: boolean | null;
}

const DEFAULTS: ItemFields = {
	name: '',
	description: null,
	price: 0,
	stock: -1,
	imageUrl: null,
	active: true,
	perUserLimit: -1,
	limitWindowHours: null,
	requiresLink: false,
	requiredRoleId: null,
	minWatchMinutes: 0,
	question: null,
	kind: 'moderators',
	raffleTickets: 0
};

/** A whole number from `min` to `max`, from a number or text ("1,000" and "1000" alike); what it is named in the refusal. */
export function wholeNumber(value: number | string, what: string, min: number, max: number): number {
	const number = typeof value === 'number' ? value : /^\s*[+-]?\d[\d,_]*\s*$/.test(value) ? Number(value.replace(/[\s,_]/g, '')) : Number.NaN;
	if (!Number.isSafeInteger(number) || number < min || number > max)
		throw new InvalidInputError(
			`${what} is a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} (got ${String(value).slice(0, 40)})`
		);
	return number;
}

function text(value: string | null | undefined, what: string, max: number): string | null {
	const trimmed = value?.trim() ?? '';
	if (trimmed === '') return null;
	if ([...trimmed].length > max) throw new InvalidInputError(`${what} is at most ${max} characters`);
	return trimmed;
}

/**
 * The item's fields after applying `input` to `base` (an item being edited, or the defaults),
 * checked: a clear message names the first field refused, and nothing is written.
 * @throws {InvalidInputError}
 */
export function itemFields(input: ItemInput, base: ItemFields | ShopItem = DEFAULTS): ItemFields {
	const has = <K extends keyof ItemInput>(key: K) => input[key] !== undefined && input[key] !== null;
	const name = has('name') ? text(input.name, 'A name', NAME_MAX_LENGTH) : base.name;
	if (name === null || name === '') throw new InvalidInputError('An item needs a name (1 to 80 characters)');
	if (/^\d+$/.test(name)) throw new InvalidInputError('A name cannot be only digits (it would read as an item number)');
	const kind = (has('kind') ? input.kind : base.kind) as string;
	if (kind !== 'moderators' && kind !== 'raffle_tickets') throw new InvalidInputError('A kind is `moderators` or `raffle_tickets`');
	const raffleTickets = has('raffleTickets') ? wholeNumber(input.raffleTickets!, 'Raffle tickets', 0, TICKETS_MAX) : base.raffleTickets;
	if (kind === 'raffle_tickets' && raffleTickets < 1) throw new InvalidInputError('A raffle tickets item gives 1 to 1,000,000 tickets (set `tickets`)');
	const imageUrl = has('imageUrl') ? text(input.imageUrl, 'An image URL', 500) : base.imageUrl;
	if (imageUrl !== null && !/^https:\/\/\S+$/.test(imageUrl)) throw new InvalidInputError('An image URL starts with https:// and has no spaces');
	const requiredRoleId = has('requiredRoleId') ? (input.requiredRoleId === '' ? null : input.requiredRoleId!) : base.requiredRoleId;
	if (requiredRoleId !== null && !/^\d{17,20}$/.test(requiredRoleId)) throw new InvalidInputError('A required role is a role of this server');
	return {
		name,
		description: has('description') ? text(input.description, 'A description', DESCRIPTION_MAX_LENGTH) : base.description,
		price: has('price') ? wholeNumber(input.price!, 'A price', 1, PRICE_MAX) : base.price,
		stock: has('stock') ? wholeNumber(input.stock!, 'Stock (-1 for unlimited)', -1, STOCK_MAX) : base.stock,
		imageUrl,
		active: has('active') ? input.active! : base.active,
		perUserLimit: has('perUserLimit') ? wholeNumber(input.perUserLimit!, 'A per-user limit (-1 for none)', -1, STOCK_MAX) : base.perUserLimit,
		limitWindowHours: has('limitWindowHours')
			? wholeNumber(input.limitWindowHours!, 'A limit window in hours (0 for ever)', 0, WINDOW_HOURS_MAX) || null
			: base.limitWindowHours,
		requiresLink: has('requiresLink') ? input.requiresLink! : base.requiresLink,
		requiredRoleId,
		minWatchMinutes: has('minWatchMinutes') ? wholeNumber(input.minWatchMinutes!, 'Minimum watch minutes', 0, WATCH_MINUTES_MAX) : base.minWatchMinutes,
		question: has('question') ? text(input.question, 'A question', QUESTION_MAX_LENGTH) : base.question,
		kind: kind as ItemKind,
		raffleTickets: kind === 'raffle_tickets' ? raffleTickets : 0
	};
}

/** An item's fields with its price checked too (an add needs one). */
export function newItemFields(input: ItemInput): ItemFields {
	if (input.price === undefined || input.price === null) throw new InvalidInputError('An item needs a price (a whole number of points from 1)');
	return itemFields(input);
}
