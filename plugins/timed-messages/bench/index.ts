import { hrtime } from 'node:process';
import { forEachAtOnce, type GuildSettings } from '#core';
import { testGuildContext } from '#test/helpers/guildContext';
import { definePluginBench, type PluginBenchTools } from '#test/helpers/pluginBench';
import { runDueTimers, type TimersContext } from '../lib/runDueTimers.js';

/*
 * The timers' tick at scale: 1,000 live servers with 3 timers each, as the minute task runs it
 * (8 servers at a time). A round is an interval: its first minute posts one timer of every server,
 * the next minute finds nothing due. Statements are counted; the limit is one statement that
 * claims the same posts for every server at once.
 */

const SERVERS = 1000;
const TIMERS_PER_SERVER = 3;
/** As the tick task runs them. */
const SERVERS_AT_ONCE = 8;
const MINUTE = 60_000;
/** The interval of the timer that posts each round; the others post far less often. */
const INTERVAL_MINUTES = 10;
const FIRST_SERVER = 2_200_000_000_000_000_000n;
/** A minute boundary; each round is the next interval. */
const START = Date.UTC(2031, 0, 1, 20, 0, 0);

interface Round {
	readonly dueMs: number;
	readonly dueStatements: number;
	readonly idleMs: number;
	readonly idleStatements: number;
	readonly limitMs: number;
}

export default definePluginBench({
	section: 'timed-messages',
	async run(tools) {
		await seed(tools);
		const shared = tools.sharedState(`bench-timers-${process.pid}`);
		const servers = Array.from({ length: SERVERS }, (_, index) => FIRST_SERVER + BigInt(index));
		const settings = { get: () => null } as unknown as GuildSettings;
		let posts = 0;
		const contexts: TimersContext[] = servers.map((guildId) => ({
			...testGuildContext({ guildId, settings, db: tools.database.forGuild(guildId), shared: shared.forGuild(guildId) }),
			// The outbox is measured in the webhook section; here a post is handed over and counted.
			sayInKickChat: () => {
				posts++;
				return Promise.resolve({ status: 'queued' } as never);
			}
		}));
		try {
			const rounds: Round[] = [];
			for (let round = 0; round <= tools.rounds; round++) {
				const at = START + round * INTERVAL_MINUTES * MINUTE;
				const postsBefore = posts;
				const due = await tick(tools, contexts, at);
				if (posts - postsBefore !== SERVERS) throw new Error(`round ${round} posted ${posts - postsBefore} times, not ${SERVERS}`);
				const idle = await tick(tools, contexts, at + MINUTE);
				if (posts - postsBefore !== SERVERS) throw new Error(`round ${round} posted again in the minute after`);
				const measured = {
					dueMs: due.ms,
					dueStatements: due.statements,
					idleMs: idle.ms,
					idleStatements: idle.statements,
					limitMs: await limit(tools, at)
				};
				// Round 0 warms up: the plans and the pool.
				if (round > 0) rounds.push(measured);
				tools.progress(
					`round ${round}: due tick ${measured.dueMs.toFixed(0)} ms, ${measured.dueStatements} statements; idle ${measured.idleMs.toFixed(0)} ms; limit ${measured.limitMs.toFixed(0)} ms`
				);
			}
			return report(rounds);
		} finally {
			await shared.close();
		}
	}
});

/** The servers, live, with their timers: one posts every interval (live only), one waits for chat, one is off. */
async function seed(tools: PluginBenchTools): Promise<void> {
	await tools.database.exec(`
		INSERT INTO servers (discord_server_id) SELECT ${FIRST_SERVER} + s FROM generate_series(0, ${SERVERS - 1}) AS s;
		INSERT INTO kick_connections (discord_server_id, broadcaster_user_id, channel_slug, is_live)
		SELECT ${FIRST_SERVER} + s, 5000000 + s, 'channel_' || s, TRUE FROM generate_series(0, ${SERVERS - 1}) AS s;
		INSERT INTO timed_messages (discord_server_id, message, extra_messages, interval_minutes, enabled, min_chat_lines)
		SELECT ${FIRST_SERVER} + s, 'Follow the channel!', ARRAY['Join the Discord', 'Hydrate'], ${INTERVAL_MINUTES}, TRUE, 0 FROM generate_series(0, ${SERVERS - 1}) AS s
		UNION ALL SELECT ${FIRST_SERVER} + s, 'Chat more!', '{}', 60 * 24 * 7, TRUE, 100000 FROM generate_series(0, ${SERVERS - 1}) AS s
		UNION ALL SELECT ${FIRST_SERVER} + s, 'Switched off', '{}', 1, FALSE, 0 FROM generate_series(0, ${SERVERS - 1}) AS s;`);
	for (const table of ['servers', 'kick_connections', 'timed_messages']) await tools.database.exec(`VACUUM ANALYZE ${table}`);
	tools.progress(`seeded ${SERVERS} live servers × ${TIMERS_PER_SERVER} timers`);
}

