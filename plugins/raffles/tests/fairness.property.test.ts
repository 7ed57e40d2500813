import { expect } from 'chai';
import * as fc from 'fast-check';
import { drawWinners, seedCommitment, verifyDraw, type DrawRecord, type TicketEntry } from '../lib/fairness/index.js';

const REASONS = ['not linked', 'excluded by a moderator', 'under 2 h watched'];
/** Characters that make keys sort differently by UTF-16 unit and by code point, and non-ASCII text. */
const KEY_CHARACTERS = fc.constantFrom('a', 'b', 'z', '_', ':', '1', 'é', '\uffff', '\u{10000}', '😀');

const byUtf8 = (a: TicketEntry, b: TicketEntry): number => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));

const scenario = fc
	.uniqueArray(fc.record({ key: fc.string({ unit: KEY_CHARACTERS, minLength: 1, maxLength: 5 }), tickets: fc.integer({ min: 1, max: 40 }) }), {
		selector: (entry) => entry.key,
		maxLength: 14
	})
	.chain((unsorted) => {
		const entries = [...unsorted].sort(byUtf8);
		const keys = entries.map((entry) => entry.key);
		return fc.record({
			entries: fc.constant(entries),
			excluded: fc.subarray(keys).map((chosen) => new Map(chosen.map((key, index) => [key, REASONS[index % REASONS.length]!]))),
			previousWinners: fc.tuple(fc.subarray(keys), fc.boolean()).map(([chosen, stranger]) => (stranger ? [...chosen, 'kick:left the server'] : chosen)),
			winnerCount: fc.integer({ min: 1, max: 6 }),
			firstNonce: fc.integer({ min: 0, max: 1_000_000 }),
			label: fc.constantFrom('', 'Server 1 · period 2 · draw 1', 'Ünïcode 😀 label'),
			serverSeed: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex'))
		});
	});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const drawOf = (input: Scenario): Promise<DrawRecord> => drawWinners({ ...input, commitment: seedCommitment(input.serverSeed), entries: () => input.entries });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every way to change one thing in the record: each leaf changed, each list item removed, a list item or field added. */
function tamperings(value: Json, path: string): { path: string; change: (copy: Json) => Json }[] {
	const changed = (leaf: Json): Json => {
		if (typeof leaf === 'number') return leaf + 1;
		if (typeof leaf === 'string') return /^[0-9a-f]{64}$/.test(leaf) ? `${leaf.slice(0, -1)}${leaf.endsWith('0') ? '1' : '0'}` : `${leaf}x`;
		return leaf;
	};
	if (Array.isArray(value)) {
		const extra: Json = path.endsWith('previousWinners') ? 'kick:someone' : { key: 'kick:someone', tickets: 1, reason: 'not linked' };
		return [
			{ path: `${path} + an item`, change: (copy) => [...(copy as Json[]), extra] },
			...value.flatMap((item, index) => [
				{ path: `${path}[${index}] removed`, change: (copy: Json) => (copy as Json[]).filter((_, at) => at !== index) },
				...tamperings(item, `${path}[${index}]`).map(({ path: inner, change }) => ({
					path: inner,
					change: (copy: Json) => (copy as Json[]).map((old, at) => (at === index ? change(old) : old))
				}))
			])
		];
	}
	if (typeof value === 'object' && value !== null) {
		return [
			{ path: `${path} + a field`, change: (copy) => ({ ...(copy as object), note: 'added' }) },
			...Object.entries(value).flatMap(([field, inner]) =>
				tamperings(inner, `${path}.${field}`).map(({ path: innerPath, change }) => ({
					path: innerPath,
					change: (copy: Json) => ({ ...(copy as object), [field]: change((copy as Record<string, Json>)[field]!) })
				}))
			)
		];
	}
	return [{ path, change: changed }];
}

describe('raffle draw records (property tests)', function () {
	this.timeout(120_000);

	it('always verify, and recompute to the same winners', async () => {
		await fc.assert(
			fc.asyncProperty(scenario, async (input) => {
				const record = await drawOf(input);
				expect(await verifyDraw(record, () => input.entries)).to.deep.equal({ ok: true, problems: [] });
				expect(await drawOf(input)).to.deep.equal(record);
				// The same table as pages of canonical text, cut between any lines, draws and verifies the same.
				const lines = input.entries.map((entry) => `${entry.key}\t${entry.tickets}\n`);
				const pages = [lines.slice(0, input.firstNonce % 4).join(''), lines.slice(input.firstNonce % 4).join('')];
				expect(await drawWinners({ ...input, commitment: seedCommitment(input.serverSeed), entries: () => pages })).to.deep.equal(record);
				expect((await verifyDraw(record, () => pages)).ok).to.equal(true);
				expect(JSON.parse(JSON.stringify(record))).to.deep.equal(record);
				const eligible = input.entries.filter((entry) => !input.excluded.has(entry.key) && !input.previousWinners.includes(entry.key));
				expect(record.winners.length).to.equal(Math.min(input.winnerCount, eligible.length));
				expect(new Set(record.winners.map((winner) => winner.key)).size).to.equal(record.winners.length);
				for (const winner of record.winners) expect(eligible.map((entry) => entry.key)).to.include(winner.key);
			}),
			{ numRuns: 150 }
		);
	});

	it('fail verification when any one field of the record is changed', async () => {
		let checked = 0;
		await fc.assert(
			fc.asyncProperty(scenario, async (input) => {
				const record = await drawOf(input);
				for (const { path, change } of tamperings(record as unknown as Json, 'record')) {
					const tampered = change(structuredClone(record) as unknown as Json) as unknown as DrawRecord;
					const result = await verifyDraw(tampered, () => input.entries);
					expect(result.ok, `${path} changed but the record still verifies`).to.equal(false);
					expect(result.problems.length, path).to.be.greaterThan(0);
					checked++;
				}
			}),
			{ numRuns: 60 }
		);
		expect(checked).to.be.greaterThan(60 * 20);
	});

	it('fail verification when any one entry of the ticket table is changed, removed or added', async () => {
		await fc.assert(
			fc.asyncProperty(scenario, async (input) => {
				const record = await drawOf(input);
				const { entries } = input;
				const variants: [string, TicketEntry[]][] = [['an entry added at the end', [...entries, { key: '\u{10ffff}', tickets: 1 }]]];
				for (const [index, entry] of entries.entries()) {
					const replaced = (other: TicketEntry) => entries.map((old, at) => (at === index ? other : old));
					variants.push(
						[`${entry.key}: one more ticket`, replaced({ key: entry.key, tickets: entry.tickets + 1 })],
						[
							`${entry.key}: one ticket fewer`,
							entry.tickets > 1 ? replaced({ key: entry.key, tickets: entry.tickets - 1 }) : entries.filter((_, at) => at !== index)
						],
						[`${entry.key}: removed`, entries.filter((_, at) => at !== index)],
						[`${entry.key}: renamed`, replaced({ key: `${entry.key}a`, tickets: entry.tickets })],
						// The previous key and a space sorts between the two, so the table stays in order.
						[
							`${entry.key}: an entry inserted before it`,
							[...entries.slice(0, index), { key: `${entries[index - 1]?.key ?? ''} `, tickets: 1 }, ...entries.slice(index)]
						],
						[`${entry.key}: repeated`, [...entries.slice(0, index), entry, ...entries.slice(index)]]
					);
				}
				for (const [what, table] of variants) {
					const result = await verifyDraw(record, () => table);
					expect(result.ok, `${what}: the record still verifies`).to.equal(false);
				}
			}),
			{ numRuns: 60 }
		);
	});
});
