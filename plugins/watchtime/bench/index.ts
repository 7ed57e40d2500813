import { hrtime } from 'node:process';
import { forEachAtOnce, type GuildSettings } from '#core';
import { testGuildContext } from '#test/helpers/guildContext';
import { definePluginBench, type PluginBenchTools } from '#test/helpers/pluginBench';
import { ChatPresence } from '../lib/ChatPresence.js';
import { countWatchtimeTick, tickOf, type TickContext } from '../lib/countWatchtimeTick.js';
import { LIVE_KEY, PRESENCE_KEY } from '../lib/presence.js';

/*
 * One watch-time tick at scale: 1,000 live servers with 100 present viewers each (100,000), as
 * the minute task runs it (16 servers at a time, each a Redis round trip and one statement),
 * against the limit of the same rows written by single multi-row statements.
 */

const SERVERS = 1000;
const PRESENT_PER_SERVER = 100;
/** Viewers each server has rows for (the present ones among them), so the upserts find a realistic table. */
const ROWS_PER_SERVER = 1000;
/** Present viewers per server who linked their Kick account there. */
const LINKED_PER_SERVER = 10;
/** As the tick task runs them. */
const SERVERS_AT_ONCE = 16;
const MINUTE = 60_000;
const FIRST_SERVER = 2_100_000_000_000_000_000n;
/** A minute boundary in the future of any seeded row; each round is the next minute. */
const START = Date.UTC(2031, 0, 1, 20, 0, 0);

const DEFAULTS: Readonly<Record<string, unknown>> = { tracking_enabled: true, tracking_force_override: false, watchtime_daily_cap_minutes: 0, plugins_off: [] };

const guildIdOf = (index: number) => FIRST_SERVER + BigInt(index);
const kickUserIdOf = (viewer: number) => String(10_000_000 + viewer);

interface Round {
	readonly flushMs: number;
	readonly recordNsPerMessage: number;
	readonly tickMs: number;
	/** CPU time of this process (the bot's share) during the tick. */
	readonly tickCpuMs: number;
	readonly statements: number;
	readonly credited: number;
	readonly limitMs: number;
}

export default definePluginBench({
	section: 'watchtime',
	async run(tools) {
		await seed(tools);
		const shared = tools.sharedState(`bench-watchtime-${process.pid}`);
		const servers = Array.from({ length: SERVERS }, (_, index) => guildIdOf(index));
		const settings = { get: (key: string) => DEFAULTS[key] ?? null } as unknown as GuildSettings;
		const contexts: TickContext[] = servers.map((guildId) =>
			testGuildContext({ guildId, settings, db: tools.database.forGuild(guildId), shared: shared.forGuild(guildId) })
		);
		// One process's buffer for the whole run: its links stay cached between minutes, as in the bot.
		const clock = { now: START };
		const presence = new ChatPresence({ now: () => clock.now, flushEveryMs: 3_600_000 });
		try {
			// Kick said live everywhere, as the live-status listener records it.
			await Promise.all(servers.map((guildId) => shared.forGuild(guildId).set(LIVE_KEY, 'live', { ttlMs: 3_600_000 })));
			const rounds: Round[] = [];
			for (let round = 0; round <= tools.rounds; round++) {
				clock.now = START + round * MINUTE + 30_000;
				const measured = await tick(tools, presence, contexts, clock.now);
				// Round 0 warms up: the first upserts of the run and the plans.
				if (round > 0) rounds.push(measured);
				tools.progress(
					`round ${round}: tick ${measured.tickMs.toFixed(0)} ms, ${measured.statements} statements; limit ${measured.limitMs.toFixed(0)} ms`
				);
			}
			return report(rounds);
		} finally {
			await presence.close();
			await Promise.all(
				servers.map((guildId) => Promise.all([shared.forGuild(guildId).delete(LIVE_KEY), shared.forGuild(guildId).delete(PRESENCE_KEY)]))
			);
			await shared.close();
		}
	}
});

/** The servers, their viewers' rows and links, in a few set-based statements. */
async function seed(tools: PluginBenchTools): Promise<void> {
	const started = hrtime.bigint();
	await tools.database.exec(`
		INSERT INTO servers (discord_server_id) SELECT ${FIRST_SERVER} + s FROM generate_series(0, ${SERVERS - 1}) AS s;
		INSERT INTO watchtime (discord_server_id, username, minutes, last_active)
		SELECT ${FIRST_SERVER} + s, 'viewer_' || v, (v * 7 + s) % 5000, '2030-12-31 12:00'
		FROM generate_series(0, ${SERVERS - 1}) AS s, generate_series(1, ${ROWS_PER_SERVER}) AS v;
		INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id, linked_at)
		SELECT ${FIRST_SERVER} + s, 300000000000000000 + v, 'viewer_' || v, ${kickUserIdOf(0)} + v, now()
		FROM generate_series(0, ${SERVERS - 1}) AS s, generate_series(1, ${LINKED_PER_SERVER}) AS v;`);
	// A multi-statement script runs as one transaction, where VACUUM cannot.
	for (const table of ['servers', 'watchtime', 'links']) await tools.database.exec(`VACUUM ANALYZE ${table}`);
	const seconds = Number(hrtime.bigint() - started) / 1e9;
	tools.progress(`seeded ${SERVERS} servers × ${ROWS_PER_SERVER} watchtime rows, ${LINKED_PER_SERVER} links each (${seconds.toFixed(1)} s)`);
}

