import { hrtime } from 'node:process';
import { definePluginBench, type PluginBenchTools } from '#test/helpers/pluginBench';
import { newItemFields } from '../lib/itemInput.js';
import { buy, type Buyer } from '../lib/purchase.js';

/*
 * Purchases from Kick chat through `buy` as `!redeem` calls it (the buyer's link looked up, the
 * item read, then one transaction with the item row locked), against the limit of one bare spend
 * of points (one statement, no transaction) in the same rounds: one purchase at a time, 50 at once
 * of one item (queued in the process, the row lock across processes), and 50 at once over 50 items.
 */

const SERVER = 2_300_000_000_000_000_001n;
const BUYERS = 10_000;
const ITEMS = 50;
const PURCHASES = 500;
const AT_ONCE = 50;

interface Case {
	readonly name: string;
	/** Runs `count` purchases (or spends) starting at `first`; resolves when all are done. */
	run(first: number, count: number): Promise<void>;
}

export default definePluginBench({
	section: 'shop',
	async run(tools) {
		await seed(tools);
		const db = tools.database.forGuild(SERVER);
		const items = await Promise.all(Array.from({ length: ITEMS }, (_, index) => db.shop.addItem(newItemFields({ name: `Item ${index + 1}`, price: 1 }))));
		const buyer = (index: number): Buyer => ({ via: 'kick', kickUsername: `buyer_${1 + (index % BUYERS)}`, roleIdsOf: async () => [] });
		const bought = async (itemId: number, index: number) => {
			const outcome = await buy(db, itemId, buyer(index), null);
			if (outcome.status !== 'bought') throw new Error(`A bench purchase was refused: ${outcome.line}`);
		};
		const atOnce = async (first: number, count: number, itemOf: (index: number) => number) => {
			for (let start = first; start < first + count; start += AT_ONCE)
				await Promise.all(Array.from({ length: AT_ONCE }, (_, offset) => bought(itemOf(start + offset), start + offset)));
		};
		const cases: Case[] = [
			{
				name: 'limit: a bare spend of points (`points.spend`, one statement)',
				run: async (first, count) => {
					for (let index = first; index < first + count; index++)
						await db.points.spend(`buyer_${1 + (index % BUYERS)}`, { amount: 1, source: 'shop', reason: 'Bench' });
				}
			},
			{
				name: '**one purchase at a time**, one item',
				run: async (first, count) => {
					for (let index = first; index < first + count; index++) await bought(items[0]!.id, index);
				}
			},
			{ name: `${AT_ONCE} purchases at once, one item`, run: (first, count) => atOnce(first, count, () => items[0]!.id) },
			{ name: `${AT_ONCE} purchases at once over ${ITEMS} items`, run: (first, count) => atOnce(first, count, (index) => items[index % ITEMS]!.id) }
		];
		const rates = new Map<string, number[]>(cases.map((entry) => [entry.name, []]));
		const statements = new Map<string, number>();
		let next = 0;
		for (let round = 0; round <= tools.rounds; round++) {
			for (const entry of cases) {
				const before = tools.database.statements.length;
				const started = hrtime.bigint();
				await entry.run(next, PURCHASES);
				const seconds = Number(hrtime.bigint() - started) / 1e9;
				next += PURCHASES;
				// Round 0 warms up plans and caches.
				if (round === 0) continue;
				rates.get(entry.name)!.push(PURCHASES / seconds);
				statements.set(entry.name, (tools.database.statements.length - before) / PURCHASES);
			}
			tools.progress(`round ${round} done`);
		}
		const limit = median(rates.get(cases[0]!.name)!);
		const [sales] = await tools.database.query<{ n: string }>(`SELECT count(*)::text AS n FROM point_sales WHERE discord_server_id = ${SERVER}`);
		return [
			'## Shop: purchases per second',
			'',
			`${BUYERS.toLocaleString('en-US')} Kick viewers with 1,000,000 points each, ${ITEMS} unlimited items of 1 point; ${PURCHASES} purchases (or spends) per case per round through \`buy\` as \`!redeem\` calls it, ${tools.rounds} rounds after a warm-up round; the bot's pool of 10 connections. Statements per purchase are those sent through the repositories (the transaction's BEGIN and COMMIT included). ${Number(sales!.n).toLocaleString('en-US')} sales were written.`,
			'',
			'| case | per second (median of rounds) | statements per purchase | vs limit |',
			'| --- | --- | --- | --- |',
			...cases.map((entry) => {
				const rate = median(rates.get(entry.name)!);
				return `| ${entry.name} | ${Math.round(rate).toLocaleString('en-US')} | ${statements.get(entry.name)!.toFixed(1)} | ${(rate / limit).toFixed(2)}× |`;
			})
		];
	}
});

async function seed(tools: PluginBenchTools): Promise<void> {
	tools.progress(`seeding ${BUYERS.toLocaleString('en-US')} buyers`);
	await tools.database.exec(
		`INSERT INTO user_points (discord_server_id, kick_username, points, total_earned)
		SELECT ${SERVER}, 'buyer_' || i, 1000000, 1000000 FROM generate_series(1, ${BUYERS}) AS i;
		INSERT INTO point_ledger (discord_server_id, kick_username, source, amount, reason)
		SELECT discord_server_id, kick_username, 'legacy', points, 'Bench' FROM user_points WHERE discord_server_id = ${SERVER};`
	);
	for (const table of ['user_points', 'point_ledger']) await tools.database.exec(`VACUUM ANALYZE ${table}`);
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((x, y) => x - y);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
