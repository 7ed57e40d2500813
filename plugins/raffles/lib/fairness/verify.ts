import { RAFFLE_DRAW_ALGORITHM, TicketTableError, clientSeedOf, compareKeys, isSafeText, sha256Hex } from './canonical.js';
import { pickWinners } from './draw.js';
import { readTable, type ReadTable } from './table.js';
import type { DrawRecord, DrawWinner, ExcludedEntry, TicketEntries, VerifyResult } from './types.js';

const RECORD_FIELDS = [
	'version',
	'algorithm',
	'label',
	'serverSeed',
	'commitment',
	'fingerprint',
	'participants',
	'totalTickets',
	'eligibleParticipants',
	'eligibleTickets',
	'excluded',
	'previousWinners',
	'requestedWinners',
	'firstNonce',
	'clientSeed',
	'winners'
] as const;
const WINNER_FIELDS = ['slot', 'nonce', 'remainingTickets', 'ticket', 'rejections', 'key', 'tickets', 'rangeStart', 'rangeEnd'] as const;
const EXCLUDED_FIELDS = ['key', 'tickets', 'reason'] as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, least: number): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= least;
const isKey = (value: unknown): value is string => isSafeText(value) && value !== '';

/** Names fields missing from or foreign to an object of the record. */
function shapeProblems(value: Record<string, unknown>, fields: readonly string[], what: string): string[] {
	const problems = fields.filter((field) => !(field in value)).map((field) => `${what} has no ${field}`);
	for (const field of Object.keys(value)) if (!fields.includes(field)) problems.push(`${what} has an unknown field ${field}`);
	return problems;
}

/**
 * Recomputes a draw from its record and the ticket table (read once): the commitment, the
 * table's fingerprint and totals, the exclusions, the client seed and every winner. Lists every
 * mismatch in short plain words; ok when there is none.
 */
