import { join } from 'node:path';
import { expect } from 'chai';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { RedisServer } from '#test/helpers/RedisServer';
import { TcpProxy } from '#test/helpers/TcpProxy';
import { waitUntil } from '#test/helpers/waitUntil';
import { projectRoot } from '#lib/paths';

/**
 * The fault suite (issue 10): the bot under a bad day, each fault on an instance or proxy of the
 * test's own, never the shared PostgreSQL or Redis. What it promises and how these tests check it:
 * docs/reliability.md. Each test prints its numbers.
 */

const MODERATOR_BADGE = [{ type: 'moderator', text: 'Moderator' }];
const HEARTBEAT_PLUGINS = join(projectRoot, 'dist', 'test', 'fixtures', 'plugins-heartbeat');
const report = (line: string) => console.log(`      ${line}`);

describe('Fault: Redis restarted empty, or flushed, under a running bot', function () {
	this.timeout(120_000);

	let redis: RedisServer;
	let under: BotUnderTest;
	const CORE_TASKS = ['pruneKickBookkeeping', 'refreshKickTokens'];

	/** The task names of the repeat jobs BullMQ keeps for the bot's queue (one hash per repeat job). */
	const repeatJobs = async () => {
		const client = redis.client();
		try {
			const keys = await client.keys(`bull:${under.redisKeyPrefix}-scheduled-tasks:repeat:*`);
			// A job running right now also has a lock (a string) and maybe logs (a list) under this pattern: read hashes only.
			const hashes = (await Promise.all(keys.map(async (key) => ((await client.type(key)) === 'hash' ? key : null)))).filter((key) => key !== null);
			const names = await Promise.all(hashes.map((key) => client.hget(key, 'name')));
			return [...new Set(names.filter((name): name is string => name !== null))].sort();
		} finally {
			client.disconnect();
		}
	};

	before(async () => {
		redis = await RedisServer.start();
		under = await BotUnderTest.start(
			{ guilds: [community('2100000000000000100', 'Alpha', 'alpha')] },
			{ REDIS_URL: redis.url },
			{ pluginsDirectory: HEARTBEAT_PLUGINS }
		);
		await under.bot.waitForLine(/Heartbeat task ran\./);
		expect(await repeatJobs()).to.deep.equal(['heartbeat', ...CORE_TASKS].sort());
	});

	after(async () => {
		await under?.stop();
		await redis?.stop();
	});

	it('recreates every repeat job when Redis comes back empty, and the tasks run again', async () => {
		const from = under.bot.mark();
		const started = Date.now();
		await redis.restartEmpty();
		expect(await repeatJobs(), 'the restarted Redis holds nothing').to.not.include('heartbeat');

		const line = await under.bot.waitForLine(/Scheduled tasks: \d+ repeat job\(s\) were missing in Redis/, { from, timeoutMs: 60_000 });
		expect(line).to.include('heartbeat').and.include('pruneKickBookkeeping').and.include('refreshKickTokens');
		await under.bot.waitForLine(/Heartbeat task ran\./, { from: under.bot.mark(), timeoutMs: 30_000 });
		const ranAgainAfter = Date.now() - started;
		expect(await repeatJobs()).to.deep.equal(['heartbeat', ...CORE_TASKS].sort());
		report(`Redis restarted empty: repeat jobs recreated and the 1 s task ran again ${(ranAgainAfter / 1000).toFixed(1)} s after the restart.`);
	});

	it('recreates them when Redis is flushed without a restart (no reconnection to notice), within the 30 s check', async () => {
		const client = redis.client();
		const started = Date.now();
		await client.flushall();
		client.disconnect();
		const from = under.bot.mark();

		await under.bot.waitForLine(/Scheduled tasks: \d+ repeat job\(s\) were missing in Redis/, { from, timeoutMs: 45_000 });
		const mark = under.bot.mark();
		await under.bot.waitForLine(/Heartbeat task ran\./, { from: mark, timeoutMs: 30_000 });
		expect(await repeatJobs()).to.deep.equal(['heartbeat', ...CORE_TASKS].sort());
		report(`Redis flushed: the tasks ran again ${((Date.now() - started) / 1000).toFixed(1)} s later.`);
	});
});

