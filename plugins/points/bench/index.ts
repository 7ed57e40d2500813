import { hrtime } from 'node:process';
import { definePluginBench, type PluginBenchTools } from '#test/helpers/pluginBench';

/*
 * The leaderboard and a viewer's rank among 1,000,000 viewers of one server (and 100,000 in a
 * second server), through the repository as the bot calls it, against the limit of a bare lookup
 * by the unique key through the same repository in the same rounds. Also the rank as counting the
 * viewers above would give it (the design `point_rank_counts` replaced), and a credit's cost with
 * the counts kept in step.
 */

const VIEWERS = 1_000_000;
const OTHER_VIEWERS = 100_000;
const SERVER = 2_200_000_000_000_000_001n;
const OTHER_SERVER = 2_200_000_000_000_000_002n;
/** Calls per case per round (the count-based rank is slow: fewer). */
const CALLS = 100;
const SLOW_CALLS = 10;

interface Case {
	readonly name: string;
	readonly calls: number;
	call(iteration: number): Promise<unknown>;
}

export default definePluginBench({
	section: 'points',
	async run(tools) {
		const seedStarted = Date.now();
		await seed(tools);
		const seedMs = Date.now() - seedStarted;
		const db = tools.database.forGuild(SERVER);
		const [lowest] = await tools.database.query<{ name: string }>(
			`SELECT kick_username AS name FROM user_points WHERE discord_server_id = ${SERVER} ORDER BY points, id LIMIT 1`
		);
		const random = (iteration: number) => `viewer_${1 + ((iteration * 7_919 + Math.floor(Math.random() * VIEWERS)) % VIEWERS)}`;
		const cases: Case[] = [
			{ name: 'limit: balance by the unique key (`points.balanceOf`)', calls: CALLS, call: (i) => db.points.balanceOf(random(i)) },
			{ name: '**top 10** (`points.leaderboard`, limit 10)', calls: CALLS, call: () => db.points.leaderboard({ limit: 10 }) },
			{ name: 'page 1,000 of the leaderboard (offset 9,990)', calls: CALLS, call: () => db.points.leaderboard({ limit: 10, offset: 9_990 }) },
			{ name: '**rank of a random viewer** (`points.rankOf`)', calls: CALLS, call: (i) => db.points.rankOf(random(i)) },
			{ name: 'rank of the lowest viewer (`points.rankOf`)', calls: CALLS, call: () => db.points.rankOf(lowest!.name) },
			{ name: 'viewers in the server (`points.count`)', calls: CALLS, call: () => db.points.count() },
			{
				name: 'a credit with its ledger row and the counts kept (`points.credit`)',
				calls: CALLS,
				call: (i) => db.points.credit(random(i), { amount: 1 + (i % 50), source: 'award', reason: 'Bench' })
			},
			{
				name: 'before: rank by counting the viewers above (random viewer)',
				calls: SLOW_CALLS,
				call: (i) =>
					tools.database.query(
						`SELECT 1 + (SELECT count(*) FROM user_points o WHERE o.discord_server_id = ${SERVER} AND o.points > own.points) AS rank
						FROM user_points own WHERE own.discord_server_id = ${SERVER} AND own.kick_username = $1`,
						[random(i)]
					)
			},
			{
				name: 'before: count by scanning the server (`count(*)`)',
				calls: SLOW_CALLS,
				call: () => tools.database.query(`SELECT count(*) FROM user_points WHERE discord_server_id = ${SERVER}`)
			}
		];
		const perCase = new Map<string, { means: number[]; all: number[] }>(cases.map((entry) => [entry.name, { means: [], all: [] }]));
		for (let round = 0; round <= tools.rounds; round++) {
			for (const entry of cases) {
				const times: number[] = [];
				for (let i = 0; i < entry.calls; i++) {
					const started = hrtime.bigint();
					await entry.call(round * entry.calls + i);
					times.push(Number(hrtime.bigint() - started) / 1e6);
				}
				// Round 0 warms up plans and caches.
				if (round === 0) continue;
				const stats = perCase.get(entry.name)!;
				stats.means.push(times.reduce((sum, time) => sum + time, 0) / times.length);
				stats.all.push(...times);
			}
			tools.progress(`round ${round} done`);
		}
		const limit = median(perCase.get(cases[0]!.name)!.means);
		const plans = await explain(tools, lowest!.name);
		return [
			`## Points: leaderboard and rank among ${VIEWERS.toLocaleString('en-US')} viewers of one server`,
			'',
			`${VIEWERS.toLocaleString('en-US')} \`user_points\` rows in one server and ${OTHER_VIEWERS.toLocaleString('en-US')} in another (balances log-uniform 1–200,000), seeded in ${seedMs.toLocaleString('en-US')} ms with \`point_rank_counts\` kept by its trigger, then \`VACUUM ANALYZE\`. One call in flight; ${CALLS} calls per case per round (${SLOW_CALLS} for the "before" cases, raw SQL over the bench's own connection), ${tools.rounds} rounds after a warm-up round.`,
			'',
			'| case | ms per call (median of round means) | p50 ms | p95 ms | vs limit |',
			'| --- | --- | --- | --- | --- |',
			...cases.map((entry) => {
				const stats = perCase.get(entry.name)!;
				const sorted = [...stats.all].sort((x, y) => x - y);
				const mean = median(stats.means);
				return `| ${entry.name} | ${mean.toFixed(2)} | ${quantile(sorted, 0.5).toFixed(2)} | ${quantile(sorted, 0.95).toFixed(2)} | ${(mean / limit).toFixed(2)}× |`;
			}),
			'',
			'Plans (`EXPLAIN (ANALYZE, BUFFERS)`, the lowest viewer):',
			'',
			...plans
		];
	}
});

