/*
 * Money as whole cents in a bigint, parsed from and written to text exactly: a balance never
 * passes through a float, so $0.10 + $0.20 is 30 cents and 999,999,999,999.99 keeps its last cent.
 */

/** The largest amount a guess or a final balance may be: $999,999,999,999.99 (fits numeric(14,2)). */
export const MAX_CENTS = 99_999_999_999_999n;

/** Digits with optional thousands commas (in threes), then optionally a point and one or two decimals; a leading $. */
const AMOUNT = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;
/** The same with more decimals: refused with its own sentence. */
const TOO_PRECISE = /^\$?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{3,}$/;

/** A minus sign before what would be an amount. */
const NEGATIVE = /^-\s*\$?[\d,]*\.?\d+$/;

export type AmountParse = { readonly ok: true; readonly cents: bigint } | { readonly ok: false; readonly error: string };

/**
 * An amount as a viewer or a moderator types it: `1234.56`, `$1,234.56`, `1234`. Refuses zero
 * and less (a final balance may be 0 with `allowZero`), anything over MAX_CENTS, more than two
 * decimals, NaN, infinity, exponents and any other text, each with a short sentence.
 */
export function parseAmount(text: string, options: { readonly allowZero?: boolean } = {}): AmountParse {
	const typed = text.trim();
	if (NEGATIVE.test(typed)) return { ok: false, error: options.allowZero === true ? 'It cannot be less than $0.' : 'A guess must be more than $0.' };
	if (TOO_PRECISE.test(typed)) return { ok: false, error: 'Use at most 2 decimals (cents), like 1234.56.' };
	const match = AMOUNT.exec(typed);
	if (match === null) return { ok: false, error: `${quoted(typed)} is not an amount: type it like 1234.56 or $1,234.56.` };
	const cents = BigInt(match[1]!.replaceAll(',', '')) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
	if (cents > MAX_CENTS) return { ok: false, error: `The most it can be is ${formatMoney(MAX_CENTS)}.` };
	if (cents === 0n && options.allowZero !== true) return { ok: false, error: 'A guess must be more than $0.' };
	return { ok: true, cents };
}

/** `$1,234.56`: how answers show an amount. */
export function formatMoney(cents: bigint): string {
	const sign = cents < 0n ? '-' : '';
	const [whole, decimals] = plainAmount(cents < 0n ? -cents : cents).split('.');
	return `${sign}$${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}.${decimals}`;
}

/** `1234.56`: the amount in the committed guess list (no sign, no separators, always two decimals). */
export function plainAmount(cents: bigint): string {
	const text = cents.toString().padStart(3, '0');
	return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

/** What was typed, quoted and cut short, so a pasted wall of text cannot fill the answer. */
function quoted(text: string): string {
	const cut = [...text].slice(0, 20).join('');
	return JSON.stringify(cut.length < text.length ? `${cut}…` : cut);
}