/** Links `count` servers, each to a channel of its own, and makes their chat replies go out fast. */
async function linkedCommunities(count: number, environment: Readonly<Record<string, string>> = {}, options: { readonly databasePort?: number } = {}) {
	const streamers = Array.from({ length: count }, (_, index) => `Streamer${index + 1}`);
	const setup = await KickUnderTest.start({
		eventsVia: 'webhook',
		users: [...streamers.map((username) => ({ username })), { username: 'viewer_vic' }, { username: 'mod_mia' }]
	});
	const guilds = streamers.map((_, index) => community(`22000000000000001${String(index).padStart(2, '0')}`, `Server${index + 1}`, `server${index + 1}`));
	const under = await BotUnderTest.start({ guilds }, { ...setup.environment, LOG_LEVEL: 'debug', ...environment }, options);
	await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
	for (const [index, streamer] of streamers.entries()) {
		const guild = `Server${index + 1}`;
		const linked = await setup.connect(under, { guild, member: `${guild.toLowerCase()}-moderator`, channel: streamer.toLowerCase(), streamer });
		expect(linked.status, guild).to.equal(200);
		const fast = await under.standIn.runSlashCommand({
			guild,
			member: `${guild.toLowerCase()}-moderator`,
			name: 'settings',
			subcommand: 'set',
			options: { key: 'kick_chat_min_interval_ms', value: '250' }
		});
		expect(fast.content).to.match(/is now/);
	}
	return { setup, under, kick: setup.kick, streamers, guilds };
}

/** What became of accepted chat commands: answers in the channels' chat, and outbox rows. */
async function outcomesOf(under: BotUnderTest, kick: KickStandIn, streamers: readonly string[], messageIds: readonly string[]) {
	const answers = new Map<string, number>();
	for (const streamer of streamers) {
		for (const message of kick.chat.list(streamer))
			if (message.replyToMessageId) answers.set(message.replyToMessageId, (answers.get(message.replyToMessageId) ?? 0) + 1);
	}
	const rows = await under.sql<{ reply_to: string; status: string }>(`SELECT reply_to, status FROM outbox_messages WHERE reply_to = ANY($1::text[])`, [
		[...messageIds]
	]);
	const status = new Map(rows.map((row) => [row.reply_to, row.status]));
	return messageIds.map((id) => ({ id, answers: answers.get(id) ?? 0, status: status.get(id) ?? 'not recorded' }));
}

