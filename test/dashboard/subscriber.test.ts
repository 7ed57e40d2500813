import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { DashboardSubscriber, type DashboardHandler, type DashboardMessage } from '#lib/dashboard/DashboardSubscriber';
import { computeSignature, DEFAULT_KEY_PREFIX, signDashboardMessage, type DashboardArea, type MessageToSign } from '#lib/dashboard/protocol';
import { projectRoot } from '#lib/paths';
import { redisOptionsFromUrl } from '#lib/startup/redis';
import {
	CapturingLogger,
	deeplyNestedData,
	handSignedMessage,
	OutcomeRecorder,
	REDIS_URL,
	sleep,
	TEST_AREAS,
	TEST_SECRET,
	uniqueGuildId
} from '#test/dashboard/helpers';
import { waitUntil } from '#test/helpers/waitUntil';

const CLI = join(projectRoot, 'dist', 'scripts', 'dashboard-publish.js');

interface Call {
	readonly handler: string;
	readonly message: DashboardMessage<unknown>;
}

describe('DashboardSubscriber on a real Redis', function () {
	this.timeout(20_000);

	let redis: Redis;
	let logger: CapturingLogger;
	let recorder: OutcomeRecorder;
	let subscriber: DashboardSubscriber;
	let calls: Call[];
	let gate: Promise<void>;
	let openGate: () => void;
	const handlers = new Map<string, DashboardHandler[]>();

	const handler = (name: string, extra: Partial<DashboardHandler> = {}): DashboardHandler => ({
		name,
		run: (message) => void calls.push({ handler: name, message }),
		...extra
	});
	const register = (area: DashboardArea, action: string, ...list: DashboardHandler[]) => handlers.set(`${area}/${action}`, list);

	register('bot_settings', 'update', handler('settingsUpdate'));
	register('bot_settings', 'reload', handler('settingsReload'));
	register('commands', 'update', handler('commandsUpdate'));
	register('gtb', 'open', handler('gtbOpenStrict', { dataSchema: z.object({ round: z.number().int() }) }), handler('gtbOpenLoose'));
	register('raffle', 'draw', handler('raffleThrows', { run: () => Promise.reject(new Error('draw exploded')) }), handler('raffleRecords'));
	register('point_shop', 'slow', {
		name: 'pointShopSlow',
		run: async (message) => {
			await gate;
			calls.push({ handler: 'pointShopSlow', message });
		}
	});
	register('point_shop', 'quick', handler('pointShopQuick'));

	/** Publishes a message signed with the test secret; returns the text sent. */
	async function publishSigned(message: MessageToSign): Promise<string> {
		const signed = signDashboardMessage(TEST_SECRET, message);
		await redis.publish(signed.channel, signed.text);
		return signed.text;
	}

	const nonce = () => Math.random().toString(36).slice(2);
	const nowSeconds = () => Math.floor(Date.now() / 1000);
	const guildsCalled = () => calls.map((call) => String(call.message.guildId));

	before(async () => {
		redis = new Redis(redisOptionsFromUrl(REDIS_URL));
		logger = new CapturingLogger();
		recorder = new OutcomeRecorder();
		subscriber = new DashboardSubscriber({
			redisUrl: REDIS_URL,
			secret: TEST_SECRET,
			keyPrefix: DEFAULT_KEY_PREFIX,
			areas: TEST_AREAS,
			maxAgeSeconds: 60,
			logger,
			handlers: (area, action) => handlers.get(`${area}/${action}`) ?? [],
			onOutcome: recorder.record
		});
		await subscriber.start();
	});

	after(async () => {
		await subscriber.close();
		redis.disconnect();
	});

	beforeEach(() => {
		calls = [];
		gate = new Promise((resolve) => (openGate = resolve));
	});

	it('logs one line when it starts listening on dashboard:*', () => {
		expect(logger.find('info', 'Dashboard messages: listening on dashboard:* at redis://')).to.have.length(1);
		expect(subscriber.isListening).to.equal(true);
	});

	it('hands a signed message for server A to the handler of its (area, action) only, with A’s id and the data, and nothing else', async () => {
		const guildA = uniqueGuildId();
		const text = await publishSigned({ area: 'bot_settings', action: 'update', guildId: guildA, data: { key: 'prefix', run: nonce() } });
		const outcome = await recorder.waitFor(text);

		expect(outcome.status).to.equal('handled');
		expect(calls.map((call) => call.handler)).to.deep.equal(['settingsUpdate']);
		const { message } = calls[0]!;
		expect(message.guildId).to.equal(BigInt(guildA));
		expect(Object.keys(message).sort()).to.deep.equal(['action', 'area', 'data', 'guildId']);
		expect(message.area).to.equal('bot_settings');
		expect(message.action).to.equal('update');
		expect(message.data).to.deep.include({ key: 'prefix' });
		expect(Object.isFrozen(message) && Object.isFrozen(message.data), 'the handler cannot change what other handlers see').to.equal(true);
		expect(logger.find('info', `Dashboard message bot_settings/update for server ${guildA}: handled by settingsUpdate.`)).to.have.length(1);
	});

	it('messages for two servers reach the handler once each, each with its own id', async () => {
		const [guildA, guildB] = [uniqueGuildId(), uniqueGuildId()];
		const textA = await publishSigned({ area: 'bot_settings', action: 'reload', guildId: guildA, data: { run: nonce() } });
		const textB = await publishSigned({ area: 'bot_settings', action: 'reload', guildId: guildB, data: { run: nonce() } });
		await Promise.all([recorder.waitFor(textA), recorder.waitFor(textB)]);

		expect(guildsCalled().sort()).to.deep.equal([guildA, guildB].sort());
		expect(calls.every((call) => call.handler === 'settingsReload')).to.equal(true);
	});

	describe('refused messages change nothing and are logged with the reason', () => {
		const refusedCases: { name: string; reason: string; logged: string; build: (guildId: string) => { channel: string; text: string } }[] = [
			{
				name: 'forged (signed with another secret)',
				reason: 'bad_signature',
				logged: 'bad_signature: sig does not match',
				build: (guildId) => {
					const signed = signDashboardMessage(`${TEST_SECRET}-forged`, { area: 'bot_settings', action: 'update', guildId, data: { run: nonce() } });
					return { channel: signed.channel, text: signed.text };
				}
			},
			{
				name: 'unsigned',
				reason: 'unsigned',
				logged: 'unsigned: no sig field',
				build: (guildId) => ({
					channel: 'dashboard:bot_settings',
					text: JSON.stringify({ action: 'update', discord_server_id: guildId, data: { run: nonce() }, timestamp: nowSeconds() })
				})
			},
			{
				name: 'stale (older than DASHBOARD_MAX_AGE_SECONDS)',
				reason: 'stale',
				logged: 's ago; the limit is 60 s (DASHBOARD_MAX_AGE_SECONDS)',
				build: (guildId) => {
					const signed = signDashboardMessage(TEST_SECRET, {
						area: 'bot_settings',
						action: 'update',
						guildId,
						data: { run: nonce() },
						timestamp: nowSeconds() - 120
					});
					return { channel: signed.channel, text: signed.text };
				}
			},
			{
				name: 'from the future',
				reason: 'future',
				logged: 'future: timestamp is',
				build: (guildId) => {
					const signed = signDashboardMessage(TEST_SECRET, {
						area: 'bot_settings',
						action: 'update',
						guildId,
						data: { run: nonce() },
						timestamp: nowSeconds() + 600
					});
					return { channel: signed.channel, text: signed.text };
				}
			},
			{
				name: 'malformed JSON',
				reason: 'malformed',
				logged: 'malformed: not JSON',
				build: (guildId) => ({ channel: 'dashboard:bot_settings', text: `{"action":"update","discord_server_id":"${guildId}", ${nonce()}` })
			},
			{
				name: 'nested 5,000 levels deep',
				reason: 'too_deep',
				logged: 'too_deep: nested more than 32 levels of arrays and objects',
				build: (guildId) => ({ channel: 'dashboard:bot_settings', text: handSignedMessage(guildId, deeplyNestedData(5000), TEST_SECRET) })
			},
			{
				name: 'a server id as a JSON number that lost its precision',
				reason: 'bad_server_id',
				logged: 'Send it as a string of digits',
				build: (guildId) => {
					const fields = { action: 'update', data: { run: nonce() }, timestamp: nowSeconds() };
					// Signed over the exact digits (as a dashboard in Python would); JSON.parse rounds them.
					const sig = computeSignature(TEST_SECRET, 'dashboard:bot_settings', { ...fields, discord_server_id: guildId });
					return {
						channel: 'dashboard:bot_settings',
						text: `{"action":"update","discord_server_id":${guildId},"data":${JSON.stringify(fields.data)},"timestamp":${fields.timestamp},"sig":"${sig}"}`
					};
				}
			},
			{
				name: 'moved to another area’s channel',
				reason: 'bad_signature',
				logged: 'bad_signature',
				build: (guildId) => {
					const signed = signDashboardMessage(TEST_SECRET, { area: 'bot_settings', action: 'update', guildId, data: { run: nonce() } });
					return { channel: 'dashboard:commands', text: signed.text };
				}
			},
			{
				name: 'on a dashboard channel of no known area',
				reason: 'unknown_channel',
				logged: 'unknown_channel: not a dashboard channel',
				build: (guildId) => {
					const signed = signDashboardMessage(TEST_SECRET, { area: 'bot_settings', action: 'update', guildId, data: { run: nonce() } });
					return { channel: 'dashboard:bot_settingz', text: signed.text };
				}
			}
		];

		for (const { name, reason, logged, build } of refusedCases) {
			it(`${name}: refused (${reason}), no handler runs`, async () => {
				const guildId = uniqueGuildId();
				const { channel, text } = build(guildId);
				await redis.publish(channel, text);
				const outcome = await recorder.waitFor(text);

				expect(outcome.status).to.equal('refused');
				expect(outcome.status === 'refused' && outcome.reason).to.equal(reason);
				expect(calls, 'no handler ran').to.deep.equal([]);
				const lines = logger.find('warn', `Dashboard message refused on ${JSON.stringify(channel)}`).filter((line) => line.text.includes(logged));
				expect(lines, JSON.stringify(logger.lines.slice(-3))).to.not.have.length(0);
			});
		}

		it('replayed: the second copy of a signed message is refused, the handler ran once', async () => {
			const guildId = uniqueGuildId();
			const signed = signDashboardMessage(TEST_SECRET, { area: 'bot_settings', action: 'update', guildId, data: { run: nonce() } });
			await redis.publish(signed.channel, signed.text);
			await redis.publish(signed.channel, signed.text);
			await recorder.waitFor(signed.text);
			await waitUntil(() => recorder.of(signed.text).length === 2);

			// The refusal may be recorded first: it does not wait for the handler of the first copy.
			expect(
				recorder
					.of(signed.text)
					.map((outcome) => (outcome.status === 'refused' ? outcome.reason : outcome.status))
					.sort()
			).to.deep.equal(['handled', 'replayed']);
			expect(guildsCalled()).to.deep.equal([guildId]);
			expect(logger.find('warn', `(server ${guildId}, action "update"): replayed`)).to.have.length(1);
		});

		it('an unknown action (no handler): logged and ignored', async () => {
			const guildId = uniqueGuildId();
			const text = await publishSigned({ area: 'bot_settings', action: 'explode', guildId, data: { run: nonce() } });
			const outcome = await recorder.waitFor(text);

			expect(outcome.status).to.equal('ignored');
			expect(calls).to.deep.equal([]);
			expect(
				logger.find('warn', `Dashboard message bot_settings/explode for server ${guildId} ignored: no plugin handles the action "explode"`)
			).to.have.length(1);
		});
	});

	it('messages on channels outside dashboard:* never reach it', async () => {
		const guildId = uniqueGuildId();
		const signed = signDashboardMessage(TEST_SECRET, { area: 'bot_settings', action: 'update', guildId, data: { run: nonce() } });
		for (const channel of ['dashboardx:bot_settings', 'kickbot:dashboard:bot_settings', 'Dashboard:bot_settings', 'bot_settings'])
			await redis.publish(channel, signed.text);
		// Published after them on the same connection, so Redis delivers it after them.
		const sentinel = await publishSigned({ area: 'bot_settings', action: 'reload', guildId, data: { run: nonce() } });
		await recorder.waitFor(sentinel);

		expect(recorder.of(signed.text), 'none of the four was received').to.deep.equal([]);
		expect(calls.map((call) => call.handler)).to.deep.equal(['settingsReload']);
	});

	it('data that does not fit a handler’s schema skips that handler (logged); the other handler of the action runs', async () => {
		const guildId = uniqueGuildId();
		const text = await publishSigned({ area: 'gtb', action: 'open', guildId, data: { round: 'first' } });
		const outcome = await recorder.waitFor(text);

		expect(calls.map((call) => call.handler)).to.deep.equal(['gtbOpenLoose']);
		expect(outcome.status === 'handled' && outcome.failed).to.deep.equal(['gtbOpenStrict']);
		expect(logger.find('warn', `Dashboard message gtb/open for server ${guildId} refused by gtbOpenStrict: data.round:`)).to.have.length(1);
	});

	it('a handler that throws is logged; the other handlers and later messages still run', async () => {
		const guildId = uniqueGuildId();
		const first = await publishSigned({ area: 'raffle', action: 'draw', guildId, data: { run: nonce() } });
		const second = await publishSigned({ area: 'bot_settings', action: 'reload', guildId, data: { run: nonce() } });
		await Promise.all([recorder.waitFor(first), recorder.waitFor(second)]);

		expect(calls.map((call) => call.handler)).to.deep.equal(['raffleRecords', 'settingsReload']);
		const errors = logger.find('error', `Dashboard message raffle/draw for server ${guildId}: raffleThrows failed:`);
		expect(errors).to.have.length(1);
		expect(errors[0]!.text).to.include('draw exploded');
	});

	it('handles one server’s messages in order, without making another server wait', async () => {
		const [guildA, guildB] = [uniqueGuildId(), uniqueGuildId()];
		const slowA = await publishSigned({ area: 'point_shop', action: 'slow', guildId: guildA });
		const quickA = await publishSigned({ area: 'point_shop', action: 'quick', guildId: guildA });
		const quickB = await publishSigned({ area: 'point_shop', action: 'quick', guildId: guildB });
		await recorder.waitFor(quickB);
		await sleep(100);

		expect(
			calls.map((call) => `${call.handler}:${String(call.message.guildId)}`),
			'B went ahead; A’s quick waits for A’s slow'
		).to.deep.equal([`pointShopQuick:${guildB}`]);
		openGate();
		await Promise.all([recorder.waitFor(slowA), recorder.waitFor(quickA)]);
		expect(calls.map((call) => `${call.handler}:${String(call.message.guildId)}`)).to.deep.equal([
			`pointShopQuick:${guildB}`,
			`pointShopSlow:${guildA}`,
			`pointShopQuick:${guildA}`
		]);
	});

	it('survives its Redis connection being killed (CLIENT KILL): logs it, reconnects, subscribes again and receives', async () => {
		const before = subscriber.subscriptionCount;
		const killed = await killConnection(redis, subscriber.connectionName);
		expect(killed, 'the subscriber’s connection was found and killed').to.equal(1);
		await subscriber.waitForSubscription(before + 1);

		const guildId = uniqueGuildId();
		const text = await publishSigned({ area: 'bot_settings', action: 'reload', guildId, data: { run: nonce() } });
		const outcome = await recorder.waitFor(text);

		expect(outcome.status).to.equal('handled');
		expect(guildsCalled()).to.deep.equal([guildId]);
		expect(logger.find('warn', 'Dashboard messages: lost Redis at redis://')).to.have.length.at.least(1);
		expect(logger.find('info', 'Dashboard messages: Redis is back; listening on dashboard:* again')).to.have.length.at.least(1);
	});

	it('the CLI (dist/scripts/dashboard-publish.js) publishes a message the subscriber accepts, and says how many received it', async () => {
		const guildId = uniqueGuildId();
		const run = nonce();
		const { stdout, code } = await runCli(['bot_settings', 'update', '--guild', guildId, '--data', JSON.stringify({ key: 'prefix', run })]);

		expect(code, stdout).to.equal(0);
		const published = /^Published on dashboard:bot_settings: (.*)$/m.exec(stdout);
		expect(published, stdout).to.not.equal(null);
		const receivers = Number(/^Received by (\d+) subscriber\(s\)/m.exec(stdout)?.[1]);
		expect(receivers, 'at least this subscriber').to.be.at.least(1);

		const outcome = await recorder.waitFor(published![1]!);
		expect(outcome.status).to.equal('handled');
		expect(calls).to.have.length(1);
		expect(calls[0]!.message.guildId).to.equal(BigInt(guildId));
		const data = calls[0]!.message.data as Record<string, unknown>;
		expect(data, 'the data given, plus a unique id').to.deep.equal({ key: 'prefix', run, id: data.id });
		expect(data.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	});

	it('the CLI publishes on the channels of its REDIS_KEY_PREFIX: that deployment’s subscriber acts on it, the default deployment’s never sees it', async () => {
		const keyPrefix = `kickbot-test-cli-${nonce().slice(0, 8)}`;
		const deployment = new OutcomeRecorder();
		const deploymentCalls: string[] = [];
		const deploymentSubscriber = new DashboardSubscriber({
			redisUrl: REDIS_URL,
			secret: TEST_SECRET,
			keyPrefix,
			areas: TEST_AREAS,
			maxAgeSeconds: 60,
			logger: new CapturingLogger(),
			handlers: () => [{ name: 'deploymentReload', run: (message) => void deploymentCalls.push(String(message.guildId)) }],
			onOutcome: deployment.record
		});
		try {
			await deploymentSubscriber.start();
			const guildId = uniqueGuildId();
			const { stdout, code } = await runCli(['bot_settings', 'reload', '--guild', guildId], { REDIS_KEY_PREFIX: keyPrefix });

			expect(code, stdout).to.equal(0);
			const published = new RegExp(`^Published on ${keyPrefix}:dashboard:bot_settings: (.*)$`, 'm').exec(stdout);
			expect(published, stdout).to.not.equal(null);
			expect((await deployment.waitFor(published![1]!)).status).to.equal('handled');
			expect(deploymentCalls).to.deep.equal([guildId]);
			// Redis answered the CLI's PUBLISH before this one was sent, so had the default deployment received it, it would be recorded by now.
			const sentinel = await publishSigned({ area: 'bot_settings', action: 'reload', guildId: uniqueGuildId(), data: { run: nonce() } });
			await recorder.waitFor(sentinel);
			expect(recorder.forServer(guildId)).to.deep.equal([]);
			expect(calls.map((call) => String(call.message.guildId))).to.not.include(guildId);
		} finally {
			await deploymentSubscriber.close();
		}
	});

	it('the CLI refuses a malformed REDIS_KEY_PREFIX (exit 1), publishing nothing', async () => {
		const { stdout, stderr, code } = await runCli(['bot_settings', 'reload', '--guild', uniqueGuildId()], { REDIS_KEY_PREFIX: 'My Bot' });

		expect(code).to.equal(1);
		expect(stderr.trim()).to.equal(
			"Configuration error: REDIS_KEY_PREFIX is invalid (expected lower-case letters, digits and dashes). It must be the bot's own value (environment or .env)."
		);
		expect(stdout).to.equal('');
	});

	it('the CLI run twice alike within one second publishes two messages, both accepted (each gets its own id); an id in --data is kept', async () => {
		const guildId = uniqueGuildId();
		const args = ['bot_settings', 'reload', '--guild', guildId, '--timestamp', String(nowSeconds())];
		const texts: string[] = [];
		for (const extra of [[], [], ['--data', '{"id":"mine"}']]) {
			const { stdout, code } = await runCli([...args, ...extra]);
			expect(code, stdout).to.equal(0);
			texts.push(/^Published on dashboard:bot_settings: (.*)$/m.exec(stdout)![1]!);
		}
		const outcomes = await Promise.all(texts.map((text) => recorder.waitFor(text)));

		expect(outcomes.map((outcome) => (outcome.status === 'refused' ? outcome.reason : outcome.status))).to.deep.equal(['handled', 'handled', 'handled']);
		const ids = calls.map((call) => (call.message.data as { id?: unknown }).id);
		expect(ids[2]).to.equal('mine');
		expect(new Set(ids).size, JSON.stringify(ids)).to.equal(3);
	});

	it('the CLI with --no-id signs --data exactly as given: the worked example of docs/dashboard-protocol.md', async () => {
		const { stdout, code } = await runCli(
			['bot_settings', 'update', '--guild', '1234567890123456789', '--data', '{"key":"prefix"}', '--timestamp', '1767225600', '--no-id', '--dry-run'],
			{ DASHBOARD_SECRET: 'change-me-to-a-long-random-secret-of-32+-chars' }
		);

		expect(code, stdout).to.equal(0);
		expect(stdout).to.include(
			'Message: {"action":"update","discord_server_id":"1234567890123456789","data":{"key":"prefix"},"timestamp":1767225600,"sig":"a16a70fa9163b856894be9ee1c3a994587823e4ef849bbd188dc494d4894f9ea"}'
		);
	});

	it('the CLI with an old --timestamp publishes a message the subscriber refuses as stale', async () => {
		const guildId = uniqueGuildId();
		const { stdout, code } = await runCli(['bot_settings', 'reload', '--guild', guildId, '--timestamp', String(nowSeconds() - 3600)]);

		expect(code, stdout).to.equal(0);
		const text = /^Published on dashboard:bot_settings: (.*)$/m.exec(stdout)![1]!;
		const outcome = await recorder.waitFor(text);
		expect(outcome.status === 'refused' && outcome.reason).to.equal('stale');
		expect(calls).to.deep.equal([]);
	});

	it('the CLI refuses bad arguments with usage (exit 2) and a missing secret (exit 1), publishing nothing', async () => {
		const badArea = await runCli(['bot_setting', 'update', '--guild', uniqueGuildId()]);
		expect(badArea.code).to.equal(2);
		expect(badArea.stderr).to.include('"bot_setting" is not an area the bot handles (bot_settings, ').and.to.include('Usage: npm run dashboard:publish');

		const noGuild = await runCli(['bot_settings', 'update']);
		expect(noGuild.code).to.equal(2);
		expect(noGuild.stderr).to.include('--guild <server id> is required.');

		const noSecret = await runCli(['bot_settings', 'update', '--guild', uniqueGuildId()], { DASHBOARD_SECRET: '' });
		expect(noSecret.code).to.equal(1);
		expect(noSecret.stderr.trim()).to.equal("Configuration error: DASHBOARD_SECRET is not set. It must be the bot's own value (environment or .env).");
		expect(noSecret.stdout).to.equal('');
	});
});

describe('DashboardSubscriber without Redis', () => {
	it('start() neither rejects nor throws when Redis is unreachable; it logs one line, keeps retrying, and closes cleanly', async () => {
		const logger = new CapturingLogger();
		const attempts: number[] = [];
		const subscriber = new DashboardSubscriber({
			redisUrl: 'redis://127.0.0.1:1',
			secret: TEST_SECRET,
			keyPrefix: DEFAULT_KEY_PREFIX,
			areas: TEST_AREAS,
			maxAgeSeconds: 60,
			logger,
			handlers: () => [],
			retryDelayMs: (attempt) => (attempts.push(attempt), 20)
		});
		let settled = false;
		void subscriber.start().then(
			() => (settled = true),
			() => (settled = true)
		);
		await waitUntil(() => attempts.length >= 3);
		await subscriber.close();

		expect(settled, 'start() stays pending until a subscription, it never rejects').to.equal(false);
		expect(logger.lines.filter((line) => line.level === 'warn')).to.deep.equal([
			{ level: 'warn', text: logger.lines.find((line) => line.level === 'warn')!.text }
		]);
		expect(logger.lines[0]!.text).to.match(
			/^Dashboard messages: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/? \(.*ECONNREFUSED.*\); retrying with backoff\. The bot keeps running\.$/
		);
		const count = attempts.length;
		await sleep(100);
		expect(attempts.length, 'no retries after close()').to.equal(count);
	});
});

/** Kills the Redis connection named `name`; returns how many were killed. */
async function killConnection(redis: Redis, name: string): Promise<number> {
	const list = (await redis.client('LIST')) as string;
	const line = list.split('\n').find((entry) => entry.includes(` name=${name} `));
	const id = line === undefined ? undefined : /(?:^| )id=(\d+)/.exec(line)?.[1];
	if (id === undefined) return 0;
	return (await redis.client('KILL', 'ID', id)) as number;
}

function runCli(args: readonly string[], environment: Readonly<Record<string, string>> = {}): Promise<{ stdout: string; stderr: string; code: number | null }> {
	// A folder of its own, so no developer's .env is read.
	const cwd = mkdtempSync(join(tmpdir(), 'kickbot-dashboard-cli-'));
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[CLI, ...args],
			{ cwd, env: { PATH: process.env.PATH ?? '', DASHBOARD_SECRET: TEST_SECRET, REDIS_URL, ...environment }, timeout: 15_000 },
			(error, stdout, stderr) => resolve({ stdout, stderr, code: error === null ? 0 : typeof error.code === 'number' ? error.code : null })
		);
	});
}
