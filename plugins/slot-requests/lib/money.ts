/*
 * Money as whole cents in a bigint, parsed from and written to text exactly (NUMERIC(14,2) columns
 * are read as text): no amount passes through a float, so $0.10 + $0.20 is 30 cents. Ratios
 * (multipliers) are shown rounded half up from the exact fraction.
 */

/** $999,999,999,999.99: the most a NUMERIC(14,2) column holds. */
export const MAX_CENTS = 99_999_999_999_999n;

const AMOUNT = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

export type MoneyParse = { readonly ok: true; readonly cents: bigint } | { readonly ok: false; readonly error: string };

/**
 * An amount as a moderator types it (`12.5`, `$1,234.56`, `0.20`): refuses negatives, more than two
 * decimals, exponents and any other text, and zero unless `allowZero` (a payout may be 0, a bet may not).
 */
export function parseMoney(text: string, what: string, options: { readonly allowZero?: boolean } = {}): MoneyParse {
	const typed = text.trim();
	const match = AMOUNT.exec(typed);
	if (match === null) {
		if (/^-/.test(typed)) return { ok: false, error: `The ${what} cannot be negative.` };
		if (/^\$?[\d,]*\.\d{3,}$/.test(typed)) return { ok: false, error: `The ${what} takes at most 2 decimals (cents), like 12.50.` };
		return { ok: false, error: `${JSON.stringify([...typed].slice(0, 20).join(''))} is not an amount for the ${what}: type it like 12.50 or $1,234.56.` };
	}
	const cents = BigInt(match[1]!.replaceAll(',', '')) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
	if (cents > MAX_CENTS) return { ok: false, error: `The ${what} can be at most ${formatMoney(MAX_CENTS)}.` };
	if (cents === 0n && options.allowZero !== true) return { ok: false, error: `The ${what} must be more than $0.` };
	return { ok: true, cents };
}

/** Cents from a NUMERIC(14,2) column's text ("12.50", "-3.00", "7"). */
export function centsOf(text: string): bigint {
	const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
	if (match === null) throw new TypeError(`${JSON.stringify(text)} is not a stored amount.`);
	const cents = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
	return match[1] === '-' ? -cents : cents;
}

/** `12.50`: the amount as a NUMERIC column takes it. */
export function plainMoney(cents: bigint): string {
	const sign = cents < 0n ? '-' : '';
	const text = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
	return `${sign}${text.slice(0, -2)}.${text.slice(-2)}`;
}

/** `$1,234.56` (and `-$3.00`): how answers show an amount. */
export function formatMoney(cents: bigint): string {
	const plain = plainMoney(cents);
	const negative = plain.startsWith('-');
	const [whole, decimals] = (negative ? plain.slice(1) : plain).split('.');
	return `${negative ? '-' : ''}$${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}.${decimals}`;
}

/** An exact ratio of two amounts (numerator ÷ denominator, denominator > 0). */
export interface Ratio {
	readonly numerator: bigint;
	readonly denominator: bigint;
}

/** The ratio rounded half up to `decimals` places, as text: `ratioText({ 1, 3 }, 2)` is "0.33". */
export function ratioText(ratio: Ratio, decimals = 2): string {
	if (ratio.denominator <= 0n) throw new RangeError('A ratio needs a positive denominator.');
	const scale = 10n ** BigInt(decimals);
	const negative = ratio.numerator < 0n;
	const magnitude = negative ? -ratio.numerator : ratio.numerator;
	const scaled = (magnitude * scale * 2n + ratio.denominator) / (ratio.denominator * 2n);
	const text = scaled.toString().padStart(decimals + 1, '0');
	const body = decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
	return negative && scaled !== 0n ? `-${body}` : body;
}

/** Compares two ratios exactly: negative when a < b. */
export function compareRatios(a: Ratio, b: Ratio): number {
	const left = a.numerator * b.denominator;
	const right = b.numerator * a.denominator;
	return left < right ? -1 : left > right ? 1 : 0;
}
