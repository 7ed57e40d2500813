import { gunzipSync, gzipSync } from 'node:zlib';
import { TicketTableFingerprint, tableLine } from './canonical.js';
import type { DrawRecord, TicketEntries, TicketEntry } from './types.js';

/** The first line's `format`: what docs/verify-raffle-draw.mjs reads. */
export const DRAW_EXPORT_FORMAT = 'raffle-draw-export';
/** Above this size an export is gzipped (Discord's attachment limit; the script reads both). */
export const GZIP_ABOVE_BYTES = 1 << 20;

export interface DrawExportFile {
	/** The file's bytes: the text, or its gzip when `gzipped`. */
	readonly data: Buffer;
	/** Name it `….txt.gz` when true, `….txt` otherwise. */
	readonly gzipped: boolean;
}

/**
 * The file `/raffle export` attaches: a first line of JSON `{ format, version, record }`, then the
 * ticket table's canonical lines (`key TAB tickets`), so the sha256 of everything after the first
 * line is the fingerprint. Throws if the entries are not the table the record was drawn from.
 */
export async function serializeDrawExport(record: DrawRecord, entries: TicketEntries, options: { gzip?: boolean | 'auto' } = {}): Promise<DrawExportFile> {
	const parts: string[] = [`${JSON.stringify({ format: DRAW_EXPORT_FORMAT, version: 1, record })}\n`];
	const fingerprint = new TicketTableFingerprint((text) => parts.push(text));
	for await (const item of entries()) {
		if (typeof item === 'string') fingerprint.addLines(item);
		else if (Array.isArray(item)) for (const entry of item as readonly TicketEntry[]) fingerprint.add(entry);
		else fingerprint.add(item as TicketEntry);
	}
	if (fingerprint.digest() !== record.fingerprint)
		throw new Error('These ticket entries are not the table the draw was made from (the fingerprint differs).');
	const text = Buffer.from(parts.join(''), 'utf8');
	const gzip = options.gzip ?? 'auto';
	const gzipped = gzip === 'auto' ? text.length > GZIP_ABOVE_BYTES : gzip;
	return { data: gzipped ? gzipSync(text) : text, gzipped };
}

/** Reads an export (text, or its bytes, gzipped or not) back into the record and the table. */
export function parseDrawExport(file: string | Uint8Array): { record: DrawRecord; entries: TicketEntry[] } {
	let text: string;
	if (typeof file === 'string') text = file;
	else {
		const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
		text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
	}
	const headerEnd = text.indexOf('\n');
	if (headerEnd < 0) throw new SyntaxError('This is not a raffle draw export: it has no first line.');
	let header: unknown;
	try {
		header = JSON.parse(text.slice(0, headerEnd));
	} catch {
		throw new SyntaxError('This is not a raffle draw export: the first line is not JSON.');
	}
	const { format, version, record } = (header ?? {}) as { format?: unknown; version?: unknown; record?: unknown };
	if (format !== DRAW_EXPORT_FORMAT || version !== 1 || typeof record !== 'object' || record === null)
		throw new SyntaxError(`This is not a version 1 ${DRAW_EXPORT_FORMAT} file.`);
	const entries: TicketEntry[] = [];
	const body = text.slice(headerEnd + 1);
	let at = 0;
	while (at < body.length) {
		const end = body.indexOf('\n', at);
		if (end < 0) throw new SyntaxError(`Ticket table line ${entries.length + 1} does not end with a line feed.`);
		const line = body.slice(at, end);
		const tab = line.lastIndexOf('\t');
		const count = line.slice(tab + 1);
		if (tab < 1 || !/^[1-9][0-9]*$/.test(count)) throw new SyntaxError(`Ticket table line ${entries.length + 1} is not "key TAB tickets".`);
		const entry = { key: line.slice(0, tab), tickets: Number(count) };
		// The canonical form only: a line that would be written differently is not the table that was hashed.
		if (tableLine(entry) !== `${line}\n`) throw new SyntaxError(`Ticket table line ${entries.length + 1} is not in canonical form.`);
		entries.push(entry);
		at = end + 1;
	}
	return { record: record as DrawRecord, entries };
}
