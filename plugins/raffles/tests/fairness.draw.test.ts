import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { rejection } from '#test/helpers/rejection';
import {
	commitSeed,
	drawWinners,
	pagedEntries,
	pagedTableText,
	parseDrawExport,
	seedCommitment,
	serializeDrawExport,
	uniformBelow,
	verifyDraw,
	TicketTableError,
	TicketTableFingerprint,
	type DrawRecord,
	type TicketEntry
} from '../lib/fairness/index.js';

const SEED = '7f'.repeat(32);
const COMMITMENT = createHash('sha256').update(SEED).digest('hex');

/** A block whose first byte is `first` (the top bits of the candidate), zeros after. */
const block = (first: number): Uint8Array => Uint8Array.from([first, ...Array<number>(31).fill(0)]);

const table = (...tickets: number[]): TicketEntry[] => tickets.map((count, index) => ({ key: `kick:p${String(index).padStart(3, '0')}`, tickets: count }));

function draw(
	entries: readonly TicketEntry[],
	options: { winners?: number; excluded?: Map<string, string>; previousWinners?: string[]; firstNonce?: number } = {}
) {
	return drawWinners({
		serverSeed: SEED,
		commitment: COMMITMENT,
		entries: () => entries,
		winnerCount: options.winners ?? 1,
		excluded: options.excluded,
		previousWinners: options.previousWinners,
		firstNonce: options.firstNonce
	});
}

