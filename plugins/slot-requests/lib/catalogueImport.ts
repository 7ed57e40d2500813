/*
 * A catalogue file as moderators export it from a spreadsheet or a casino's list: CSV with a header
 * row (name, provider, slug, banned, active; only name is required, any order, any case), or JSON
 * (an array of objects with those fields, or of names). Each entry keeps its line (CSV) or place
 * (JSON) so the report can say which ones were refused and why.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { SLOT_NAME_MAX, slotKey } from './slotNames.js';

/** One slot of the file; a field left out keeps the stored value. */
export interface CatalogueEntry {
	readonly line: number;
	readonly name: string;
	readonly provider?: string | null;
	readonly slug?: string | null;
	readonly banned?: boolean;
	readonly active?: boolean;
}

export interface CatalogueRefusal {
	readonly line: number;
	readonly reason: string;
}

export interface CatalogueFile {
	readonly entries: CatalogueEntry[];
	readonly refused: CatalogueRefusal[];
}

/** The most slots one file may hold. */
export const IMPORT_MAX_ENTRIES = 5_000;
/** The most a catalogue file attached to `/slots catalogue import` or `!slots catalogue import` may weigh. */
export const IMPORT_MAX_BYTES = 512 * 1024;
const FILE_NAMES = /\.(csv|json|txt)$/i;
const FILE_TYPES = /^(text\/(csv|plain)|application\/json)\b/i;

/** Whether an attached file is one to read as a catalogue: by its name (.csv, .json, .txt), or its type when the name says nothing. */
export function isCatalogueFileKind(name: string, contentType: string | null): boolean {
	return FILE_NAMES.test(name) || (!/\.[^.]+$/.test(name) && FILE_TYPES.test(contentType ?? ''));
}
const FIELDS = ['name', 'provider', 'slug', 'banned', 'active'] as const;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0', '']);
const CONTROL = /[\p{Cc}\p{Cs}]/u;

/** Reads a file (JSON when it starts with `[` or `{`, CSV otherwise); throws an Error whose message says what is wrong with the file as a whole. */
export function readCatalogueFile(text: string): CatalogueFile {
	const body = text.replace(/^\uFEFF/, '').trim();
	if (body.length === 0) throw new Error('The file is empty.');
	return body.startsWith('[') || body.startsWith('{') ? readJson(body) : readCsv(body);
}

function readJson(body: string): CatalogueFile {
	let data: unknown;
	try {
		data = JSON.parse(body);
	} catch (error) {
		throw new Error(`The file is not valid JSON: ${(error as Error).message}`);
	}
	if (!Array.isArray(data)) {
		const slots = (data as { slots?: unknown }).slots;
		if (!Array.isArray(slots)) throw new Error('The JSON must be a list of slots (or an object with a "slots" list).');
		data = slots;
	}
	const items = data as unknown[];
	if (items.length > IMPORT_MAX_ENTRIES) throw new Error(`The file has ${items.length} slots; import at most ${IMPORT_MAX_ENTRIES} at a time.`);
	return collect(items.map((item, index) => ({ line: index + 1, fields: typeof item === 'string' ? { name: item } : item })));
}

function readCsv(body: string): CatalogueFile {
	let rows: string[][];
	try {
		rows = parseCsv(body, { relax_column_count: true, skip_empty_lines: false, trim: true, delimiter: [',', ';', '\t'] }) as string[][];
	} catch (error) {
		throw new Error(`The file is not valid CSV: ${(error as Error).message}`);
	}
	const header = (rows[0] ?? []).map((cell) => cell.toLowerCase());
	const known = header.filter((cell): cell is (typeof FIELDS)[number] => (FIELDS as readonly string[]).includes(cell));
	// A file without a header is a list of names, one a line.
	const named = header.includes('name');
	const dataRows = named ? rows.slice(1) : rows;
	if (dataRows.length > IMPORT_MAX_ENTRIES) throw new Error(`The file has ${dataRows.length} slots; import at most ${IMPORT_MAX_ENTRIES} at a time.`);
	if (named && known.length !== header.filter((cell) => cell !== '').length)
		throw new Error(
			`Unknown column(s) ${header.filter((cell) => cell !== '' && !(FIELDS as readonly string[]).includes(cell)).join(', ')}: the columns are ${FIELDS.join(', ')}.`
		);
	const items = dataRows.map((row, index) => {
		const fields: Record<string, string> = {};
		if (named) header.forEach((column, place) => row[place] !== undefined && column !== '' && (fields[column] = row[place]!));
		else fields.name = row[0] ?? '';
		return { line: index + (named ? 2 : 1), fields, blank: row.every((cell) => cell === '') };
	});
	return collect(items.filter((item) => !item.blank));
}

function collect(items: readonly { line: number; fields: unknown }[]): CatalogueFile {
	const entries: CatalogueEntry[] = [];
	const refused: CatalogueRefusal[] = [];
	const seen = new Map<string, number>();
	for (const { line, fields } of items) {
		const read = readEntry(line, fields);
		if (typeof read === 'string') {
			refused.push({ line, reason: read });
			continue;
		}
		const key = slotKey(read.name);
		const first = seen.get(key);
		if (first !== undefined) {
			refused.push({ line, reason: `${read.name} is in the file already (line ${first})` });
			continue;
		}
		seen.set(key, line);
		entries.push(read);
	}
	return { entries, refused };
}

/** An entry, or why it is refused. */
function readEntry(line: number, fields: unknown): CatalogueEntry | string {
	if (typeof fields !== 'object' || fields === null) return 'not a slot (give a name, or an object with a name)';
	const record = fields as Record<string, unknown>;
	const name = typeof record.name === 'string' ? record.name.trim() : '';
	if (name === '') return 'no name';
	if (name.length > SLOT_NAME_MAX) return `the name is longer than ${SLOT_NAME_MAX} characters`;
	if (CONTROL.test(name)) return 'the name has a control character';
	if (slotKey(name) === '') return 'the name has no letter or digit';
	const entry: { -readonly [K in keyof CatalogueEntry]: CatalogueEntry[K] } = { line, name };
	for (const field of ['provider', 'slug'] as const) {
		if (!(field in record)) continue;
		const value = record[field];
		if (value !== null && typeof value !== 'string') return `${field} is not text`;
		const text = value === null ? '' : value.trim();
		if (text.length > SLOT_NAME_MAX || CONTROL.test(text)) return `${field} is longer than ${SLOT_NAME_MAX} characters or has a control character`;
		entry[field] = text === '' ? null : text;
	}
	for (const field of ['banned', 'active'] as const) {
		if (!(field in record)) continue;
		const value = record[field];
		if (typeof value === 'boolean') entry[field] = value;
		else if (typeof value === 'string' && TRUE.has(value.trim().toLowerCase())) entry[field] = true;
		else if (typeof value === 'string' && FALSE.has(value.trim().toLowerCase())) {
			// An empty cell leaves the field as stored.
			if (value.trim() !== '') entry[field] = false;
		} else return `${field} is not true or false (got ${JSON.stringify(value).slice(0, 20)})`;
	}
	return entry;
}
