import { createHash } from 'node:crypto';
import { hrtime } from 'node:process';
import pg from 'pg';
import type { PluginBenchTools } from '#test/helpers/pluginBench';
import {
	drawWinners,
	pagedEntries,
	pagedTableText,
	seedCommitment,
	serializeDrawExport,
	verifyDraw,
	type DrawRecord,
	type TicketEntry
} from '../lib/fairness/index.js';

/*
 * The draw at the issue's scale: 10,000,000 tickets held by 1,000,000 participants, read from
 * PostgreSQL in keyset pages through one connection (pages of canonical text built by
 * string_agg, and, to compare, pages of rows), against the limits of the machine measured in the
 * same rounds: the bare read of the same pages, and sha256 of the same table text.
 */

const PARTICIPANTS = 1_000_000;
const TICKETS = 10_000_000;
const PAGE_SIZE = 50_000;
const WINNERS = 3;
const TABLE = 'bench_raffle_tickets';
const SEED = createHash('sha256').update('raffle draw bench').digest('hex');

interface Sample {
	readonly wallMs: number;
	readonly cpuMs: number;
	/** Growth of the JS heap and of typed-array memory over the baseline, at the highest sample. */
	readonly heapMb: number;
	readonly arrayBuffersMb: number;
}

interface Round {
	readonly draw: Sample;
	readonly rowsDraw: Sample;
	readonly excludedDraw: Sample;
	readonly verify: Sample;
	readonly read: Sample;
	readonly rowsRead: Sample;
	readonly hashMs: number;
}

export async function benchDraw(tools: PluginBenchTools): Promise<string[]> {
	await seed(tools);
	const client = await connect(tools);
	try {
		const page = async (afterKey: string | null, limit: number): Promise<TicketEntry[]> => {
			const result =
				afterKey === null
					? await client.query<TicketEntry>({
							name: 'raffle-first-page',
							text: `SELECT key, tickets FROM ${TABLE} ORDER BY key LIMIT $1`,
							values: [limit]
						})
					: await client.query<TicketEntry>({
							name: 'raffle-next-page',
							text: `SELECT key, tickets FROM ${TABLE} WHERE key > $1 ORDER BY key LIMIT $2`,
							values: [afterKey, limit]
						});
			return result.rows;
		};
		const textPage = async (afterKey: string | null, limit: number): Promise<string> => {
			const result = await client.query<{ lines: string }>({
				name: 'raffle-text-page',
				text:
					// The subquery's order feeds the aggregate (an ORDER BY inside string_agg would sort again: about a third
					// slower); the engine refuses a table out of order, so a different plan could not go unnoticed.
					`SELECT coalesce(string_agg(key || E'\\t' || tickets, E'\\n') || E'\\n', '') AS lines ` +
					`FROM (SELECT key, tickets FROM ${TABLE} WHERE key > $1 ORDER BY key LIMIT $2) AS page`,
				values: [afterKey ?? '', limit]
			});
			return result.rows[0]!.lines;
		};
		const entries = () => pagedTableText(textPage, PAGE_SIZE);
		const rows = () => pagedEntries(page, PAGE_SIZE);
		const excluded = new Map(
			(await client.query<{ key: string }>(`SELECT key FROM ${TABLE} WHERE key LIKE '%7'`)).rows.map(({ key }) => [key, 'not linked'])
		);
		// The table text, hashed as one piece for the hashing limit.
		let tableText = '';
		for await (const text of entries()) tableText += text;
		const commitment = seedCommitment(SEED);

		const rounds: Round[] = [];
		let record: DrawRecord | undefined;
		for (let round = 0; round <= tools.rounds; round++) {
			const draw = await measure(async () => {
				record = await drawWinners({ serverSeed: SEED, commitment, entries, winnerCount: WINNERS, label: 'bench' });
			});
			if (record!.totalTickets !== TICKETS || record!.participants !== PARTICIPANTS) throw new Error('the draw did not read the whole table');
			const rowsDraw = await measure(() => drawWinners({ serverSeed: SEED, commitment, entries: rows, winnerCount: WINNERS, label: 'bench' }));
			const excludedDraw = await measure(() => drawWinners({ serverSeed: SEED, commitment, entries, winnerCount: 10, excluded, label: 'bench' }));
			const verify = await measure(async () => {
				const result = await verifyDraw(record!, entries);
				if (!result.ok) throw new Error(`the draw does not verify: ${result.problems.join('; ')}`);
			});
			const read = await measure(async () => {
				let characters = 0;
				for await (const text of entries()) characters += text.length;
				if (characters !== tableText.length) throw new Error(`read ${characters} characters`);
			});
			const rowsRead = await measure(async () => {
				let count = 0;
				for await (const rowsOfPage of rows()) count += rowsOfPage.length;
				if (count !== PARTICIPANTS) throw new Error(`read ${count} rows`);
			});
			const hashStarted = hrtime.bigint();
			const fingerprint = createHash('sha256').update(tableText, 'utf8').digest('hex');
			const hashMs = Number(hrtime.bigint() - hashStarted) / 1e6;
			if (fingerprint !== record!.fingerprint) throw new Error('the fingerprint is not the sha256 of the table text');
			// Round 0 warms up: plans, the page cache, the JIT.
			if (round > 0) rounds.push({ draw, rowsDraw, excludedDraw, verify, read, rowsRead, hashMs });
			tools.progress(
				`round ${round}: draw ${draw.wallMs.toFixed(0)} ms (from rows ${rowsDraw.wallMs.toFixed(0)} ms), with ${excluded.size} excluded ${excludedDraw.wallMs.toFixed(0)} ms, ` +
					`verify ${verify.wallMs.toFixed(0)} ms; bare read ${read.wallMs.toFixed(0)} ms (rows ${rowsRead.wallMs.toFixed(0)} ms), sha256 ${hashMs.toFixed(0)} ms`
			);
		}
		const exportStarted = hrtime.bigint();
		const file = await serializeDrawExport(record!, entries, { gzip: true });
		const exportMs = Number(hrtime.bigint() - exportStarted) / 1e6;
		return report(rounds, { excluded: excluded.size, textBytes: Buffer.byteLength(tableText), exportBytes: file.data.length, exportMs, record: record! });
	} finally {
		await client.end();
	}
}

