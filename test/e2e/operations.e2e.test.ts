import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { kickWebhookHeaders, createSigningKeyPair, type SigningKeyPair } from '#test/kick-standin/webhookSigning';
import { RedisServer } from '#test/helpers/RedisServer';
import { TcpProxy } from '#test/helpers/TcpProxy';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1960000000000000100';
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** Every secret the bot is given: none may appear in its output. */
const SECRETS = {
	METRICS_TOKEN: `metrics-${hex(12)}`,
	KICK_CLIENT_SECRET: `kick-secret-${hex(12)}`,
	DASHBOARD_SECRET: `dashboard-secret-${hex(16)}`,
	TOKEN_ENCRYPTION_KEY: hex(32),
	databasePassword: `pg-pass-${hex(8)}`,
	redisPassword: `redis-pass-${hex(8)}`
};
const IN_FLIGHT_LIMIT = 4;

interface Answer {
	readonly status: number;
	readonly headers: Headers;
	readonly text: string;
}

/** A signed chat message delivery, as Kick sends it (a fresh message id unless one is given, for a retry). */
function chatDelivery(
	keys: SigningKeyPair,
	messageId: string = randomUUID()
): { readonly messageId: string; readonly headers: Record<string, string>; readonly body: string } {
	const user = (id: number, name: string, identity: unknown) => ({
		is_anonymous: false,
		user_id: id,
		username: name,
		is_verified: false,
		profile_picture: 'https://kick.example/avatar.png',
		channel_slug: name.toLowerCase(),
		identity
	});
	const body = JSON.stringify({
		message_id: `msg-${messageId}`,
		replies_to: null,
		broadcaster: user(7700, 'OpsStreamer', null),
		sender: user(7701, 'ops_viewer', { username_color: '#FFFFFF', badges: [] }),
		content: 'hello chat',
		emotes: [],
		created_at: new Date().toISOString()
	});
	const headers = kickWebhookHeaders({
		privateKey: keys.privateKey,
		messageId,
		subscriptionId: 'ops-subscription',
		eventType: 'chat.message.sent',
		timestamp: new Date(),
		rawBody: body
	});
	return { messageId, headers: { ...headers, 'content-type': 'application/json' }, body };
}