async function tick(tools: PluginBenchTools, contexts: readonly TimersContext[], at: number): Promise<{ ms: number; statements: number }> {
	const before = tools.database.statements.length;
	const started = hrtime.bigint();
	await forEachAtOnce(contexts, SERVERS_AT_ONCE, async (context) => void (await runDueTimers(context, new Date(at))));
	return { ms: Number(hrtime.bigint() - started) / 1e6, statements: tools.database.statements.length - before };
}

/** One statement claiming the same 1,000 posts at once (the timers put back first): what the database needs at the least. */
async function limit(tools: PluginBenchTools, at: number): Promise<number> {
	const when = new Date(at).toISOString();
	await tools.database.exec(`UPDATE timed_messages SET last_sent = NULL, times_sent = times_sent - 1 WHERE message = 'Follow the channel!'`);
	const started = hrtime.bigint();
	await tools.database.exec(`
		UPDATE timed_messages SET last_sent = '${when}'::timestamp, times_sent = times_sent + 1
		WHERE COALESCE(enabled, TRUE) AND min_chat_lines = 0 AND (last_sent IS NULL OR last_sent <= '${when}'::timestamp - make_interval(mins => interval_minutes))`);
	return Number(hrtime.bigint() - started) / 1e6;
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function report(rounds: readonly Round[]): string[] {
	const of = (pick: (round: Round) => number) => median(rounds.map(pick));
	const range = (pick: (round: Round) => number) => `${Math.min(...rounds.map(pick)).toFixed(0)}–${Math.max(...rounds.map(pick)).toFixed(0)}`;
	const perServer = (pick: (round: Round) => number) => (of(pick) / SERVERS).toFixed(2);
	return [
		`## Timed messages: the tick for ${SERVERS.toLocaleString('en-US')} live servers × ${TIMERS_PER_SERVER} timers`,
		'',
		`Each server: a live-only timer every ${INTERVAL_MINUTES} minutes with 3 messages, one waiting for 100,000 chat lines, one switched off; Kick says every stream is live. ` +
			`The tick runs as the task does, ${SERVERS_AT_ONCE} servers at a time; a post is handed to a stand-in for the outbox (counted, not recorded). ` +
			`Statements are counted by a counting driver adapter (the task's one query for the servers with timers is not among them). Median of ${rounds.length} rounds after a warm-up round.`,
		'',
		'| case | wall ms (median) | min–max ms | statements | per server |',
		'| --- | --- | --- | --- | --- |',
		`| due minute: ${SERVERS.toLocaleString('en-US')} posts claimed and handed over | ${of((round) => round.dueMs).toFixed(0)} | ${range((round) => round.dueMs)} | ${of((round) => round.dueStatements)} | ${perServer((round) => round.dueStatements)} |`,
		`| idle minute: nothing due | ${of((round) => round.idleMs).toFixed(0)} | ${range((round) => round.idleMs)} | ${of((round) => round.idleStatements)} | ${perServer((round) => round.idleStatements)} |`,
		`| limit: one statement claiming the same ${SERVERS.toLocaleString('en-US')} posts, same round | ${of((round) => round.limitMs).toFixed(0)} | ${range((round) => round.limitMs)} | 1 | |`,
		'',
		`Due minute ÷ limit: ${(of((round) => round.dueMs) / of((round) => round.limitMs)).toFixed(1)}×. The chat line counter is read from Redis only for servers with a due timer that has a minimum (one GET).`
	];
}