describe('Fault: the bot killed during a burst of 200 chat commands, and restarted', function () {
	this.timeout(240_000);

	let under: BotUnderTest;
	let setup: KickUnderTest;

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('answers every accepted command exactly once or records it as expired (or interrupted mid-send), never twice', async () => {
		({ under, setup } = await linkedCommunities(4));
		const { kick } = setup;
		const streamers = ['Streamer1', 'Streamer2', 'Streamer3', 'Streamer4'];
		// The fourth server's answers are worth posting for 10 s only: its backlog outlives that across the restart.
		const short = await under.standIn.runSlashCommand({
			guild: 'Server4',
			member: 'server4-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'kick_reply_max_age_seconds', value: '10' }
		});
		expect(short.content).to.match(/is now/);

		const deliveries = await Promise.all(
			Array.from({ length: 200 }, (_, index) =>
				kick.chatAs({ broadcaster: streamers[index % 4]!, sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE })
			)
		);
		const accepted = deliveries
			.filter((delivery) => delivery.status === 200 && JSON.parse(delivery.body).status === 'accepted')
			.map((delivery) => delivery.payload.message_id);
		await under.bot.kill();
		const answeredBeforeKill = (await outcomesOf(under, kick, streamers, accepted)).filter((outcome) => outcome.answers > 0).length;

		await under.startBot();
		const settled = async () =>
			(await outcomesOf(under, kick, streamers, accepted)).every((outcome) => outcome.answers > 0 || ['expired', 'interrupted'].includes(outcome.status));
		await waitUntil(settled, 150_000);
		const outcomes = await outcomesOf(under, kick, streamers, accepted);

		const twice = outcomes.filter((outcome) => outcome.answers > 1);
		const answered = outcomes.filter((outcome) => outcome.answers === 1);
		const expired = outcomes.filter((outcome) => outcome.answers === 0 && outcome.status === 'expired');
		const interrupted = outcomes.filter((outcome) => outcome.status === 'interrupted');
		report(
			`burst: ${deliveries.length} sent, ${accepted.length} accepted; answered ${answered.length} (${answeredBeforeKill} before the kill, ${answered.length - answeredBeforeKill} after the restart), ` +
				`expired ${expired.length}, interrupted mid-send ${interrupted.length}, answered twice ${twice.length}`
		);
		expect(accepted).to.have.length(200);
		expect(twice, 'no command answered twice').to.deep.equal([]);
		expect(answered.length + expired.length + interrupted.filter((outcome) => outcome.answers === 0).length).to.equal(accepted.length);
		expect(interrupted.length, 'at most the one send in flight per channel at the kill').to.be.at.most(4);
		expect(answered.length - answeredBeforeKill, 'answers were left for the restarted bot').to.be.above(0);
		expect(expired.length, 'the 10 s server’s backlog outlived its freshness').to.be.above(0);
		const status = await under.standIn.runSlashCommand({ guild: 'Server4', member: 'server4-moderator', name: 'kick', subcommand: 'status' });
		const chat = status.embeds[0]?.fields?.find((field) => field.name === 'Bot messages in chat')?.value;
		expect(chat, 'moderators see what expired').to.match(/\*\*not posted: (.*, )?\d+ expired \(too late to be worth posting\)/);
	});

	it('on SIGTERM posts what it can within the grace period and leaves the rest to the next start, each answered once', async () => {
		const { kick } = setup;
		const slow = await under.standIn.runSlashCommand({
			guild: 'Server1',
			member: 'server1-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'kick_chat_min_interval_ms', value: '1000' }
		});
		expect(slow.content).to.match(/is now/);
		await under.bot.stop();
		await under.startBot({ SHUTDOWN_GRACE_SECONDS: '2' });
		const before = kick.chat.list('Streamer1').length;

		const deliveries = await Promise.all(
			Array.from({ length: 40 }, () => kick.chatAs({ broadcaster: 'Streamer1', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE }))
		);
		const accepted = deliveries.map((delivery) => delivery.payload.message_id);
		// Every answer recorded, then the operator stops the bot.
		await waitUntil(
			async () =>
				Number(
					(await under.sql<{ count: string }>(`SELECT count(*) AS count FROM outbox_messages WHERE reply_to = ANY($1::text[])`, [accepted]))[0]?.count
				) === 40,
			20_000
		);
		const from = under.bot.mark();
		const stopped = Date.now();
		const exit = await under.bot.stop();
		const stopSeconds = (Date.now() - stopped) / 1000;
		expect(exit.code).to.equal(0);
		expect(under.bot.text(from)).to.match(/Outbox: \d+ message\(s\) not sent before stopping are left for the next bot process/);
		const postedWhileStopping = kick.chat.list('Streamer1').length - before;

		await under.startBot({ SHUTDOWN_GRACE_SECONDS: '2' });
		const settled = async () =>
			(await outcomesOf(under, kick, ['Streamer1'], accepted)).every(
				(outcome) => outcome.answers > 0 || ['expired', 'interrupted', 'failed'].includes(outcome.status)
			);
		await waitUntil(settled, 150_000);
		const outcomes = await outcomesOf(under, kick, ['Streamer1'], accepted);
		report(
			`SIGTERM with 40 answers queued (1 per second): ${postedWhileStopping} posted in the ${stopSeconds.toFixed(1)} s stop, the rest after the restart; answered twice: ${outcomes.filter((outcome) => outcome.answers > 1).length}`
		);
		expect(postedWhileStopping).to.be.within(1, 39);
		expect(outcomes.filter((outcome) => outcome.answers !== 1)).to.deep.equal([]);
	});
});

describe('Fault: PostgreSQL unreachable for a while', function () {
	this.timeout(120_000);

	let proxy: TcpProxy;
	let under: BotUnderTest;
	let setup: KickUnderTest;

	before(async () => {
		proxy = await TcpProxy.start({ host: '127.0.0.1', port: 5432 });
		({ under, setup } = await linkedCommunities(1, {}, { databasePort: proxy.port }));
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
		await proxy?.close();
	});

	it('answers webhooks 503 with a generic body while it is away, keeps running, and handles Kick’s retries once it is back', async () => {
		const { kick } = setup;
		const answered = kick.chatAs({ broadcaster: 'Streamer1', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const first = await answered;
		expect(first.status).to.equal(200);

		proxy.cutOff();
		const payload = kick.chatMessagePayload({ broadcaster: 'Streamer1', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const during = await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'Streamer1', payload });
		expect(during.status).to.equal(503);
		expect(during.body).to.not.match(/prisma|database server|postgres|ECONN|5432|Can't reach/i);
		expect(JSON.parse(during.body)).to.have.property('error');
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(under.bot.text()).to.not.match(/Unhandled|exited/);

		proxy.restore();
		// Kick retries a delivery that failed; the retry carries the same message.
		await waitUntil(async () => (await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'Streamer1', payload })).status === 200, 30_000);
		await kick.chat.waitFor((message) => message.replyToMessageId === payload.message_id, { timeoutMs: 30_000 });
		const again = await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'Streamer1', payload });
		expect(JSON.parse(again.body).status).to.equal('duplicate');
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(kick.chat.list('Streamer1').filter((message) => message.replyToMessageId === payload.message_id)).to.have.length(1);
		report('PostgreSQL away: webhooks answered 503 (generic body), the bot stayed up, and the retried command was answered once after it came back.');
	});
});
