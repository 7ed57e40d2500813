/** Kick's limit on the `content` of `POST /chat`. */
export const KICK_CHAT_MESSAGE_LIMIT = 500;

/*
 * Lengths are JavaScript string lengths (UTF-16 code units). Kick does not say how it counts;
 * a code-unit count is never below the code-point count, so a part that fits here also fits
 * if Kick counts code points (an emoji outside the BMP costs 2 here, 1 there).
 */

/** Kick writes emotes inline as `[emote:<id>:<name>]`; a part must carry the whole token or none of it. */
const EMOTE_TOKEN = /\[emote:\d+:[^\]\s]*\]/g;

/** Break points from the strongest to the weakest; a weaker one is used only inside a piece that does not fit whole. */
const BREAKS: readonly RegExp[] = [
	// A blank line (paragraph).
	/\n\s*\n/g,
	// A line break.
	/\n/g,
	// A sentence end: . ! ? or … (then maybe a closing quote or bracket), then white space.
	/(?<=[.!?…]["'”’)\]]*)\s+/g,
	// Any white space (between words).
	/\s+/g
];

interface Span {
	readonly start: number;
	readonly end: number;
}

/**
 * Splits chat text into parts of at most `limit` characters (UTF-16 code units), each trimmed
 * and non-empty, in order. A part ends at the strongest break that lets the text fit: a blank
 * line, then a line break, then a sentence end, then a space. A word is cut only when it alone
 * is longer than `limit`, and then never between the two halves of a surrogate pair nor inside
 * an emote token (unless the token alone is longer than `limit`). The text between two breaks
 * that share a part is kept as written.
 */
export function splitChatMessage(text: string, limit = KICK_CHAT_MESSAGE_LIMIT): string[] {
	// Below 2 a surrogate pair could not be kept whole.
	if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`The part limit must be an integer of at least 2, got ${limit}.`);
	const whole = trimSpan(text, { start: 0, end: text.length });
	if (whole === null) return [];
	const emotes = [...text.matchAll(EMOTE_TOKEN)].map((match): Span => ({ start: match.index, end: match.index + match[0].length }));
	return splitSpan(text, whole, 0, limit, emotes).map((span) => text.slice(span.start, span.end));
}

/** Packs the pieces of `span` between breaks of `BREAKS[level]` greedily; a piece too long alone is split at the next level. */
function splitSpan(text: string, span: Span, level: number, limit: number, emotes: readonly Span[]): Span[] {
	if (span.end - span.start <= limit) return [span];
	const pattern = BREAKS[level];
	if (pattern === undefined) return cutWord(text, span, limit, emotes);

	const parts: Span[] = [];
	let current: Span | null = null;
	for (const piece of piecesOf(text, span, pattern)) {
		if (current !== null && piece.end - current.start <= limit) {
			current = { start: current.start, end: piece.end };
			continue;
		}
		if (current !== null) parts.push(current);
		current = null;
		if (piece.end - piece.start <= limit) current = piece;
		else parts.push(...splitSpan(text, piece, level + 1, limit, emotes));
	}
	if (current !== null) parts.push(current);
	return parts;
}

/** The trimmed, non-empty stretches of `span` between matches of `pattern`. */
function piecesOf(text: string, span: Span, pattern: RegExp): Span[] {
	const pieces: Span[] = [];
	let cursor = span.start;
	for (const match of text.slice(span.start, span.end).matchAll(pattern)) {
		const piece = trimSpan(text, { start: cursor, end: span.start + match.index });
		if (piece !== null) pieces.push(piece);
		cursor = span.start + match.index + match[0].length;
	}
	const last = trimSpan(text, { start: cursor, end: span.end });
	if (last !== null) pieces.push(last);
	return pieces;
}

/** Cuts a single over-long word (no white space inside) into pieces of at most `limit`. */
function cutWord(text: string, span: Span, limit: number, emotes: readonly Span[]): Span[] {
	const parts: Span[] = [];
	let start = span.start;
	while (span.end - start > limit) {
		let cut = start + limit;
		const emote = emotes.find((token) => token.start < cut && cut < token.end);
		if (emote !== undefined && emote.start > start) cut = emote.start;
		if (isHighSurrogate(text.charCodeAt(cut - 1)) && isLowSurrogate(text.charCodeAt(cut))) cut -= 1;
		parts.push({ start, end: cut });
		start = cut;
	}
	parts.push({ start, end: span.end });
	return parts;
}

function trimSpan(text: string, span: Span): Span | null {
	let { start, end } = span;
	while (start < end && /\s/.test(text[start]!)) start += 1;
	while (end > start && /\s/.test(text[end - 1]!)) end -= 1;
	return start < end ? { start, end } : null;
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}