/** The value of one sample of the metrics text (the line `name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
	const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
	return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Operations end to end: health, readiness, metrics, load shedding, JSON logs without secrets', function () {
	this.timeout(120_000);

	let redis: RedisServer;
	let redisProxy: TcpProxy;
	let postgresProxy: TcpProxy;
	let under: BotUnderTest;
	let keys: SigningKeyPair;
	let base: string;

	const call = async (path: string, init: RequestInit = {}): Promise<Answer> => {
		const response = await fetch(`${base}${path}`, init);
		return { status: response.status, headers: response.headers, text: await response.text() };
	};
	const metrics = async (): Promise<string> => {
		const answer = await call('/metrics', { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } });
		expect(answer.status, answer.text).to.equal(200);
		return answer.text;
	};
	const readiness = async () => {
		const answer = await call('/ready');
		return { status: answer.status, body: JSON.parse(answer.text) as { ready: boolean; notReady: string[]; checks: Record<string, string> } };
	};
	const deliver = (delivery: ReturnType<typeof chatDelivery>) =>
		call('/kick/webhook', { method: 'POST', headers: delivery.headers, body: delivery.body }).then((answer) => ({
			...answer,
			body: JSON.parse(answer.text) as { status?: string; error?: string }
		}));

	before(async () => {
		// The bot's Redis (one of its own, asking for a password) and PostgreSQL are reached through proxies the test cuts.
		redis = await RedisServer.start({ password: SECRETS.redisPassword });
		redisProxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
		postgresProxy = await TcpProxy.start({ host: '127.0.0.1', port: 5432 });
		keys = createSigningKeyPair();
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha')] },
			{
				LOG_FORMAT: 'json',
				LOG_LEVEL: 'debug',
				METRICS_TOKEN: SECRETS.METRICS_TOKEN,
				DASHBOARD_SECRET: SECRETS.DASHBOARD_SECRET,
				TOKEN_ENCRYPTION_KEY: SECRETS.TOKEN_ENCRYPTION_KEY,
				REDIS_URL: `redis://:${SECRETS.redisPassword}@127.0.0.1:${redisProxy.port}`,
				KICK_CLIENT_ID: 'ops-app',
				KICK_CLIENT_SECRET: SECRETS.KICK_CLIENT_SECRET,
				KICK_EVENTS_VIA: 'webhook',
				KICK_WEBHOOK_PUBLIC_KEY: keys.publicKeyPem,
				// No channel is linked, so Kick's API is never called.
				KICK_AUTH_URL: 'http://127.0.0.1:9/',
				KICK_API_URL: 'http://127.0.0.1:9/public/v1',
				KICK_WEBHOOK_MAX_IN_FLIGHT: String(IN_FLIGHT_LIMIT),
				SCHEDULED_TASK_INTERVALS: 'watchtimeTick=1000'
			},
			{ databasePort: postgresProxy.port, databasePassword: SECRETS.databasePassword }
		);
		base = under.publicUrl;
	});

	after(async () => {
		await under?.stop();
		await redisProxy?.close();
		await postgresProxy?.close();
		await redis?.stop();
	});

	it('answers /health, and /ready once Discord, the database, the migrations and Redis are all there', async () => {
		const health = await call('/health');
		expect(health.status).to.equal(200);
		expect(JSON.parse(health.text)).to.deep.equal({ status: 'ok' });
		expect(health.headers.get('cache-control')).to.equal('no-store');

		await waitUntil(async () => (await readiness()).status === 200);
		expect((await readiness()).body).to.deep.equal({
			ready: true,
			notReady: [],
			checks: { discord: 'ok', database: 'ok', migrations: 'ok', redis: 'ok' }
		});
	});

	it('serves /metrics only with METRICS_TOKEN as a bearer token', async () => {
		expect((await call('/metrics')).status).to.equal(401);
		const wrong = await call('/metrics', { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}x` } });
		expect(wrong.status).to.equal(401);
		expect(wrong.headers.get('www-authenticate')).to.match(/^Bearer/);
		expect(wrong.text).not.to.include('kickbot_');
		const right = await call('/metrics', { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } });
		expect(right.status).to.equal(200);
		expect(right.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
	});

	it('counts what happens, with no per-server label: events, settings cache, Discord 429s, scheduled tasks, process metrics', async () => {
		// Discord answers the bot's next message with 429; discord.js waits and sends it again.
		under.standIn.rateLimitNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/, retryAfter: 0.1 });
		const pong = await under.standIn.sendMessage({ guild: 'Alpha', member: 'alpha-viewer', content: '!ping' });
		expect(pong.content).to.match(/^Ping/);
		const accepted = await deliver(chatDelivery(keys));
		expect(accepted.status).to.equal(200);
		expect(accepted.body).to.deep.equal({ status: 'accepted' });

		await waitUntil(async () => (sample(await metrics(), 'kickbot_scheduled_task_runs_total{task="watchtimeTick"}') ?? 0) >= 2);
		const text = await metrics();
		expect(sample(text, 'kickbot_discord_rest_rate_limited_total{scope="user"}')).to.equal(1);
		expect(sample(text, 'kickbot_kick_events_received_total{reader="webhook"}')).to.equal(1);
		expect(sample(text, 'kickbot_kick_webhook_answers_total{status="200"}')).to.equal(1);
		expect(sample(text, 'kickbot_kick_events_handled_total')).to.equal(1);
		expect(sample(text, 'kickbot_kick_events_duplicate_total')).to.equal(0);
		expect(sample(text, 'kickbot_settings_cache_misses_total')).to.be.at.least(1);
		expect(sample(text, 'kickbot_settings_cache_hits_total')).to.be.at.least(1);
		expect(sample(text, 'kickbot_scheduled_task_lag_seconds_count{task="watchtimeTick"}')).to.be.at.least(2);
		expect(sample(text, 'kickbot_scheduled_task_failures_total{task="watchtimeTick"}')).to.equal(undefined);
		expect(sample(text, 'kickbot_discord_guilds')).to.equal(1);
		expect(sample(text, 'kickbot_kick_webhook_in_flight')).to.equal(0);
		expect(text).to.include('kickbot_outbox_depth');
		expect(sample(text, 'process_cpu_seconds_total')).to.be.above(0);
		expect(text).to.include('nodejs_eventloop_lag_seconds');
		// Bounded labels: nothing names a server, a channel, a user or a message.
		for (const specific of [ALPHA, '7700', '7701', 'ops_viewer', 'OpsStreamer']) expect(text).not.to.include(specific);
	});

	it('sheds webhook deliveries past KICK_WEBHOOK_MAX_IN_FLIGHT with 503 and Retry-After, and takes them again once there is room', async () => {
		// Claims wait on a lock the test holds, so the deliveries stay in flight.
		const blocker = new pg.Client({ connectionString: under.database.url });
		await blocker.connect();
		try {
			await blocker.query('BEGIN');
			await blocker.query('LOCK TABLE kick_event_receipts IN SHARE MODE');
			const waiting = Array.from({ length: IN_FLIGHT_LIMIT }, () => deliver(chatDelivery(keys)));
			await waitUntil(async () => sample(await metrics(), 'kickbot_kick_webhook_in_flight') === IN_FLIGHT_LIMIT);

			const flood = Array.from({ length: 6 }, () => chatDelivery(keys));
			const refused = await Promise.all(flood.map(deliver));
			for (const answer of refused) {
				expect(answer.status).to.equal(503);
				expect(answer.headers.get('retry-after')).to.equal('5');
				expect(answer.body).to.deep.equal({ error: 'too busy; retry later' });
			}
			expect(sample(await metrics(), 'kickbot_kick_webhook_shed_total')).to.equal(flood.length);

			await blocker.query('COMMIT');
			for (const answer of await Promise.all(waiting)) expect(answer.body).to.deep.equal({ status: 'accepted' });
			// A delivery stays in flight until its event is handed over, a moment after its answer.
			await waitUntil(async () => sample(await metrics(), 'kickbot_kick_webhook_in_flight') === 0);
			// Kick's retries of the refused deliveries (same message ids) are taken: nothing was lost.
			for (const delivery of flood) expect((await deliver(chatDelivery(keys, delivery.messageId))).body).to.deep.equal({ status: 'accepted' });
		} finally {
			await blocker.end();
		}
	});

	it('goes not ready when Redis is cut, naming it, and ready again when it is back', async () => {
		const from = under.bot.mark();
		redisProxy.cutOff();
		await waitUntil(async () => (await readiness()).status === 503);
		const cut = await readiness();
		expect(cut.body.notReady).to.deep.equal(['redis']);
		expect(cut.body.checks).to.deep.equal({ discord: 'ok', database: 'ok', migrations: 'ok', redis: 'unreachable' });
		await under.bot.waitForLine(/Readiness: not ready \(redis: /, { from });

		redisProxy.restore();
		await waitUntil(async () => (await readiness()).status === 200);
		await under.bot.waitForLine(/Readiness: ready/, { from });
	});

	it('goes not ready when PostgreSQL is cut, naming it, counts the errors, and ready again when it is back', async () => {
		const errorsBefore = sample(await metrics(), 'kickbot_database_errors_total{kind="connection"}') ?? 0;
		postgresProxy.cutOff();
		await waitUntil(async () => (await readiness()).status === 503);
		const cut = await readiness();
		expect(cut.body.notReady).to.deep.equal(['database']);
		expect(cut.body.checks).to.include({ migrations: 'unknown', redis: 'ok' });
		expect(cut.body.checks.database).to.be.oneOf(['unreachable', 'timed out']);
		// A delivery that cannot be recorded: 503, Kick retries it; the error is logged with its details.
		const unrecorded = await deliver(chatDelivery(keys));
		expect(unrecorded.status).to.equal(503);
		expect(sample(await metrics(), 'kickbot_database_errors_total{kind="connection"}')).to.be.above(errorsBefore);

		postgresProxy.restore();
		await waitUntil(async () => (await readiness()).status === 200, 20_000);
	});

	it('logged one JSON object per line (time, level, message; errors with their details) and never a secret', async () => {
		const lines = under.bot
			.text()
			.split('\n')
			.filter((line) => line.trim() !== '');
		expect(lines.length).to.be.above(20);
		const records = lines.map((line) => {
			const record = JSON.parse(line) as { time: string; level: string; message: string; error?: { name: string; message: string; stack?: string } };
			expect(Object.keys(record).sort().join(','), line).to.be.oneOf(['level,message,time', 'error,level,message,time']);
			expect(new Date(record.time).toISOString(), line).to.equal(record.time);
			expect(record.level, line).to.be.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
			return record;
		});
		const unrecorded = records.find((record) => record.message.includes('could not be recorded; answered 503'));
		expect(unrecorded?.level).to.equal('error');
		expect(unrecorded?.error?.message).to.match(/\S/);
		expect(unrecorded?.error?.stack).to.match(/\n\s+at /);
		expect(records.some((record) => record.message.startsWith('Readiness: not ready (database: '))).to.equal(true);

		const output = lines.join('\n');
		expect(output, 'the Redis URL is logged, without its password').to.include('redis://:***@127.0.0.1:');
		for (const [name, secret] of Object.entries({ ...SECRETS, DISCORD_TOKEN: under.standIn.token })) expect(output, name).not.to.include(secret);
	});
});
