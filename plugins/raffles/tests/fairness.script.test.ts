import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawWinners, seedCommitment, serializeDrawExport, verifyDraw, type DrawRecord, type TicketEntry } from '../lib/fairness/index.js';

/** The repository root: this file runs as dist/plugins/raffles/tests/. */
const projectRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const SCRIPT = join(projectRoot, 'docs', 'verify-raffle-draw.mjs');

/** Runs the standalone script as anyone would: plain node, the file, nothing of the project. */
function runScript(...args: string[]): Promise<{ code: number; output: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, [SCRIPT, ...args], { cwd: tmpdir() }, (error, stdout, stderr) => {
			resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, output: `${stdout}${stderr}` });
		});
	});
}

const seedOf = (text: string): string => createHash('sha256').update(text).digest('hex');

const ENTRIES: TicketEntry[] = [
	{ key: 'discord:109876543210987654', tickets: 12 },
	{ key: 'discord:223344556677889900', tickets: 3 },
	{ key: 'kick:streamfan_99', tickets: 40 },
	{ key: 'kick:zoë', tickets: 7 },
	{ key: 'kick:zz\uffff', tickets: 1 },
	{ key: 'kick:zz\u{1f3b2}', tickets: 25 }
];

async function exportOf(record: DrawRecord, entries: readonly TicketEntry[], directory: string, name: string, gzip = false): Promise<string> {
	const file = join(directory, name);
	await writeFile(file, (await serializeDrawExport(record, () => entries, { gzip })).data);
	return file;
}