describe('raffle draw engine', () => {
	describe('seeds and commitments', () => {
		it('commits to 32 random bytes as hex, the commitment being sha256 of that text', () => {
			const { serverSeed, commitment } = commitSeed();
			expect(serverSeed).to.match(/^[0-9a-f]{64}$/);
			expect(commitment).to.equal(createHash('sha256').update(serverSeed, 'utf8').digest('hex'));
			expect(commitSeed().serverSeed).to.not.equal(serverSeed);
			expect(seedCommitment(SEED)).to.equal(COMMITMENT);
			expect(() => seedCommitment('ABC')).to.throw(/64 lowercase hex/);
		});

		it('refuses to draw with a seed that does not match the commitment', async () => {
			const error = await rejection(drawWinners({ serverSeed: SEED, commitment: '00'.repeat(32), entries: () => table(1), winnerCount: 1 }));
			expect(String(error)).to.match(/does not match the commitment/);
		});
	});

	describe('rejection sampling', () => {
		it('rejects candidates at or above the range and takes the first one below it', () => {
			// Range 5 needs 3 bits: the candidate is the top 3 bits of the first byte.
			const stream = [0b1110_0000, 0b1010_0000, 0b1100_0000, 0b1001_1111, 0b0010_0000];
			const read: number[] = [];
			const result = uniformBelow(5, (counter) => {
				read.push(counter);
				return block(stream[counter]!);
			});
			// 7, 5 and 6 are rejected; 4 (the largest value in range) is taken.
			expect(result).to.deep.equal({ value: 4, rejections: 3 });
			expect(read).to.deep.equal([0, 1, 2, 3]);
		});

		it('never rejects when the range is a power of two, a range of one is always 0, and the largest range uses 53 bits', () => {
			expect(uniformBelow(8, () => block(0xff))).to.deep.equal({ value: 7, rejections: 0 });
			expect(uniformBelow(1, () => block(0xff))).to.deep.equal({ value: 0, rejections: 0 });
			// The largest range takes the top 53 bits: 0x80… is 2^52; all ones (2^53 − 1) is rejected.
			const blocks = [Uint8Array.from(Array<number>(32).fill(0xff)), block(0x80)];
			expect(uniformBelow(2 ** 53 - 1, (counter) => blocks[counter]!)).to.deep.equal({ value: 2 ** 52, rejections: 1 });
		});

		it('gives up on a stream that only gives rejected candidates', () => {
			expect(() => uniformBelow(5, () => block(0xff))).to.throw(/not random/);
		});

		it('records the rejections a real draw made and they recompute', async () => {
			// 5 tickets: 3 of 8 candidates are rejected, so some of these draws reject.
			let rejected = 0;
			for (let nonce = 1; nonce <= 40; nonce++) {
				const record = await draw(table(1, 1, 3), { firstNonce: nonce });
				rejected += record.winners[0]!.rejections;
				expect((await verifyDraw(record, () => table(1, 1, 3))).ok).to.equal(true);
			}
			expect(rejected).to.be.greaterThan(0);
		});
	});

	describe('the ticket table', () => {
		it('refuses keys out of order, repeated keys and ticket counts that are not positive whole numbers', async () => {
			const cases: [TicketEntry[], RegExp][] = [
				[
					[
						{ key: 'b', tickets: 1 },
						{ key: 'a', tickets: 1 }
					],
					/line 2: a comes after b/
				],
				[
					[
						{ key: 'a', tickets: 1 },
						{ key: 'a', tickets: 2 }
					],
					/line 2: the key a appears twice/
				],
				[[{ key: 'a', tickets: 0 }], /positive whole number/],
				[[{ key: 'a', tickets: 1.5 }], /positive whole number/],
				[[{ key: 'a', tickets: -3 }], /positive whole number/],
				[[{ key: 'a', tickets: '3' as unknown as number }], /positive whole number, got "3" \(string\)/],
				[[{ key: '', tickets: 1 }], /non-empty text/],
				[[{ key: 'a\tb', tickets: 1 }], /without control characters/],
				[[{ key: 'a\ud800', tickets: 1 }], /without control characters/]
			];
			for (const [entries, message] of cases) expect(String(await rejection(draw(entries)))).to.match(message);
		});

		it('reports a broken table as a verification problem, but lets a failure to read it through', async () => {
			const record = await draw(table(2, 3));
			expect(
				await rejection(
					draw([
						{ key: 'b', tickets: 1 },
						{ key: 'a', tickets: 1 }
					])
				)
			).to.be.an.instanceOf(TicketTableError);
			const broken = await verifyDraw(record, () => [
				{ key: 'kick:p001', tickets: 3 },
				{ key: 'kick:p000', tickets: 2 }
			]);
			expect(broken).to.deep.equal({
				ok: false,
				problems: [
					'the ticket table is invalid: Ticket table line 2: kick:p000 comes after kick:p001; the table must be sorted by key in code point order (COLLATE "C").'
				]
			});
			async function* failing(): AsyncGenerator<TicketEntry> {
				yield { key: 'kick:p000', tickets: 2 };
				throw new Error('connection terminated');
			}
			expect(String(await rejection(verifyDraw(record, failing)))).to.equal('Error: connection terminated');
		});

		it('orders keys by code point (UTF-8 bytes, COLLATE "C"), not by UTF-16 unit', async () => {
			// U+FFFF sorts before U+10000 in code point order, though its UTF-16 unit is larger.
			const ordered = [
				{ key: 'kick:a\uffff', tickets: 1 },
				{ key: 'kick:a\u{10000}', tickets: 1 }
			];
			expect(Buffer.compare(Buffer.from(ordered[0]!.key), Buffer.from(ordered[1]!.key))).to.equal(-1);
			expect((await draw(ordered)).participants).to.equal(2);
			expect(String(await rejection(draw([...ordered].reverse())))).to.match(/comes after/);
		});

		it('fingerprints the canonical lines and counts participants and tickets', () => {
			const fingerprint = new TicketTableFingerprint();
			fingerprint.add({ key: 'discord:1', tickets: 3 });
			fingerprint.add({ key: 'kick:zoë', tickets: 12 });
			expect(fingerprint.digest()).to.equal(createHash('sha256').update('discord:1\t3\nkick:zoë\t12\n', 'utf8').digest('hex'));
			expect([fingerprint.participants, fingerprint.totalTickets]).to.deep.equal([2, 15]);
			expect(() => fingerprint.add({ key: 'kick:zz', tickets: 1 })).to.throw(/already complete/);
		});
	});

	describe('winners', () => {
		it('never repeats a winner, and draws everyone when more winners are asked for than there are participants', async () => {
			const entries = table(5, 1, 9, 2);
			const record = await draw(entries, { winners: 10 });
			expect(record.requestedWinners).to.equal(10);
			expect(record.winners.map((winner) => winner.key).sort()).to.deep.equal(entries.map((entry) => entry.key));
			expect(record.winners.map((winner) => winner.nonce)).to.deep.equal([1, 2, 3, 4]);
			// Each later pick has the earlier winners' tickets removed.
			expect(record.winners.map((winner) => winner.remainingTickets)).to.deep.equal(
				record.winners.map((_, slot) => 17 - record.winners.slice(0, slot).reduce((sum, winner) => sum + winner.tickets, 0))
			);
			expect(record.winners.at(-1)!.remainingTickets).to.equal(record.winners.at(-1)!.tickets);
		});

		it('lays the remaining ranges consecutively in table order after each winner', async () => {
			for (let nonce = 1; nonce <= 30; nonce++) {
				const entries = table(4, 3, 2, 1, 6);
				const record = await draw(entries, { winners: 3, firstNonce: nonce * 10 });
				const left = [...entries];
				for (const winner of record.winners) {
					let start = 0;
					for (const entry of left) {
						if (entry.key === winner.key) break;
						start += entry.tickets;
					}
					expect([winner.rangeStart, winner.rangeEnd]).to.deep.equal([start, start + winner.tickets]);
					expect(winner.ticket).to.be.within(winner.rangeStart, winner.rangeEnd - 1);
					left.splice(
						left.findIndex((entry) => entry.key === winner.key),
						1
					);
				}
			}
		});

		it('never lets an excluded key or a previous winner win; they own no range and are recorded', async () => {
			const entries = table(50, 1, 50, 1, 50);
			const excluded = new Map([
				['kick:p000', 'not linked'],
				['kick:p999', 'no tickets: ignored']
			]);
			for (let nonce = 1; nonce <= 20; nonce++) {
				const record = await draw(entries, { winners: 2, excluded, previousWinners: ['kick:p004', 'kick:p002', 'kick:p004'], firstNonce: nonce });
				expect(record.winners.map((winner) => winner.key).sort()).to.deep.equal(['kick:p001', 'kick:p003']);
				expect(record.excluded).to.deep.equal([{ key: 'kick:p000', tickets: 50, reason: 'not linked' }]);
				expect(record.previousWinners).to.deep.equal(['kick:p002', 'kick:p004']);
				expect([record.participants, record.totalTickets, record.eligibleParticipants, record.eligibleTickets]).to.deep.equal([5, 152, 2, 2]);
			}
		});

		it('draws no winner from a table with no eligible participant, and the record verifies', async () => {
			const record = await draw(table(3), { excluded: new Map([['kick:p000', 'excluded by a moderator']]) });
			expect(record.winners).to.deep.equal([]);
			expect((await verifyDraw(record, () => table(3))).ok).to.equal(true);
			const empty = await draw([]);
			expect([empty.participants, empty.winners.length]).to.deep.equal([0, 0]);
		});

		it('rerolls with the previous winner left out and the next nonce, verifiable the same way', async () => {
			const entries = table(10, 20, 30);
			const first = await draw(entries);
			const reroll = await draw(entries, { previousWinners: [first.winners[0]!.key], firstNonce: 2 });
			expect(reroll.winners[0]!.key).to.not.equal(first.winners[0]!.key);
			expect(reroll.winners[0]!.nonce).to.equal(2);
			expect(reroll.clientSeed).to.not.equal(first.clientSeed);
			expect((await verifyDraw(reroll, () => entries)).ok).to.equal(true);
		});

		it('recomputes the same record from the same inputs, entries given one by one, in pages or asynchronously', async () => {
			const entries = table(...Array.from({ length: 300 }, (_, index) => 1 + ((index * 37) % 11)));
			const input = { serverSeed: SEED, commitment: COMMITMENT, winnerCount: 5, firstNonce: 7, label: 'Server 1 · period 3' };
			const one = await drawWinners({ ...input, entries: () => entries });
			const pages = await drawWinners({ ...input, entries: () => pagedEntries(async (after, limit) => pageAfter(entries, after, limit), 64) });
			async function* slowly() {
				for (const entry of entries) yield await Promise.resolve(entry);
			}
			expect(pages).to.deep.equal(one);
			expect(await drawWinners({ ...input, entries: slowly })).to.deep.equal(one);
			const text = entries.map((entry) => `${entry.key}\t${entry.tickets}\n`).join('');
			const textPages = await drawWinners({
				...input,
				entries: () => pagedTableText(async (after, limit) => linesOf(pageAfter(entries, after, limit)), 64)
			});
			expect(textPages).to.deep.equal(one);
			// Text and entries mixed, a page boundary anywhere between lines.
			const cut = text.indexOf('\n', 1000) + 1;
			expect(
				await drawWinners({ ...input, entries: () => [text.slice(0, cut), ...entries.slice(text.slice(0, cut).split('\n').length - 1)] })
			).to.deep.equal(one);
		});

		it('checks table text as it checks entries: canonical lines, in order, across pages', async () => {
			const cases: [string[], RegExp][] = [
				[['a\t1\nb\t2'], /must end with a line feed/],
				[['a\t01\n'], /line 1 \(a\): tickets must be a positive whole number without leading zeros, got "01"/],
				[['a\t0\n'], /positive whole number/],
				[['a\t1.5\n'], /positive whole number/],
				[['a\t99999999999999999\n'], /positive whole number/],
				[['a 1\n'], /line 1: not "key TAB tickets"/],
				[['a\tb\t1\n'], /positive whole number/],
				[['\t1\n'], /non-empty text/],
				[['b\t1\n', 'a\t1\n'], /line 2: a comes after b/],
				[['a\t1\na\t1\n'], /line 2: the key a appears twice/],
				[['a\u0001\t1\n'], /without control characters/],
				[['kick:a\u{10000}\t1\nkick:a\uffff\t1\n'], /line 2: .* comes after/],
				[['a\t5000000000000000\nb\t5000000000000000\n'], /more than 9007199254740991 tickets/]
			];
			for (const [pages, message] of cases)
				expect(String(await rejection(drawWinners({ serverSeed: SEED, commitment: COMMITMENT, entries: () => pages, winnerCount: 1 })))).to.match(
					message
				);
			const unicode = await drawWinners({
				serverSeed: SEED,
				commitment: COMMITMENT,
				entries: () => ['kick:a\uffff\t1\n', 'kick:a\u{10000}\t2\nkick:zoë\t3\n'],
				winnerCount: 3
			});
			expect(unicode.winners.map((winner) => winner.key).sort()).to.deep.equal(['kick:a\u{10000}', 'kick:a\uffff', 'kick:zoë']);
		});
	});

	describe('paged reading', () => {
		it('reads every page in order after the last key, and stops at a short or empty page', async () => {
			const entries = table(...Array.from({ length: 10 }, () => 1));
			const asked: (string | null)[] = [];
			const read = async (pageSize: number) => {
				asked.length = 0;
				const seen: TicketEntry[] = [];
				for await (const page of pagedEntries(async (after, limit) => {
					asked.push(after);
					return pageAfter(entries, after, limit);
				}, pageSize))
					seen.push(...page);
				return seen;
			};
			expect(await read(3)).to.deep.equal(entries);
			expect(asked).to.deep.equal([null, 'kick:p002', 'kick:p005', 'kick:p008']);
			expect(await read(5)).to.deep.equal(entries);
			expect(asked).to.deep.equal([null, 'kick:p004', 'kick:p009']);
		});

		it('reads table text in pages after the last line’s key', async () => {
			const entries = table(...Array.from({ length: 10 }, (_, index) => index + 1));
			const asked: (string | null)[] = [];
			const pages: string[] = [];
			for await (const page of pagedTableText(async (after, limit) => {
				asked.push(after);
				return linesOf(pageAfter(entries, after, limit));
			}, 5))
				pages.push(page);
			expect(pages.join('')).to.equal(linesOf(entries));
			expect(pages).to.have.length(2);
			expect(asked).to.deep.equal([null, 'kick:p004', 'kick:p009']);
		});
	});

	describe('export', () => {
		it('writes the record and the canonical table, reads both back, gzipped or not, and refuses another table', async () => {
			const entries = [
				{ key: 'discord:42', tickets: 7 },
				{ key: 'kick:zoë', tickets: 3 }
			];
			const record = await draw(entries, { winners: 2 });
			const plain = await serializeDrawExport(record, () => entries);
			expect(plain.gzipped).to.equal(false);
			const text = plain.data.toString('utf8');
			expect(text.slice(text.indexOf('\n') + 1)).to.equal('discord:42\t7\nkick:zoë\t3\n');
			expect(parseDrawExport(text)).to.deep.equal({ record, entries });
			const gzipped = await serializeDrawExport(record, () => entries, { gzip: true });
			expect([gzipped.data[0], gzipped.data[1]]).to.deep.equal([0x1f, 0x8b]);
			expect(parseDrawExport(gzipped.data)).to.deep.equal({ record, entries });
			expect(String(await rejection(serializeDrawExport(record, () => [{ key: 'discord:42', tickets: 8 }])))).to.match(/not the table/);
			expect(() => parseDrawExport('{"format":"other"}\n')).to.throw(/not a version 1/);
			expect(() => parseDrawExport(`${text.split('\n')[0]!}\ndiscord:42\t07\n`)).to.throw(/not "key TAB tickets"/);
		});

		it('gzips a large export by itself', async () => {
			const entries = table(...Array.from({ length: 900 }, () => 1)).map((entry) => ({ key: `${entry.key}:${'x'.repeat(1200)}`, tickets: 1 }));
			const record = await draw(entries);
			const file = await serializeDrawExport(record, () => entries);
			expect(file.gzipped).to.equal(true);
			const parsed = parseDrawExport(file.data);
			expect(parsed.record).to.deep.equal(record);
			expect((await verifyDraw(parsed.record as DrawRecord, () => parsed.entries)).ok).to.equal(true);
		});
	});
});

const linesOf = (entries: readonly TicketEntry[]): string => entries.map((entry) => `${entry.key}\t${entry.tickets}\n`).join('');

/** A keyset page of an in-memory sorted table. */
function pageAfter(entries: readonly TicketEntry[], after: string | null, limit: number): TicketEntry[] {
	const from = after === null ? 0 : entries.findIndex((entry) => entry.key > after);
	return from < 0 ? [] : entries.slice(from, from + limit);
}