/** One minute: every server's viewers chat, this process flushes, the tick runs for every server; then the limit for the same rows. */
async function tick(tools: PluginBenchTools, presence: ChatPresence, contexts: readonly TickContext[], now: number): Promise<Round> {
	const recordStarted = hrtime.bigint();
	for (const context of contexts) {
		for (let viewer = 1; viewer <= PRESENT_PER_SERVER; viewer++) presence.record(context, kickUserIdOf(viewer), `viewer_${viewer}`, now - viewer * 100);
	}
	const recordNs = Number(hrtime.bigint() - recordStarted);
	const flushStarted = hrtime.bigint();
	await presence.flush();
	const flushMs = Number(hrtime.bigint() - flushStarted) / 1e6;

	const before = tools.database.statements.length;
	let credited = 0;
	const cpuBefore = process.cpuUsage();
	const tickStarted = hrtime.bigint();
	await forEachAtOnce(contexts, SERVERS_AT_ONCE, async (context) => {
		const result = await countWatchtimeTick(context, tickOf(now, MINUTE));
		if (result.status !== 'counted') throw new Error(`server ${context.guildId} did not count its tick: ${result.status}`);
		credited += result.credited;
	});
	const tickMs = Number(hrtime.bigint() - tickStarted) / 1e6;
	const cpu = process.cpuUsage(cpuBefore);
	const statements = tools.database.statements.length - before;
	if (credited !== SERVERS * PRESENT_PER_SERVER) throw new Error(`the tick credited ${credited} viewers, not ${SERVERS * PRESENT_PER_SERVER}`);

	return {
		flushMs,
		recordNsPerMessage: recordNs / (SERVERS * PRESENT_PER_SERVER),
		tickMs,
		tickCpuMs: (cpu.user + cpu.system) / 1000,
		statements,
		credited,
		limitMs: await limit(tools, now)
	};
}

/** The same 100,000 rows written by one multi-row upsert of `watchtime`, as the tick writes them (no cap): what the database needs at the least. */
async function limit(tools: PluginBenchTools, now: number): Promise<number> {
	const at = new Date(now).toISOString();
	const started = hrtime.bigint();
	await tools.database.exec(`
		INSERT INTO watchtime (discord_server_id, username, minutes, last_active)
		SELECT ${FIRST_SERVER} + s, 'viewer_' || v, 1, '${at}' FROM generate_series(0, ${SERVERS - 1}) AS s, generate_series(1, ${PRESENT_PER_SERVER}) AS v
		ON CONFLICT (discord_server_id, username) DO UPDATE SET minutes = COALESCE(watchtime.minutes, 0) + 1, last_active = EXCLUDED.last_active`);
	return Number(hrtime.bigint() - started) / 1e6;
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function report(rounds: readonly Round[]): string[] {
	const of = (pick: (round: Round) => number) => median(rounds.map(pick));
	const ms = (value: number) => value.toFixed(0);
	const tickMs = of((round) => round.tickMs);
	const statements = of((round) => round.statements);
	const viewers = SERVERS * PRESENT_PER_SERVER;
	return [
		`## Watch time: one tick for ${SERVERS.toLocaleString('en-US')} live servers × ${PRESENT_PER_SERVER} present viewers (${viewers.toLocaleString('en-US')})`,
		'',
		`Each server: ${ROWS_PER_SERVER.toLocaleString('en-US')} viewers with rows (${(SERVERS * ROWS_PER_SERVER).toLocaleString('en-US')} in \`watchtime\`), ` +
			`${LINKED_PER_SERVER} of the present ones linked. The tick runs as the task does: ${SERVERS_AT_ONCE} servers at a time, each one Redis round trip ` +
			'(presence, trim, live status) and one statement (`watchtime_count_tick`: claim, identity, accrual; no daily cap), through a pool of 10 connections, settings from the cache. ' +
			`Statements are counted by a counting driver adapter. Median of ${rounds.length} rounds (a round is a new minute; a warm-up round first).`,
		'',
		table(
			['case', 'wall ms (median)', 'min–max ms', 'statements', 'per server', 'vs limit'],
			[
				[
					`tick: ${viewers.toLocaleString('en-US')} viewers gain a minute`,
					ms(tickMs),
					`${ms(Math.min(...rounds.map((round) => round.tickMs)))}–${ms(Math.max(...rounds.map((round) => round.tickMs)))}`,
					String(statements),
					(statements / SERVERS).toFixed(2),
					`${(tickMs / of((round) => round.limitMs)).toFixed(1)}×`
				],
				[
					'limit: one multi-row upsert of the same rows into `watchtime`, in the same round',
					ms(of((round) => round.limitMs)),
					`${ms(Math.min(...rounds.map((round) => round.limitMs)))}–${ms(Math.max(...rounds.map((round) => round.limitMs)))}`,
					'1',
					'',
					'1×'
				],
				[
					`flush: ${viewers.toLocaleString('en-US')} chat messages from the buffer to Redis`,
					ms(of((round) => round.flushMs)),
					'',
					`${SERVERS} ZADD + ${SERVERS} PEXPIRE, pipelined`,
					'',
					''
				]
			]
		),
		'',
		`The bot's own CPU during the tick (this process: Redis replies, building the statements, the driver): ${ms(of((round) => round.tickCpuMs))} ms; ` +
			'the rest of the wall time is PostgreSQL (1 statement per server: parse and plan, identity, upsert, commit) and waiting. ' +
			`Recording a chat message in the buffer (the listener's work): ${of((round) => round.recordNsPerMessage).toFixed(0)} ns. ` +
			'The statement count is one per server whatever the number of viewers; the machine load (other processes) during the run is in the Environment section.'
	];
}

function table(header: string[], rows: string[][]): string {
	const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