describe('the standalone verification script (docs/verify-raffle-draw.mjs)', function () {
	this.timeout(120_000);
	let directory: string;
	let record: DrawRecord;

	before(async () => {
		directory = await mkdtemp(join(tmpdir(), 'raffle-verify-'));
		const serverSeed = seedOf('script test');
		record = await drawWinners({
			serverSeed,
			commitment: seedCommitment(serverSeed),
			entries: () => ENTRIES,
			winnerCount: 3,
			firstNonce: 4,
			label: 'Server 1 · period 2026-11 · draw 2',
			excluded: new Map([['discord:223344556677889900', 'excluded by a moderator']]),
			previousWinners: ['kick:zoë']
		});
	});
	after(() => rm(directory, { recursive: true, force: true }));

	it('is carried in full, identical, by docs/provably-fair.md', async () => {
		const doc = await readFile(join(projectRoot, 'docs', 'provably-fair.md'), 'utf8');
		const script = await readFile(SCRIPT, 'utf8');
		const block = /<!-- verify-raffle-draw\.mjs -->\n```js\n([\s\S]*?)```\n/.exec(doc);
		expect(block, 'the doc has the script in a ```js block after <!-- verify-raffle-draw.mjs -->').to.not.equal(null);
		expect(block![1]).to.equal(script);
	});

	it('has a worked example in docs/provably-fair.md that verifies, with the engine and with the script', async () => {
		const doc = await readFile(join(projectRoot, 'docs', 'provably-fair.md'), 'utf8');
		const lines = /<!-- example table -->\n```\n([\s\S]*?)```\n/.exec(doc)![1]!;
		const example = JSON.parse(/<!-- example record -->\n```json\n([\s\S]*?)```\n/.exec(doc)![1]!) as DrawRecord;
		expect(await verifyDraw(example, () => [lines])).to.deep.equal({ ok: true, problems: [] });
		expect(example.winners.map((winner) => winner.rejections)).to.deep.equal([0, 1]);
		const file = join(directory, 'example.txt');
		await writeFile(file, `${JSON.stringify({ format: 'raffle-draw-export', version: 1, record: example })}\n${lines}`);
		const result = await runScript(file, '--commitment', example.commitment);
		expect(result.code, result.output).to.equal(0);
	});

	it('verifies an export made by the engine, plain or gzipped, and with the commitment shown at the start', async () => {
		const plain = await runScript(await exportOf(record, ENTRIES, directory, 'draw.txt'));
		expect(plain.code, plain.output).to.equal(0);
		expect(plain.output).to.include('VERIFIED: the draw recomputes exactly');
		for (const winner of record.winners)
			expect(plain.output).to.include(`Winner ${winner.slot}: ${winner.key} (ticket ${winner.ticket} of ${winner.remainingTickets}`);
		const gzipped = await runScript(await exportOf(record, ENTRIES, directory, 'draw.txt.gz', true), '--commitment', record.commitment.toUpperCase());
		expect(gzipped.code, gzipped.output).to.equal(0);
	});

	it('fails, saying why, on a tampered record, a tampered table or another commitment', async () => {
		const file = await exportOf(record, ENTRIES, directory, 'good.txt');
		const text = await readFile(file, 'utf8');
		const [header, ...table] = text.split('\n');
		const otherWinner = { ...record, winners: [{ ...record.winners[0]!, key: 'kick:streamfan_99x' }, ...record.winners.slice(1)] };
		const cases: [string, string, RegExp][] = [
			[
				'winner.txt',
				`${JSON.stringify({ format: 'raffle-draw-export', version: 1, record: otherWinner })}\n${table.join('\n')}`,
				/winner 1: the record says key "kick:streamfan_99x"/
			],
			[
				'tickets.txt',
				`${header}\n${table.join('\n').replace('kick:streamfan_99\t40', 'kick:streamfan_99\t41')}`,
				/the ticket table does not match the fingerprint/
			],
			['order.txt', `${header}\n${[table[1], table[0], ...table.slice(2)].join('\n')}`, /line 2 .* out of order/]
		];
		for (const [name, content, problem] of cases) {
			await writeFile(join(directory, name), content);
			const result = await runScript(join(directory, name));
			expect(result.code, result.output).to.equal(1);
			expect(result.output).to.include('NOT VERIFIED');
			expect(result.output).to.match(problem);
		}
		const other = await runScript(file, '--commitment', '00'.repeat(32));
		expect([other.code, /not the one you were shown/.test(other.output)]).to.deep.equal([1, true]);
		await writeFile(join(directory, 'junk.txt'), 'hello\n');
		expect((await runScript(join(directory, 'junk.txt'))).code).to.equal(2);
	});

	it('fails on every one-field change of the record, as the engine does', async () => {
		const file = await exportOf(record, ENTRIES, directory, 'fields.txt');
		const table = (await readFile(file, 'utf8')).split('\n').slice(1).join('\n');
		const changes: [string, (copy: Record<string, unknown>) => void][] = [
			...Object.entries(record).map(([field, value]): [string, (copy: Record<string, unknown>) => void] => [
				field,
				(copy) => {
					copy[field] =
						typeof value === 'number'
							? value + 1
							: typeof value === 'string'
								? /^[0-9a-f]{64}$/.test(value)
									? `${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}`
									: `${value}x`
								: (value as unknown[]).slice(1);
				}
			]),
			...Object.keys(record.winners[1]!).map((field): [string, (copy: Record<string, unknown>) => void] => [
				`winners[1].${field}`,
				(copy) => {
					const winner = (copy.winners as Record<string, unknown>[])[1]!;
					winner[field] = typeof winner[field] === 'number' ? (winner[field] as number) + 1 : `${String(winner[field])}x`;
				}
			]),
			['excluded[0].reason', (copy) => ((copy.excluded as Record<string, unknown>[])[0]!.reason = 'not linked')],
			['an unknown field', (copy) => (copy.note = 'added')]
		];
		for (const [what, change] of changes) {
			const copy = structuredClone(record) as unknown as Record<string, unknown>;
			change(copy);
			await writeFile(join(directory, 'changed.txt'), `${JSON.stringify({ format: 'raffle-draw-export', version: 1, record: copy })}\n${table}`);
			const result = await runScript(join(directory, 'changed.txt'));
			expect(result.code, `${what} changed: ${result.output}`).to.equal(1);
		}
	});

	it('agrees with the engine on draws of every shape (rerolls, exclusions, more winners than participants)', async () => {
		for (let index = 0; index < 8; index++) {
			const entries = ENTRIES.filter((_, at) => (index + at) % 4 !== 0 || index === 0);
			const serverSeed = seedOf(`agreement ${index}`);
			const drawn = await drawWinners({
				serverSeed,
				commitment: seedCommitment(serverSeed),
				entries: () => entries,
				winnerCount: 1 + (index % 7),
				firstNonce: index * 3,
				excluded: index % 2 === 0 ? new Map([[entries[0]!.key, 'not linked']]) : undefined,
				previousWinners: index % 3 === 0 ? [entries.at(-1)!.key] : []
			});
			const result = await runScript(await exportOf(drawn, entries, directory, `agreement-${index}.txt`, index % 2 === 1));
			expect(result.code, result.output).to.equal(0);
		}
	});
});
