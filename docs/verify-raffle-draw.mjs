#!/usr/bin/env node
// Verifies a raffle draw exported with `/raffle export` (see docs/provably-fair.md).
// Plain Node 18 or later, no dependencies: save this file and run
//   node verify-raffle-draw.mjs <export file> [--commitment <hex shown when the period opened>]
// Exit code 0: the draw verifies; 1: it does not (every problem is listed); 2: the file cannot be read.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const ALGORITHM = 'raffle-draw-v1: sha256 commitment, sha256 ticket table, hmac-sha256 stream, rejection sampling, repacked ranges';
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
];
const WINNER_FIELDS = ['slot', 'nonce', 'remainingTickets', 'ticket', 'rejections', 'key', 'tickets', 'rangeStart', 'rangeEnd'];
const EXCLUDED_FIELDS = ['key', 'tickets', 'reason'];

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
// Text that fits on one line: no control character, no lone surrogate.
const isSafeText = (text) =>
	typeof text === 'string' && !/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
const isKey = (text) => isSafeText(text) && text !== '';
const isCount = (value, least) => Number.isSafeInteger(value) && value >= least;
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

// Unicode code point order (the order of UTF-8 bytes).
function compareKeys(a, b) {
	const length = Math.min(a.length, b.length);
	for (let i = 0; i < length; i++) {
		let x = a.charCodeAt(i);
		let y = b.charCodeAt(i);
		if (x === y) continue;
		if (x >= 0xd800 && y >= 0xd800) {
			x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
			y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
		}
		return x < y ? -1 : 1;
	}
	return a.length - b.length;
}

// A whole number uniform in [0, range): top bits of each HMAC block's first 8 bytes, rejecting values >= range.
function uniformBelow(range, serverSeed, clientSeed, nonce) {
	const bits = range === 1 ? 0 : (BigInt(range) - 1n).toString(2).length;
	for (let counter = 0; ; counter++) {
		const block = createHmac('sha256', Buffer.from(serverSeed, 'utf8')).update(`${clientSeed}:${nonce}:${counter}`, 'utf8').digest();
		const candidate = Number(block.readBigUInt64BE(0) >> BigInt(64 - bits));
		if (candidate < range) return { ticket: candidate, rejections: counter };
	}
}

function readExport(path) {
	let bytes = readFileSync(path);
	if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
	const headerEnd = bytes.indexOf(0x0a);
	if (headerEnd < 0) throw new Error('the file has no first line');
	const header = JSON.parse(bytes.subarray(0, headerEnd).toString('utf8'));
	if (header?.format !== 'raffle-draw-export' || header.version !== 1 || !isObject(header.record)) throw new Error('not a version 1 raffle-draw-export file');
	return { record: header.record, table: bytes.subarray(headerEnd + 1) };
}