/** 1,000,000 participants (7 in 10 `discord:` keys, the rest `kick:`), 1 to 19 tickets each, 10,000,000 in all. */
async function seed(tools: PluginBenchTools): Promise<void> {
	const started = hrtime.bigint();
	await tools.database.exec(`
		CREATE TABLE ${TABLE} (key text COLLATE "C" PRIMARY KEY, tickets integer NOT NULL CHECK (tickets > 0));
		INSERT INTO ${TABLE} (key, tickets)
		SELECT CASE WHEN n % 10 < 7 THEN 'discord:' || (300000000000000000 + n::bigint * 7919) ELSE 'kick:viewer_' || n END, 1 + n % 19
		FROM generate_series(1, ${PARTICIPANTS}) AS n;
		UPDATE ${TABLE} SET tickets = tickets + (${TICKETS} - (SELECT sum(tickets) FROM ${TABLE})) WHERE key = (SELECT min(key) FROM ${TABLE});`);
	await tools.database.exec(`VACUUM ANALYZE ${TABLE}`);
	const [totals] = await tools.database.query<{ participants: string; tickets: string }>(
		`SELECT count(*) AS participants, sum(tickets) AS tickets FROM ${TABLE}`
	);
	if (Number(totals?.participants) !== PARTICIPANTS || Number(totals?.tickets) !== TICKETS) throw new Error(`seeded ${JSON.stringify(totals)}`);
	tools.progress(
		`seeded ${PARTICIPANTS.toLocaleString('en-US')} participants, ${TICKETS.toLocaleString('en-US')} tickets (${(Number(hrtime.bigint() - started) / 1e9).toFixed(1)} s)`
	);
}

/** One connection to the bench's database, as a repository reading the table would hold one from its pool. */
async function connect(tools: PluginBenchTools): Promise<pg.Client> {
	const [row] = await tools.database.query<{ name: string }>('SELECT current_database() AS name');
	const url = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
	url.pathname = `/${row!.name}`;
	const client = new pg.Client({ connectionString: url.href });
	await client.connect();
	return client;
}

