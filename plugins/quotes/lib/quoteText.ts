/** The longest quote, in characters (code points, as PostgreSQL's char_length counts them). */
export const QUOTE_MAX_LENGTH = 400;

/** Control characters that are not spaces or line breaks, and lone surrogates: PostgreSQL cannot store NUL, and none of them is part of what someone said. */
const UNSTORABLE = /(?!\s)[\p{Cc}\p{Cs}]/gu;

/** The length of a text in characters, not UTF-16 units: an emoji counts as one. */
export function characterCount(text: string): number {
	return [...text].length;
}

/**
 * A quote as it is stored, from what a member or chatter typed: line breaks and runs of spaces
 * become one space (a quote is one line in chat), other control characters go, the ends are trimmed.
 * Says what is wrong when nothing is left or it is too long.
 */
export function readQuoteText(typed: string): { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string } {
	const text = typed.replace(UNSTORABLE, '').replace(/\s+/gu, ' ').trim();
	if (text === '') return { ok: false, problem: 'A quote needs some text: add it after the command.' };
	const length = characterCount(text);
	if (length > QUOTE_MAX_LENGTH) return { ok: false, problem: `A quote is at most ${QUOTE_MAX_LENGTH} characters; this one has ${length}.` };
	return { ok: true, text };
}