async function seed(tools: PluginBenchTools): Promise<void> {
	tools.progress(`seeding ${VIEWERS.toLocaleString('en-US')} + ${OTHER_VIEWERS.toLocaleString('en-US')} viewers`);
	for (const [server, viewers] of [
		[SERVER, VIEWERS],
		[OTHER_SERVER, OTHER_VIEWERS]
	] as const) {
		// One statement per server (the statement trigger counts them in one pass); the ledger gets the same balances as opening rows.
		await tools.database.exec(
			`INSERT INTO user_points (discord_server_id, kick_username, points, total_earned)
			SELECT ${server}, 'viewer_' || i, p, p FROM (SELECT i, floor(exp(random() * ln(200000)))::int AS p FROM generate_series(1, ${viewers}) AS i) AS s;
			INSERT INTO point_ledger (discord_server_id, kick_username, source, amount, reason)
			SELECT discord_server_id, kick_username, 'legacy', points, 'Bench' FROM user_points WHERE discord_server_id = ${server};`
		);
	}
	// One statement per call: VACUUM cannot run inside the transaction a multi-statement script is.
	for (const table of ['user_points', 'point_rank_counts', 'point_ledger']) await tools.database.exec(`VACUUM ANALYZE ${table}`);
}

async function explain(tools: PluginBenchTools, lowest: string): Promise<string[]> {
	const statements: [string, string][] = [
		['top 10', `SELECT kick_username, points FROM user_points WHERE discord_server_id = ${SERVER} ORDER BY points DESC NULLS LAST, id LIMIT 10`],
		[
			'rank',
			`SELECT 1
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${SERVER} AND level = 2 AND bucket > own.points >> 20), 0)
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${SERVER} AND level = 1 AND bucket > own.points >> 10 AND bucket < ((own.points::bigint >> 20) + 1) << 10), 0)
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${SERVER} AND level = 0 AND bucket > own.points AND bucket < ((own.points::bigint >> 10) + 1) << 10), 0)
			FROM user_points AS own WHERE own.discord_server_id = ${SERVER} AND own.kick_username = '${lowest}'`
		]
	];
	const lines: string[] = [];
	for (const [name, sql] of statements) {
		const rows = await tools.database.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
		lines.push(`- ${name}:`, '', '```', ...rows.map((row) => row['QUERY PLAN']), '```', '');
	}
	const [counts] = await tools.database.query<{ n: string }>(`SELECT count(*)::text AS n FROM point_rank_counts WHERE discord_server_id = ${SERVER}`);
	lines.push(`\`point_rank_counts\` rows for the server: ${Number(counts!.n).toLocaleString('en-US')}.`);
	return lines;
}

function median(values: readonly number[]): number {
	return quantile(
		[...values].sort((x, y) => x - y),
		0.5
	);
}

function quantile(sorted: readonly number[], q: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