/** Wall and CPU time of one call, and the most memory it held above where it started (sampled every 5 ms). */
async function measure(work: () => Promise<unknown>): Promise<Sample> {
	const base = process.memoryUsage();
	let heap = 0;
	let arrayBuffers = 0;
	const sample = () => {
		const now = process.memoryUsage();
		heap = Math.max(heap, now.heapUsed - base.heapUsed);
		arrayBuffers = Math.max(arrayBuffers, now.arrayBuffers - base.arrayBuffers);
	};
	const timer = setInterval(sample, 5);
	const cpu = process.cpuUsage();
	const started = hrtime.bigint();
	try {
		await work();
	} finally {
		clearInterval(timer);
	}
	const wallMs = Number(hrtime.bigint() - started) / 1e6;
	const used = process.cpuUsage(cpu);
	sample();
	return { wallMs, cpuMs: (used.user + used.system) / 1000, heapMb: heap / 2 ** 20, arrayBuffersMb: arrayBuffers / 2 ** 20 };
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function report(
	rounds: readonly Round[],
	facts: { readonly excluded: number; readonly textBytes: number; readonly exportBytes: number; readonly exportMs: number; readonly record: DrawRecord }
): string[] {
	const of = (pick: (round: Round) => number) => median(rounds.map(pick));
	const range = (pick: (round: Round) => number) => `${Math.min(...rounds.map(pick)).toFixed(0)}–${Math.max(...rounds.map(pick)).toFixed(0)}`;
	const readMs = of((round) => round.read.wallMs);
	const hashMs = of((round) => round.hashMs);
	// Each case against the bare read of the same form of pages, round by round.
	const row = (name: string, pick: (round: Round) => Sample, limit: (round: Round) => Sample): string[] => [
		name,
		of((round) => pick(round).wallMs).toFixed(0),
		range((round) => pick(round).wallMs),
		of((round) => pick(round).cpuMs).toFixed(0),
		`${of((round) => pick(round).heapMb).toFixed(0)} / ${of((round) => pick(round).arrayBuffersMb).toFixed(0)}`,
		`${of((round) => pick(round).wallMs / limit(round).wallMs).toFixed(2)}×`
	];
	const text = (round: Round) => round.read;
	const rows = (round: Round) => round.rowsRead;
	return [
		`## Raffles: a draw over ${TICKETS.toLocaleString('en-US')} tickets held by ${PARTICIPANTS.toLocaleString('en-US')} participants`,
		'',
		`The ticket table (key \`text COLLATE "C"\` primary key, 1–19 tickets each; ${(facts.textBytes / 2 ** 20).toFixed(1)} MiB as canonical text) read from PostgreSQL ` +
			`in keyset pages of ${PAGE_SIZE.toLocaleString('en-US')} entries through one \`pg\` connection (prepared statements), the next page asked for while the engine ` +
			'processes the current one: pages of canonical text (`string_agg`, `pagedTableText`; one string per page), or pages of rows (`pagedEntries`; an object per row). ' +
			`Median of ${rounds.length} rounds after a warm-up round; every case in every round; "vs bare read" is the median of per-round ratios to the bare read of the same pages.`,
		'',
		table(
			['case', 'wall ms (median)', 'min–max ms', 'CPU ms (this process)', 'peak heap / typed arrays MiB above start', 'vs bare read'],
			[
				row(`**draw: ${WINNERS} winners** (text pages)`, (round) => round.draw, text),
				row(`draw: 10 winners, ${facts.excluded.toLocaleString('en-US')} keys excluded (text pages)`, (round) => round.excludedDraw, text),
				row('verify the draw record against the table (text pages)', (round) => round.verify, text),
				row(`draw: ${WINNERS} winners from pages of rows`, (round) => round.rowsDraw, rows),
				row('limit: bare read of the text pages (characters counted)', text, text),
				row('limit: bare read of the row pages (rows counted)', rows, rows),
				['limit: sha256 of the table text in memory (one call)', hashMs.toFixed(0), range((round) => round.hashMs), hashMs.toFixed(0), '', '']
			]
		),
		'',
		`Draw minus bare read (the engine's own time, overlapped with the reads): ${(of((round) => round.draw.wallMs) - readMs).toFixed(0)} ms; ` +
			`sha256 alone is ${((hashMs / of((round) => round.draw.wallMs)) * 100).toFixed(0)} % of the draw. ` +
			`Export of the record and table (\`serializeDrawExport\`, gzipped): ${(facts.exportBytes / 2 ** 20).toFixed(1)} MiB in ${facts.exportMs.toFixed(0)} ms. ` +
			`Winners: ${facts.record.winners.map((winner) => `${winner.key} (${winner.rejections} rejected)`).join(', ')}.`
	];
}

function table(header: string[], rows: string[][]): string {
	const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
