import { createHash } from 'node:crypto';
import { assertSeed, commitSeed, seedCommitment, sha256Hex } from '#core';
import type { ExcludedEntry, TicketEntry } from './types.js';

// The seed and its commitment are the core's (shared with slot-request picks); the raffle's modules read them from here.
export { assertSeed, commitSeed, seedCommitment, sha256Hex };

/** The procedure every record names; docs/provably-fair.md describes it step by step. */
export const RAFFLE_DRAW_ALGORITHM = 'raffle-draw-v1: sha256 commitment, sha256 ticket table, hmac-sha256 stream, rejection sampling, repacked ranges';

/** Control characters and anything from U+D800 up: keys without them are safe and UTF-16 order is their code point order. */
const CONTROL_OR_HIGH = /[\u0000-\u001f\u007f\ud800-\uffff]/;
/** The same, but for whole lines of table text: TAB and LF are its structure. */
const CONTROL_OR_HIGH_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f\ud800-\uffff]/;
/** Control characters (they would break the table's lines) and lone surrogates (no UTF-8 form). */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether text can stand in one line of the published table or inputs. */
export function isSafeText(text: unknown): text is string {
	return typeof text === 'string' && !UNSAFE_TEXT.test(text);
}

/** A ticket table that breaks the rules (order, repeats, counts, text form): the table's fault, not the reader's. */
export class TicketTableError extends Error {
	public override readonly name = 'TicketTableError';
}

/** Whether a key has no control character and nothing from U+D800 up: such keys compare by code point with `<`. */
export function isSimpleKey(key: string): boolean {
	return !CONTROL_OR_HIGH.test(key);
}

/** Orders keys by Unicode code point (the order of their UTF-8 bytes, PostgreSQL's `COLLATE "C"`), not by UTF-16 unit. */
export function compareKeys(a: string, b: string): number {
	const length = Math.min(a.length, b.length);
	for (let index = 0; index < length; index++) {
		let x = a.charCodeAt(index);
		let y = b.charCodeAt(index);
		if (x === y) continue;
		// Surrogates (D800–DFFF) encode code points above FFFF, so they sort after E000–FFFF.
		if (x >= 0xd800 && y >= 0xd800) {
			x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
			y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
		}
		return x < y ? -1 : 1;
	}
	return a.length - b.length;
}

/**
 * Throws a clear error unless the entry can follow `previousKey` in the table; returns whether
 * its key is simple (no control character, nothing from U+D800 up), for the next call.
 */
export function assertEntry(entry: TicketEntry, previousKey: string | null, previousSimple: boolean, line: number): boolean {
	const key: unknown = entry?.key;
	const tickets: unknown = entry?.tickets;
	// A simple key is checked with one regex test, and two simple keys compare with `<`.
	const simple = typeof key === 'string' && key !== '' && !CONTROL_OR_HIGH.test(key);
	if (!simple && (typeof key !== 'string' || key === '' || !isSafeText(key)))
		throw new TicketTableError(`Ticket table line ${line}: the key must be non-empty text without control characters, got ${JSON.stringify(key)}.`);
	if (typeof tickets !== 'number' || !Number.isSafeInteger(tickets) || tickets < 1)
		throw new TicketTableError(
			`Ticket table line ${line} (${key}): tickets must be a positive whole number, got ${JSON.stringify(tickets)} (${typeof tickets}).`
		);
	if (previousKey !== null && (simple && previousSimple ? previousKey >= key : compareKeys(previousKey, key) >= 0)) throw orderError(previousKey, key, line);
	return simple;
}

function orderError(previousKey: string, key: string, line: number): TicketTableError {
	return new TicketTableError(
		previousKey === key
			? `Ticket table line ${line}: the key ${key} appears twice.`
			: `Ticket table line ${line}: ${key} comes after ${previousKey}; the table must be sorted by key in code point order (COLLATE "C").`
	);
}

/** One line of the canonical table text. */
export function tableLine(entry: TicketEntry): string {
	return `${entry.key}\t${entry.tickets}\n`;
}

/** Characters buffered before they are hashed: few calls into the hash, short strings. */
const CHUNK_CHARS = 1 << 16;

/**
 * The ticket table's fingerprint: sha256 over the lines `key TAB tickets LF` (UTF-8), fed in
 * table order; rejects a key out of order, a duplicate, or a count that is not a positive
 * whole number.
 */
export class TicketTableFingerprint {
	private readonly hash = createHash('sha256');
	private pending = '';
	/** Characters of the table text before `pending`. */
	private flushedChars = 0;
	private lastKey: string | null = null;
	private lastSimple = false;
	private finished: string | null = null;
	private count = 0;
	private total = 0;

	/** @param keepText called with each hashed piece of the table text (whole lines), for a caller that keeps it */
	public constructor(private readonly keepText?: (text: string) => void) {}

	public get participants(): number {
		return this.count;
	}

	public get totalTickets(): number {
		return this.total;
	}

	/** The last key added, or null. */
	public get previousKey(): string | null {
		return this.lastKey;
	}

