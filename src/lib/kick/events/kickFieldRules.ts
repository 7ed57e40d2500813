/**
 * What a field of a Kick event must be before the bot keeps it, as plain functions: the zod
 * schemas of both readers apply them, and so do the readers' fast paths for chat messages.
 */

/** The largest Kick id: ids are stored in PostgreSQL BIGINT columns. */
const MAX_KICK_ID = 2n ** 63n - 1n;
const DIGITS = /^\d{1,19}$/;

/**
 * A Kick id as canonical digits (no leading zeros), so two spellings of one id compare equal: a
 * JSON number as Kick's webhooks send it (only exact integers), or a string of digits; null when
 * the value is no id from 0 to 2^63 - 1.
 */
export function kickIdOf(value: unknown): string | null {
	if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
	if (typeof value !== 'string' || !DIGITS.test(value)) return null;
	// Up to 15 digits fit a double exactly: no BigInt needed to drop leading zeros and compare.
	if (value.length <= 15) return value.length > 1 && value.startsWith('0') ? String(Number(value)) : value;
	const id = BigInt(value);
	return id > MAX_KICK_ID ? null : id.toString();
}

/** What PostgreSQL refuses in text: NUL anywhere, and lone surrogates in jsonb (with `u`, a well-formed pair is one code point and does not match). */
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;

/** Text the database can store: no NUL character and no lone surrogate. */
export function isStorableText(text: string): boolean {
	return !UNSTORABLE.test(text);
}

/** The id of a chat message (or another event Kick names): 1 to 128 printable ASCII characters, so it fits a database key whatever Kick sends. */
export const KICK_EVENT_ID = /^[\x21-\x7E]{1,128}$/;

/** A count Kick sends (months, kicks): a whole number that fits a PostgreSQL INTEGER. */
export function isKickCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2_147_483_647;
}
