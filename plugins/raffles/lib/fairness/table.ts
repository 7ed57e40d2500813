import { TicketTableFingerprint, compareKeys, isSimpleKey } from './canonical.js';
import type { ExcludedEntry, TicketEntries, TicketEntry } from './types.js';

/** A Float64Array that grows by doubling. */
class GrowingArray {
	public values = new Float64Array(1024);
	public length = 0;

	public push(value: number): void {
		if (this.length === this.values.length) {
			const grown = new Float64Array(this.values.length * 2);
			grown.set(this.values);
			this.values = grown;
		}
		this.values[this.length++] = value;
	}
}

/**
 * The ticket table after one streaming pass: its fingerprint and totals, the excluded entries
 * found, and the eligible entries compactly (the end of each one's range in a typed array, its
 * key found again in the kept table text), so a million participants cost a few typed arrays
 * and the table's text, not a million objects.
 */
export interface ReadTable {
	readonly fingerprint: string;
	readonly participants: number;
	readonly totalTickets: number;
	readonly excluded: ExcludedEntry[];
	readonly eligible: EligibleEntries;
}

export class EligibleEntries {
	/** Exclusive end of each eligible entry's range, ranges laid consecutively in table order. */
	private readonly ends = new GrowingArray();
	/** Where each eligible entry's line starts in the table text. */
	private readonly lineStarts = new GrowingArray();
	private readonly chunks: string[] = [];
	private readonly chunkStarts: number[] = [];
	private keptChars = 0;

	public get count(): number {
		return this.ends.length;
	}

	public get tickets(): number {
		return this.ends.length === 0 ? 0 : this.ends.values[this.ends.length - 1]!;
	}

	public add(tickets: number, lineStart: number): void {
		this.ends.push(this.tickets + tickets);
		this.lineStarts.push(lineStart);
	}

	public keepText(text: string): void {
		this.chunks.push(text);
		this.chunkStarts.push(this.keptChars);
		this.keptChars += text.length;
	}

	/** Range start (inclusive) of entry `index` before any removal. */
	public startOf(index: number): number {
		return index === 0 ? 0 : this.ends.values[index - 1]!;
	}

	public ticketsOf(index: number): number {
		return this.ends.values[index]! - this.startOf(index);
	}

	/** The entry whose range holds `ticket` (before any removal): the first whose end is above it. */
	public indexOfTicket(ticket: number): number {
		let low = 0;
		let high = this.ends.length - 1;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.ends.values[middle]! > ticket) high = middle;
			else low = middle + 1;
		}
		return low;
	}

	public keyOf(index: number): string {
		const at = this.lineStarts.values[index]!;
		let low = 0;
		let high = this.chunkStarts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >>> 1;
			if (this.chunkStarts[middle]! <= at) low = middle;
			else high = middle - 1;
		}
		const chunk = this.chunks[low]!;
		const from = at - this.chunkStarts[low]!;
		return chunk.slice(from, chunk.indexOf('\t', from));
	}
}

/** Reads the table once: validates its order and counts, fingerprints it, and sets the excluded keys and previous winners apart. */
export async function readTable(entries: TicketEntries, excluded: ReadonlyMap<string, string>, previousWinners: ReadonlySet<string>): Promise<ReadTable> {
	const eligible = new EligibleEntries();
	const fingerprint = new TicketTableFingerprint((text) => eligible.keepText(text));
	const found: ExcludedEntry[] = [];
	// The keys to leave out, sorted as the table is: one comparison per entry walks both (no hashing of a million keys).
	const keys = [...excluded.keys(), ...previousWinners];
	const skippedSimple = keys.every(isSimpleKey);
	// The built-in sort orders by UTF-16 unit, which is code point order for simple keys.
	const sorted = skippedSimple ? keys.sort() : keys.sort(compareKeys);
	const skipped = sorted.filter((key, index) => index === 0 || key !== sorted[index - 1]);
	let next = 0;
	const take = (key: string, tickets: number, at: number, simple = false): void => {
		// Simple keys compare by code point with `<`, about three times faster than compareKeys.
		if (simple && skippedSimple) while (next < skipped.length && skipped[next]! < key) next++;
		else while (next < skipped.length && compareKeys(skipped[next]!, key) < 0) next++;
		if (next < skipped.length && skipped[next] === key) {
			const reason = excluded.get(key);
			if (reason !== undefined) found.push({ key, tickets, reason });
			return;
		}
		eligible.add(tickets, at);
	};
	const takeEntry = (entry: TicketEntry): void => take(entry.key, entry.tickets, fingerprint.add(entry));
	for await (const item of entries()) {
		if (typeof item === 'string') fingerprint.addLines(item, take);
		else if (Array.isArray(item)) for (const entry of item as readonly TicketEntry[]) takeEntry(entry);
		else takeEntry(item as TicketEntry);
	}
	return { fingerprint: fingerprint.digest(), participants: fingerprint.participants, totalTickets: fingerprint.totalTickets, excluded: found, eligible };
}