export async function verifyDraw(record: DrawRecord, entries: TicketEntries): Promise<VerifyResult> {
	const problems: string[] = [];
	const done = (): VerifyResult => ({ ok: problems.length === 0, problems });
	if (!isObject(record)) return { ok: false, problems: ['the record is not an object'] };
	const r = record as unknown as Record<string, unknown>;
	problems.push(...shapeProblems(r, RECORD_FIELDS, 'the record'));
	if (r.version !== 1) problems.push('the record version is not 1');
	if (r.algorithm !== RAFFLE_DRAW_ALGORITHM) problems.push('the record names another algorithm');
	if (!isSafeText(r.label)) problems.push('the label is not one line of text');

	const seedOk = typeof r.serverSeed === 'string' && /^[0-9a-f]{64}$/.test(r.serverSeed);
	if (!seedOk) problems.push('the server seed is not 64 lowercase hex characters');
	else if (sha256Hex(r.serverSeed as string) !== r.commitment) problems.push('the server seed does not match the commitment');

	const requestedOk = isCount(r.requestedWinners, 1);
	if (!requestedOk) problems.push('the number of winners asked for is not a positive whole number');
	const nonceOk = isCount(r.firstNonce, 0);
	if (!nonceOk) problems.push('the first nonce is not a whole number');

	// The inputs that decide who owns a range.
	const excluded = new Map<string, string>();
	let excludedOk = Array.isArray(r.excluded);
	if (excludedOk) {
		for (const [index, entry] of (r.excluded as unknown[]).entries()) {
			const what = `excluded entry ${index + 1}`;
			if (!isObject(entry)) {
				problems.push(`${what} is not an object`);
				excludedOk = false;
				continue;
			}
			problems.push(...shapeProblems(entry, EXCLUDED_FIELDS, what));
			if (!isKey(entry.key) || !isSafeText(entry.reason) || entry.reason === '' || !isCount(entry.tickets, 1)) {
				problems.push(`${what} is malformed`);
				excludedOk = false;
			} else if (excluded.has(entry.key)) problems.push(`${entry.key} is excluded twice`);
			else excluded.set(entry.key, entry.reason);
		}
	} else problems.push('the excluded entries are not a list');
	const previousOk = Array.isArray(r.previousWinners) && (r.previousWinners as unknown[]).every(isKey);
	if (previousOk) {
		const keys = r.previousWinners as string[];
		if (keys.some((key, index) => index > 0 && compareKeys(keys[index - 1]!, key) >= 0))
			problems.push('the previous winners are not sorted without repeats');
	} else problems.push('the previous winners are not a list of keys');
	if (!excludedOk || !previousOk) return done();

	let table: ReadTable;
	try {
		table = await readTable(entries, excluded, new Set(r.previousWinners as string[]));
	} catch (error) {
		// A table that breaks the rules is a finding; a failure to read it (the database) is not.
		if (!(error instanceof TicketTableError)) throw error;
		problems.push(`the ticket table is invalid: ${error.message}`);
		return done();
	}
	if (table.fingerprint !== r.fingerprint) problems.push('the ticket table does not match the fingerprint');
	const totals: [keyof DrawRecord, number, string][] = [
		['participants', table.participants, 'participants'],
		['totalTickets', table.totalTickets, 'tickets'],
		['eligibleParticipants', table.eligible.count, 'eligible participants'],
		['eligibleTickets', table.eligible.tickets, 'eligible tickets']
	];
	for (const [field, actual, words] of totals)
		if (r[field] !== actual) problems.push(`the record says ${String(r[field])} ${words}, the table has ${actual}`);

	const listed = r.excluded as ExcludedEntry[];
	const foundKeys = new Set(table.excluded.map((entry) => entry.key));
	for (const entry of listed) if (!foundKeys.has(entry.key)) problems.push(`${entry.key} is listed as excluded but has no tickets in the table`);
	for (const [index, entry] of table.excluded.entries()) {
		const recorded = listed.find((candidate) => candidate.key === entry.key)!;
		if (recorded.tickets !== entry.tickets) problems.push(`excluded ${entry.key} has ${entry.tickets} tickets in the table, not ${recorded.tickets}`);
		if (listed[index] !== recorded) problems.push(`excluded ${entry.key} is out of table order`);
	}

	if (!requestedOk || !nonceOk) return done();
	const clientSeed = clientSeedOf({
		commitment: String(r.commitment),
		fingerprint: table.fingerprint,
		label: isSafeText(r.label) ? r.label : '',
		requestedWinners: r.requestedWinners as number,
		firstNonce: r.firstNonce as number,
		excluded: listed,
		previousWinners: r.previousWinners as string[]
	});
	if (clientSeed !== r.clientSeed) problems.push('the client seed does not match the draw inputs');
	if (!seedOk) return done();

	const expected = pickWinners(table.eligible, {
		serverSeed: r.serverSeed as string,
		clientSeed,
		requestedWinners: r.requestedWinners as number,
		firstNonce: r.firstNonce as number
	});
	if (!Array.isArray(r.winners)) {
		problems.push('the winners are not a list');
		return done();
	}
	const recorded = r.winners as unknown[];
	if (recorded.length !== expected.length) problems.push(`the record has ${recorded.length} winners, the draw gives ${expected.length}`);
	for (const [index, winner] of expected.entries()) {
		const claimed = recorded[index];
		if (claimed === undefined) continue;
		if (!isObject(claimed)) {
			problems.push(`winner ${index + 1} is not an object`);
			continue;
		}
		problems.push(...shapeProblems(claimed, WINNER_FIELDS, `winner ${index + 1}`));
		for (const field of WINNER_FIELDS) {
			if (claimed[field] !== winner[field as keyof DrawWinner])
				problems.push(
					`winner ${index + 1}: the record says ${field} ${JSON.stringify(claimed[field])}, the draw gives ${JSON.stringify(winner[field])}`
				);
		}
	}
	return done();
}