function verify(record, tableBytes, expectedCommitment) {
	const problems = [];
	for (const field of RECORD_FIELDS) if (!(field in record)) problems.push(`the record has no ${field}`);
	for (const field of Object.keys(record)) if (!RECORD_FIELDS.includes(field)) problems.push(`the record has an unknown field ${field}`);
	if (record.version !== 1) problems.push('the record version is not 1');
	if (record.algorithm !== ALGORITHM) problems.push('the record names another algorithm');
	if (!isSafeText(record.label)) problems.push('the label is not one line of text');

	// 1. The seed revealed now is the one committed when the period opened.
	const seedOk = typeof record.serverSeed === 'string' && /^[0-9a-f]{64}$/.test(record.serverSeed);
	if (!seedOk) problems.push('the server seed is not 64 lowercase hex characters');
	else if (sha256(record.serverSeed) !== record.commitment) problems.push('the server seed does not match the commitment');
	if (expectedCommitment !== undefined && record.commitment !== expectedCommitment.toLowerCase())
		problems.push('the commitment is not the one you were shown when the period opened');
	if (!isCount(record.requestedWinners, 1)) problems.push('the number of winners asked for is not a positive whole number');
	if (!isCount(record.firstNonce, 0)) problems.push('the first nonce is not a whole number');

	// 2. Who is left out, and why.
	const excluded = new Map();
	const listed = Array.isArray(record.excluded) ? record.excluded : [];
	if (!Array.isArray(record.excluded)) problems.push('the excluded entries are not a list');
	for (const [index, entry] of listed.entries()) {
		const what = `excluded entry ${index + 1}`;
		if (!isObject(entry)) {
			problems.push(`${what} is not an object`);
			continue;
		}
		for (const field of EXCLUDED_FIELDS) if (!(field in entry)) problems.push(`${what} has no ${field}`);
		for (const field of Object.keys(entry)) if (!EXCLUDED_FIELDS.includes(field)) problems.push(`${what} has an unknown field ${field}`);
		if (!isKey(entry.key) || !isSafeText(entry.reason) || entry.reason === '' || !isCount(entry.tickets, 1)) problems.push(`${what} is malformed`);
		else if (excluded.has(entry.key)) problems.push(`${entry.key} is excluded twice`);
		else excluded.set(entry.key, entry);
	}
	const previous = Array.isArray(record.previousWinners) && record.previousWinners.every(isKey) ? record.previousWinners : [];
	if (previous !== record.previousWinners) problems.push('the previous winners are not a list of keys');
	if (previous.some((key, index) => index > 0 && compareKeys(previous[index - 1], key) >= 0))
		problems.push('the previous winners are not sorted without repeats');
	const previousSet = new Set(previous);

	// 3. The ticket table: canonical lines, sorted by key, hashed as they are in the file.
	if (sha256(tableBytes) !== record.fingerprint) problems.push('the ticket table does not match the fingerprint');
	let text;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(tableBytes);
	} catch {
		problems.push('the ticket table is not valid UTF-8');
		return problems;
	}
	if (text !== '' && !text.endsWith('\n')) problems.push('the ticket table does not end with a line feed');
	const eligible = [];
	const found = [];
	let participants = 0;
	let totalTickets = 0;
	let previousKey = null;
	for (const line of text === '' ? [] : text.slice(0, -1).split('\n')) {
		participants++;
		const tab = line.lastIndexOf('\t');
		const key = line.slice(0, tab);
		const count = line.slice(tab + 1);
		if (tab < 1 || !isKey(key) || !/^[1-9][0-9]*$/.test(count) || !Number.isSafeInteger(Number(count))) {
			problems.push(`ticket table line ${participants} is not "key TAB tickets"`);
			return problems;
		}
		if (previousKey !== null && compareKeys(previousKey, key) >= 0) {
			problems.push(`ticket table line ${participants} (${key}) is out of order or repeated`);
			return problems;
		}
		previousKey = key;
		const tickets = Number(count);
		totalTickets += tickets;
		if (excluded.has(key)) found.push({ key, tickets, reason: excluded.get(key).reason });
		else if (!previousSet.has(key)) eligible.push({ key, tickets });
	}
	const eligibleTickets = eligible.reduce((sum, entry) => sum + entry.tickets, 0);
	const totals = [
		['participants', participants, 'participants'],
		['totalTickets', totalTickets, 'tickets'],
		['eligibleParticipants', eligible.length, 'eligible participants'],
		['eligibleTickets', eligibleTickets, 'eligible tickets']
	];
	for (const [field, actual, words] of totals)
		if (record[field] !== actual) problems.push(`the record says ${record[field]} ${words}, the table has ${actual}`);
	const foundKeys = new Set(found.map((entry) => entry.key));
	for (const entry of listed)
		if (isObject(entry) && !foundKeys.has(entry.key)) problems.push(`${entry.key} is listed as excluded but has no tickets in the table`);
	for (const [index, entry] of found.entries()) {
		const recorded = excluded.get(entry.key);
		if (recorded.tickets !== entry.tickets) problems.push(`excluded ${entry.key} has ${entry.tickets} tickets in the table, not ${recorded.tickets}`);
		if (listed[index] !== recorded) problems.push(`excluded ${entry.key} is out of table order`);
	}
	if (!isCount(record.requestedWinners, 1) || !isCount(record.firstNonce, 0)) return problems;

	// 4. The client seed: the hash of every input of the draw but the server seed.
	const inputs = [
		'raffle-draw-v1',
		`commitment ${record.commitment}`,
		`fingerprint ${sha256(tableBytes)}`,
		`label ${isSafeText(record.label) ? record.label : ''}`,
		`winners ${record.requestedWinners}`,
		`first-nonce ${record.firstNonce}`,
		...listed.filter(isObject).map((entry) => `excluded ${entry.key}\t${entry.tickets}\t${entry.reason}`),
		...previous.map((key) => `previous-winner ${key}`)
	];
	const clientSeed = sha256(`${inputs.join('\n')}\n`);
	if (clientSeed !== record.clientSeed) problems.push('the client seed does not match the draw inputs');
	if (!seedOk) return problems;

	// 5. Every winner: one nonce each; the winner's tickets leave, the others' ranges close up in table order.
	const expected = [];
	let remaining = eligibleTickets;
	const count = Math.min(record.requestedWinners, eligible.length);
	for (let slot = 1; slot <= count; slot++) {
		const nonce = record.firstNonce + slot - 1;
		const { ticket, rejections } = uniformBelow(remaining, record.serverSeed, clientSeed, nonce);
		let rangeStart = 0;
		let index = 0;
		while (rangeStart + eligible[index].tickets <= ticket) rangeStart += eligible[index++].tickets;
		const [winner] = eligible.splice(index, 1);
		expected.push({
			slot,
			nonce,
			remainingTickets: remaining,
			ticket,
			rejections,
			key: winner.key,
			tickets: winner.tickets,
			rangeStart,
			rangeEnd: rangeStart + winner.tickets
		});
		remaining -= winner.tickets;
	}
	const winners = Array.isArray(record.winners) ? record.winners : [];
	if (!Array.isArray(record.winners)) problems.push('the winners are not a list');
	else if (winners.length !== expected.length) problems.push(`the record has ${winners.length} winners, the draw gives ${expected.length}`);
	for (const [index, winner] of expected.entries()) {
		const claimed = winners[index];
		if (claimed === undefined) continue;
		if (!isObject(claimed)) {
			problems.push(`winner ${index + 1} is not an object`);
			continue;
		}
		for (const field of Object.keys(claimed)) if (!WINNER_FIELDS.includes(field)) problems.push(`winner ${index + 1} has an unknown field ${field}`);
		for (const field of WINNER_FIELDS) {
			if (claimed[field] !== winner[field])
				problems.push(
					`winner ${index + 1}: the record says ${field} ${JSON.stringify(claimed[field])}, the draw gives ${JSON.stringify(winner[field])}`
				);
		}
	}
	return problems;
}