	/** Adds the next entry; returns where its line starts in the table text (in characters). */
	public add(entry: TicketEntry): number {
		if (this.finished !== null) throw new Error('The ticket table fingerprint is already complete.');
		const simple = assertEntry(entry, this.lastKey, this.lastSimple, this.count + 1);
		const total = this.total + entry.tickets;
		if (!Number.isSafeInteger(total)) throw new TicketTableError(`The ticket table holds more than ${Number.MAX_SAFE_INTEGER} tickets.`);
		const at = this.flushedChars + this.pending.length;
		this.pending += tableLine(entry);
		this.lastKey = entry.key;
		this.lastSimple = simple;
		this.total = total;
		this.count++;
		if (this.pending.length >= CHUNK_CHARS) this.flush();
		return at;
	}

	/**
	 * Adds whole lines of canonical table text (`key TAB tickets LF`…, as PostgreSQL builds them
	 * with `string_agg`), checked as `add` checks entries; calls `onLine` for each with where its
	 * line starts in the table text and whether its key is simple (see `isSimpleKey`). Cheaper than entries: no object per participant, one hash call.
	 */
	public addLines(text: string, onLine?: (key: string, tickets: number, lineStart: number, simple: boolean) => void): void {
		if (this.finished !== null) throw new Error('The ticket table fingerprint is already complete.');
		if (typeof text !== 'string') throw new TicketTableError('Ticket table text must be a string.');
		if (text === '') return;
		if (text.charCodeAt(text.length - 1) !== 10) throw new TicketTableError(`Ticket table text after line ${this.count} must end with a line feed.`);
		this.flush();
		// One test for the whole text: then every key is simple and keys compare with `<`.
		const simpleText = !CONTROL_OR_HIGH_IN_LINES.test(text);
		const base = this.flushedChars;
		let { lastKey, lastSimple, count, total } = this;
		for (let at = 0; at < text.length;) {
			const line = count + 1;
			const end = text.indexOf('\n', at);
			const tab = text.indexOf('\t', at);
			if (tab < 0 || tab > end) throw new TicketTableError(`Ticket table line ${line}: not "key TAB tickets".`);
			const key = text.slice(at, tab);
			const digits = end - tab - 1;
			let tickets = digits < 1 || digits > 16 || text.charCodeAt(tab + 1) === 48 ? Number.NaN : 0;
			for (let index = tab + 1; index < end && !Number.isNaN(tickets); index++) {
				const digit = text.charCodeAt(index) - 48;
				tickets = digit >= 0 && digit <= 9 ? tickets * 10 + digit : Number.NaN;
			}
			if (!Number.isSafeInteger(tickets))
				throw new TicketTableError(
					`Ticket table line ${line} (${key}): tickets must be a positive whole number without leading zeros, got ${JSON.stringify(text.slice(tab + 1, end))}.`
				);
			if (simpleText && key !== '') {
				if (lastKey !== null && (lastSimple ? lastKey >= key : compareKeys(lastKey, key) >= 0)) throw orderError(lastKey, key, line);
				lastSimple = true;
			} else lastSimple = assertEntry({ key, tickets }, lastKey, lastSimple, line);
			lastKey = key;
			total += tickets;
			count++;
			onLine?.(key, tickets, base + at, lastSimple);
			at = end + 1;
		}
		if (!Number.isSafeInteger(total)) throw new TicketTableError(`The ticket table holds more than ${Number.MAX_SAFE_INTEGER} tickets.`);
		this.lastKey = lastKey;
		this.lastSimple = lastSimple;
		this.count = count;
		this.total = total;
		this.hash.update(text, 'utf8');
		this.keepText?.(text);
		this.flushedChars += text.length;
	}

	/** The fingerprint (hex); the table is complete after this. */
	public digest(): string {
		if (this.finished === null) {
			this.flush();
			this.finished = this.hash.digest('hex');
		}
		return this.finished;
	}

	private flush(): void {
		if (this.pending === '') return;
		this.hash.update(this.pending, 'utf8');
		this.keepText?.(this.pending);
		this.flushedChars += this.pending.length;
		this.pending = '';
	}
}

/** The inputs of a draw the client seed binds: every one but the server seed. */
export interface ClientSeedInputs {
	readonly commitment: string;
	readonly fingerprint: string;
	readonly label: string;
	readonly requestedWinners: number;
	readonly firstNonce: number;
	readonly excluded: readonly ExcludedEntry[];
	readonly previousWinners: readonly string[];
}

/** sha256 of the inputs, one item per line (docs/provably-fair.md, "Client seed"), fed in pieces: exclusions can be many. */
export function clientSeedOf(inputs: ClientSeedInputs): string {
	const hash = createHash('sha256');
	let text =
		`raffle-draw-v1\ncommitment ${inputs.commitment}\nfingerprint ${inputs.fingerprint}\nlabel ${inputs.label}\n` +
		`winners ${inputs.requestedWinners}\nfirst-nonce ${inputs.firstNonce}\n`;
	const line = (next: string): void => {
		text += next;
		if (text.length >= CHUNK_CHARS) {
			hash.update(text, 'utf8');
			text = '';
		}
	};
	for (const entry of inputs.excluded) line(`excluded ${entry.key}\t${entry.tickets}\t${entry.reason}\n`);
	for (const key of inputs.previousWinners) line(`previous-winner ${key}\n`);
	return hash.update(text, 'utf8').digest('hex');
}