const args = process.argv.slice(2);
const commitmentAt = args.indexOf('--commitment');
const expectedCommitment = commitmentAt >= 0 ? args.splice(commitmentAt, 2)[1] : undefined;
if (args.length !== 1 || (commitmentAt >= 0 && expectedCommitment === undefined)) {
	console.error('usage: node verify-raffle-draw.mjs <export file> [--commitment <hex>]');
	process.exit(2);
}
let exported;
try {
	exported = readExport(args[0]);
} catch (error) {
	console.error(`Cannot read ${args[0]}: ${error.message}`);
	process.exit(2);
}
const { record } = exported;
const problems = verify(record, exported.table, expectedCommitment);
console.log(`Draw: ${record.label || '(no label)'}`);
console.log(`Commitment ${record.commitment}, server seed ${record.serverSeed}`);
console.log(`Ticket table: ${record.participants} participants, ${record.totalTickets} tickets, fingerprint ${record.fingerprint}`);
for (const winner of Array.isArray(record.winners) ? record.winners : [])
	console.log(`Winner ${winner?.slot}: ${winner?.key} (ticket ${winner?.ticket} of ${winner?.remainingTickets}, nonce ${winner?.nonce})`);
if (problems.length === 0) {
	console.log('VERIFIED: the draw recomputes exactly from the revealed seed and the ticket table.');
} else {
	console.log(`NOT VERIFIED (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
	for (const problem of problems) console.log(`- ${problem}`);
	process.exitCode = 1;
}
