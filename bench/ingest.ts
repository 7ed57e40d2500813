import { constants, randomBytes, randomUUID, verify } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { container, type ILogger, LogLevel } from '@sapphire/framework';
import type { Route } from '@sapphire/plugin-api';
import { Redis } from 'ioredis';
import PusherModule from 'pusher-js';
import { loadConfig } from '#lib/config/environment';
import type { DatabaseConnection } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { TokenCipher } from '#lib/database/TokenCipher';
import { KickListenerEvents } from '#lib/kick/events/KickListenerEvents';
import type { KickConnection } from '#lib/kick/KickConnection';
import { loadKickPublicKey } from '#lib/kick/webhooks/verifyKickWebhook';
import { KickBotClient } from '#lib/KickBotClient';
import { pluginsDirectory } from '#lib/paths';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { countingConnection } from '#test/helpers/countingConnection';
import type { KickUserRecord } from '#test/kick-standin/KickDirectory';
import { chatMessagePayload } from '#test/kick-standin/eventPayloads';
import { CHAT_MESSAGE_EVENT, chatroomChannel, PusherServer } from '#test/kick-standin/PusherServer';
import { ulid } from '#test/kick-standin/ulid';
import { createSigningKeyPair, kickWebhookHeaders, type SigningKeyPair } from '#test/kick-standin/webhookSigning';
import { execScript, querySession } from './database.js';
import { median, type BenchSettings } from './measure.js';

/**
 * `ingest`: Kick chat messages through the bot as it runs, on 1,000 linked servers (one Kick
 * channel each), with the bot built as `npm start` builds it (KickBotClient on the bench's
 * PostgreSQL database and the real Redis, its plugins and their listeners loaded from plugins/,
 * no Discord login), and the machine's limits measured in the same run:
 * - webhook: signed deliveries through the real webhook route (KickWebhookRoute.run, from the
 *   request body stream to the answer, then the event handed over), its receipts, router and the
 *   Kick listeners of every loaded plugin;
 * - socket: Kick's chat socket frames through the chat socket's handler (pusher-js' channel
 *   dispatch into KickChatSocket), then the same router and listeners;
 * - limits: RSA-SHA256 verification of the same signed payload, and JSON.parse of the same bodies.
 * Bot CPU is this process's (user + system, all threads); PostgreSQL works in its own processes.
 */

const CHANNELS = 1000;
/** Ids of the bench's servers, channels and chatrooms (apart from the other sections'). */
const FIRST_GUILD = 1_400_000_000_000_000_000n;
const FIRST_BROADCASTER = 81_000_000;
const FIRST_CHATROOM = 91_000_000;
const CHATTERS = 500;
/** Signed deliveries made once (signing costs an RSA private-key operation each) and replayed every round, their receipts deleted in between. */
const DELIVERIES = 4096;
/** Webhook deliveries in flight at once, as Kick's concurrent requests would be. */
const WEBHOOKS_IN_FLIGHT = 256;
/** Socket frames per round, and per read of the socket (a turn of the event loop). */
const FRAMES = 8192;
const FRAMES_PER_READ = 16;
const MAX_AGE_SECONDS = 600;
/** Receipts in the table before the cases claim theirs (as the kick section seeds: three days of a busy process). */
const SEEDED_RECEIPTS = 1_000_000;
/** JSON.parse calls after each round (RSA verifications: a tenth of it). */
const LIMIT_ITERATIONS = 20_000;

const CONTENTS = ['that was close KEKW', 'LETS GOOO', 'gg', 'what game is this?', 'hi chat', 'no way [emote:37226:KEKW]', 'W stream'];

/** A limit of the machine: one operation on the same payload, run on its own. */
export interface IngestLimit {
	readonly operation: string;
	/** Operations per second of CPU (median of the rounds it ran in, right after each round of each path). */
	readonly perCoreSecond: number;
	/** (max − min) / median over those rounds. */
	readonly spread: number;
}

export interface IngestPath {
	readonly path: 'webhook' | 'socket';
	readonly events: number;
	readonly rounds: number;
	/** Bot CPU per event (median round), µs. */
	readonly cpuUsPerEvent: number;
	/** 1e6 / cpuUsPerEvent: events a core of bot CPU takes per second. */
	readonly eventsPerCoreSecond: number;
	/** Events per second of wall time (median round), with PostgreSQL on the other core. */
	readonly wallEventsPerSecond: number;
	/** Garbage-collection pauses of the main thread per event (median round), µs: part of cpuUsPerEvent, besides the collector's helper threads. */
	readonly gcPauseUsPerEvent: number;
	/** (max − min) / median of events per core-second over the rounds. */
	readonly spread: number;
	readonly statementsPerEvent: number;
	readonly statements: ReadonlyArray<readonly [kind: string, perEvent: number]>;
	/** Events claimed per claim statement (mean). */
	readonly claimsPerStatement: number;
	/** The path's events per core-second over each limit's operations per core-second, round by round (median): load on the machine weighs on both alike. */
	readonly ratios: ReadonlyArray<readonly [operation: string, ratio: number]>;
}

export interface IngestReport {
	readonly channels: number;
	readonly webhookBodyBytes: number;
	readonly socketDataBytes: number;
	/** The Kick chat listeners the loaded plugins (and the core) run for every message. */
	readonly chatListeners: readonly string[];
	readonly plugins: readonly string[];
	readonly paths: IngestPath[];
	readonly limits: IngestLimit[];
	readonly seededReceipts: number;
}

export interface IngestOptions {
	readonly databaseUrl: string;
	readonly redisUrl: string;
}

interface Delivery {
	readonly headers: Record<string, string>;
	readonly rawBody: Buffer;
	readonly eventKey: string;
}

const broadcasterOf = (channel: number): KickUserRecord => kickUser(FIRST_BROADCASTER + channel, `streamer_${channel}`);
const chatterOf = (n: number): KickUserRecord => kickUser(5_100_001 + (n % CHATTERS), `chatter_${(n % CHATTERS) + 1}`);

function kickUser(userId: number, username: string): KickUserRecord {
	return {
		userId: String(userId),
		username,
		slug: username,
		channelId: String(userId),
		chatroomId: String(userId),
		email: `${username}@example.com`,
		verified: false,
		profilePicture: `https://files.kick.com/images/user/${username}/profile_image.webp`,
		stream: { isLive: true, title: 'bench', category: null, viewerCount: 0, startedAt: null }
	};
}

/** `count` chat.message.sent deliveries signed now, spread over the channels, each with its own ids. */
function signDeliveries(keys: SigningKeyPair, count: number): Delivery[] {
	const now = new Date();
	return Array.from({ length: count }, (_, n) => {
		const messageId = randomUUID();
		const payload = chatMessagePayload({
			broadcaster: broadcasterOf(n % CHANNELS),
			sender: chatterOf(n),
			content: CONTENTS[n % CONTENTS.length]!,
			badges: n % 3 === 0 ? [{ text: 'Subscriber', type: 'subscriber', count: 3 }] : [],
			messageId,
			createdAt: now
		});
		const rawBody = Buffer.from(JSON.stringify(payload), 'utf8');
		const headers = kickWebhookHeaders({
			privateKey: keys.privateKey,
			messageId: ulid(now.getTime()),
			subscriptionId: ulid(now.getTime() - 86_400_000),
			eventType: 'chat.message.sent',
			timestamp: now,
			rawBody
		});
		return {
			headers: { ...headers, 'content-type': 'application/json', 'content-length': String(rawBody.length) },
			rawBody,
			eventKey: `chat:${messageId}`
		};
	});
}

/** The `data` text of a Kick ChatMessageEvent frame, as the socket carries it. */
function socketData(n: number, messageId: string, createdAt: string): string {
	const chatter = chatterOf(n);
	return JSON.stringify({
		id: messageId,
		chatroom_id: FIRST_CHATROOM + (n % CHANNELS),
		content: CONTENTS[n % CONTENTS.length],
		type: 'message',
		created_at: createdAt,
		sender: {
			id: Number(chatter.userId),
			username: chatter.username,
			slug: chatter.slug,
			identity: { color: '#75FD46', badges: n % 3 === 0 ? [{ type: 'subscriber', text: 'Subscriber', count: 3 }] : [] }
		}
	});
}

/** What the route writes to its response, kept to check it. */
class RecordedResponse {
	public statusCode = 0;
	public body: unknown;

	public setHeader(): this {
		return this;
	}

	public status(code: number): this {
		this.statusCode = code;
		return this;
	}

	public json(body: unknown): void {
		this.body = body;
	}
}

/** A request as Node's HTTP server hands it to the route (an IncomingMessage is a Readable): its headers, and its body streaming in. */
function webhookRequest(delivery: Delivery): Readable & { headers: Record<string, string> } {
	const request = Object.assign(new Readable({ read: () => undefined }), { headers: delivery.headers });
	request.push(delivery.rawBody);
	request.push(null);
	return request;
}

/** Which statement a SQL text is, for the per-event breakdown. */
function statementKind(sql: string): string {
	if (/insert\s+into\s+kick_event_receipts/i.test(sql)) return 'receipt claims (batched)';
	if (/update\s+kick_event_receipts\s+set\s+handled_at/i.test(sql)) return 'handled marks (batched)';
	if (/from\s+kick_connections\s+k\s+join\s+servers/i.test(sql)) return 'linked servers';
	if (/bot_settings/i.test(sql)) return 'settings loads';
	if (/^\s*update\b[\s\S]*kick_connections/i.test(sql)) return 'last_event_at writes';
	if (/outbox_messages/i.test(sql)) return 'outbox';
	return `other: ${sql.replace(/\s+/g, ' ').trim().slice(0, 80)}`;
}

/** A logger for the bot under bench: errors are kept (a failing path must not pass for a fast one), the rest dropped. */
class BenchLogger implements ILogger {
	public readonly problems: string[] = [];
	public level = LogLevel.Warn;

	public has(level: LogLevel): boolean {
		return level >= LogLevel.Warn;
	}

	public trace(): void {
		// dropped
	}

	public debug(): void {
		// dropped
	}

	public info(): void {
		// dropped
	}

	public warn(...values: readonly unknown[]): void {
		this.keep('warn', values);
	}

	public error(...values: readonly unknown[]): void {
		this.keep('error', values);
	}

	public fatal(...values: readonly unknown[]): void {
		this.keep('fatal', values);
	}

	public write(level: LogLevel, ...values: readonly unknown[]): void {
		if (level >= LogLevel.Warn) this.keep(LogLevel[level] ?? 'log', values);
	}

	private keep(level: string, values: readonly unknown[]): void {
		if (this.problems.length < 20)
			this.problems.push(`${level}: ${values.map((value) => (value instanceof Error ? value.message : String(value))).join(' ')}`);
	}
}

/** The bot as `npm start` builds it, its pieces loaded as at login, without logging in to Discord. */
async function startBot(options: {
	readonly database: Database;
	readonly plugins: PluginCatalog;
	readonly environment: Record<string, string>;
	readonly logger: BenchLogger;
}): Promise<KickBotClient> {
	const config = loadConfig(options.environment);
	const client = new KickBotClient({ config, plugins: options.plugins, database: options.database, logger: options.logger });
	await Promise.all([...client.stores.values()].map((store) => store.loadAll()));
	return client;
}

function kickOf(): KickConnection {
	if (container.kick === undefined) throw new Error('ingest: the bot has no Kick connection');
	return container.kick;
}

/**
 * With BENCH_PROFILE=<folder>, the measured rounds of each path are profiled (V8's CPU profiler,
 * and its sampling heap profiler for what they allocate) into <folder>/ingest-<path>.cpuprofile
 * and .heapprofile; the limits are not probed then, so the profiles show the path alone.
 */
async function startProfiler(): Promise<{ stop(path: string): Promise<void> } | undefined> {
	const folder = process.env.BENCH_PROFILE;
	if (folder === undefined || folder === '') return undefined;
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 100 });
	await session.post('HeapProfiler.enable');
	await session.post('HeapProfiler.startSampling', {
		samplingInterval: 16_384,
		includeObjectsCollectedByMajorGC: true,
		includeObjectsCollectedByMinorGC: true
	});
	await session.post('Profiler.start');
	return {
		async stop(path) {
			const { profile } = await session.post('Profiler.stop');
			const { profile: heap } = await session.post('HeapProfiler.stopSampling');
			mkdirSync(folder, { recursive: true });
			writeFileSync(join(folder, `ingest-${path}.cpuprofile`), JSON.stringify(profile));
			writeFileSync(join(folder, `ingest-${path}.heapprofile`), JSON.stringify(heap));
			session.disconnect();
		}
	};
}

/** An operation of the machine's limits, run `iterations` times after each round. */
interface LimitProbe {
	readonly operation: string;
	readonly iterations: number;
	readonly run: () => void;
}

/** CPU time of `iterations` calls, µs per call. */
function cpuUsPerCall(probe: LimitProbe): number {
	const cpu = process.cpuUsage();
	for (let n = 0; n < probe.iterations; n++) probe.run();
	const spent = process.cpuUsage(cpu);
	return (spent.user + spent.system) / probe.iterations;
}

/**
 * Runs the rounds of one path: an unmeasured warm-up round, then `settings.rounds` measured ones,
 * each taking its CPU time and statements, and each followed by the limits' probes, so that a
 * round and its yardsticks ran under the same load; `prepare` runs unmeasured before each.
 */
async function measurePath(
	path: IngestPath['path'],
	prepare: () => Promise<void>,
	round: () => Promise<number>,
	probes: readonly LimitProbe[],
	limitRates: Map<string, number[]>,
	statements: string[],
	settings: BenchSettings,
	progress: (message: string) => void
): Promise<IngestPath> {
	await prepare();
	await round();
	const profiler = await startProfiler();
	const cpuPerEvent: number[] = [];
	const wall: number[] = [];
	const gcPerEvent: number[] = [];
	let gcPauseMs = 0;
	const gcObserver = new PerformanceObserver((entries) => {
		for (const entry of entries.getEntries()) gcPauseMs += entry.duration;
	});
	gcObserver.observe({ entryTypes: ['gc'] });
	const ratios = new Map<string, number[]>(probes.map((probe) => [probe.operation, []]));
	const kinds = new Map<string, number>();
	let events = 0;
	let sent = 0;
	for (let n = 0; n < settings.rounds; n++) {
		await prepare();
		const from = statements.length;
		const started = process.hrtime.bigint();
		const cpu = process.cpuUsage();
		gcPauseMs = 0;
		const handled = await round();
		const spent = process.cpuUsage(cpu);
		// Entries are delivered on a later turn of the event loop: this round's are all in after one.
		await new Promise((resolve) => setImmediate(resolve));
		gcPerEvent.push((gcPauseMs * 1000) / handled);
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		const roundStatements = statements.slice(from);
		for (const sql of roundStatements) kinds.set(statementKind(sql), (kinds.get(statementKind(sql)) ?? 0) + 1);
		sent += roundStatements.length;
		events += handled;
		const usPerEvent = (spent.user + spent.system) / handled;
		cpuPerEvent.push(usPerEvent);
		wall.push(handled / seconds);
		// A profile shows the path alone.
		for (const probe of profiler === undefined ? probes : []) {
			const usPerCall = cpuUsPerCall(probe);
			limitRates.get(probe.operation)?.push(1e6 / usPerCall);
			ratios.get(probe.operation)?.push(usPerCall / usPerEvent);
		}
	}
	gcObserver.disconnect();
	await profiler?.stop(path);
	const cpuUsPerEvent = median(cpuPerEvent);
	const rates = cpuPerEvent.map((us) => 1e6 / us);
	const result: IngestPath = {
		path,
		events,
		rounds: settings.rounds,
		cpuUsPerEvent,
		eventsPerCoreSecond: 1e6 / cpuUsPerEvent,
		wallEventsPerSecond: median(wall),
		gcPauseUsPerEvent: median(gcPerEvent),
		spread: (Math.max(...rates) - Math.min(...rates)) / (1e6 / cpuUsPerEvent),
		statementsPerEvent: sent / events,
		statements: [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, count]) => [kind, count / events] as const),
		claimsPerStatement: events / (kinds.get('receipt claims (batched)') ?? Number.NaN),
		ratios: [...ratios].map(([operation, values]) => [operation, median(values)] as const)
	};
	progress(
		`ingest / ${path}: ${Math.round(result.eventsPerCoreSecond).toLocaleString('en-US')} events/s per core (${cpuUsPerEvent.toFixed(1)} µs, GC pauses ${result.gcPauseUsPerEvent.toFixed(1)} µs), ` +
			`${result.statementsPerEvent.toFixed(4)} statements/event; ${result.ratios.map(([operation, ratio]) => `${(ratio * 100).toFixed(1)} % of ${operation.split(' (')[0]}`).join(', ')}`
	);
	return result;
}

export async function benchIngest(
	connect: () => DatabaseConnection,
	setup: DatabaseConnection,
	options: IngestOptions,
	settings: BenchSettings,
	progress: (message: string) => void
): Promise<IngestReport> {
	const keys = createSigningKeyPair();
	const publicKey = loadKickPublicKey(keys.publicKeyPem);
	const tokenKey = randomBytes(32);
	const plugins = await PluginCatalog.discover(pluginsDirectory, [], coreSettings);
	const counter = countingConnection(connect());
	const database = new Database(counter.connection, { guard: true, repositories: plugins.repositories, tokenCipher: new TokenCipher(tokenKey) });
	const redisKeyPrefix = `bench-ingest-${randomBytes(3).toString('hex')}`;
	const environment = {
		DISCORD_TOKEN: 'bench-no-login',
		DATABASE_URL: options.databaseUrl,
		REDIS_URL: options.redisUrl,
		REDIS_KEY_PREFIX: redisKeyPrefix,
		KICK_CLIENT_ID: 'bench',
		KICK_CLIENT_SECRET: 'bench',
		TOKEN_ENCRYPTION_KEY: tokenKey.toString('hex'),
		PUBLIC_URL: 'http://127.0.0.1:9',
		HTTP_PORT: '0',
		HTTP_HOST: '127.0.0.1',
		KICK_AUTH_URL: 'http://127.0.0.1:9',
		KICK_API_URL: 'http://127.0.0.1:9',
		KICK_WEBHOOK_PUBLIC_KEY: keys.publicKeyPem,
		KICK_WEBHOOK_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
		LOG_LEVEL: 'warn'
	};
	const pusher = await PusherServer.start({ key: '32cbd69e4b950bf97679' });
	let client: KickBotClient | undefined;
	try {
		// -- 1,000 servers, each linked to a Kick channel of its own, with the settings /kick connect leaves (and a chatroom for the socket).
		await execScript(
			setup,
			`INSERT INTO servers (discord_server_id, server_name) SELECT ${FIRST_GUILD} + n, 'Ingest server ' || n FROM generate_series(0, ${CHANNELS - 1}) AS n;
			INSERT INTO kick_connections (discord_server_id, broadcaster_user_id, channel_slug, connected_by_discord_id, events_via, subscription_state)
			SELECT ${FIRST_GUILD} + n, ${FIRST_BROADCASTER} + n, 'streamer_' || n, 200000000000000001, 'webhook', 'subscribed' FROM generate_series(0, ${CHANNELS - 1}) AS n;
			INSERT INTO bot_settings (discord_server_id, key, value, updated_at)
			SELECT ${FIRST_GUILD} + n, entry.key, entry.value, now() FROM generate_series(0, ${CHANNELS - 1}) AS n,
				LATERAL (VALUES ('kick_channel', 'streamer_' || n), ('kick_broadcaster_user_id', (${FIRST_BROADCASTER} + n)::text),
					('kick_chatroom_id', (${FIRST_CHATROOM} + n)::text)) AS entry(key, value);
			INSERT INTO kick_event_receipts (event_key, received_at, event, handled_at, channel)
			SELECT 'chat:' || gen_random_uuid(), at, NULL, at, (${FIRST_BROADCASTER} + n % ${CHANNELS})::text
			FROM generate_series(1, ${SEEDED_RECEIPTS}) AS n, LATERAL (SELECT now() - n * (interval '3 days' / ${SEEDED_RECEIPTS}) AS at) AS t;`
		);
		for (const table of ['servers', 'kick_connections', 'bot_settings', 'kick_event_receipts']) await execScript(setup, `VACUUM ANALYZE ${table}`);
		progress(`ingest: seeded ${CHANNELS} linked servers and ${SEEDED_RECEIPTS.toLocaleString('en-US')} receipts`);

		// -- The machine's limits on the same payloads, probed after every round of both paths.
		const sample = signDeliveries(keys, 1)[0]!;
		const signed = Buffer.concat([
			Buffer.from(`${sample.headers['kick-event-message-id']}.${sample.headers['kick-event-message-timestamp']}.`, 'utf8'),
			sample.rawBody
		]);
		const signature = Buffer.from(sample.headers['kick-event-signature']!, 'base64');
		const webhookText = sample.rawBody.toString('utf8');
		const socketText = socketData(0, randomUUID(), new Date().toISOString());
		const rsa: LimitProbe = {
			operation: 'RSA-SHA256 verify of the signed delivery (crypto.verify, RSA-2048 key object)',
			iterations: LIMIT_ITERATIONS / 10,
			run: () => {
				if (!verify('sha256', signed, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature))
					throw new Error('ingest: the signature does not verify');
			}
		};
		const parseWebhook: LimitProbe = {
			operation: `JSON.parse of the webhook body (${sample.rawBody.length} bytes)`,
			iterations: LIMIT_ITERATIONS,
			run: () => void JSON.parse(webhookText)
		};
		const parseSocket: LimitProbe = {
			operation: `JSON.parse of the socket frame's data (${Buffer.byteLength(socketText)} bytes)`,
			iterations: LIMIT_ITERATIONS,
			run: () => void JSON.parse(socketText)
		};
		const probes = [rsa, parseWebhook, parseSocket];
		const limitRates = new Map<string, number[]>(probes.map((probe) => [probe.operation, []]));
		for (const probe of probes) cpuUsPerCall(probe);

		// -- (a) Webhooks: the bot reading signed deliveries.
		const logger = new BenchLogger();
		client = await startBot({ database, plugins, environment: { ...environment, KICK_EVENTS_VIA: 'webhook' }, logger });
		const listeners = container.stores.get('listeners');
		const chatListeners = [...listeners.values()].filter((listener) => listener.event === KickListenerEvents.ChatMessage).map((listener) => listener.name);
		const route = container.stores.get('routes').get('kickWebhook');
		if (route === undefined) throw new Error('ingest: the webhook route is not loaded');
		progress(
			`ingest: bot built (plugins: ${plugins.enabled.map((plugin) => plugin.manifest.name).join(', ')}); chat listeners: ${chatListeners.join(', ')}`
		);
		progress(`ingest: signing ${DELIVERIES} deliveries`);
		const deliveries = signDeliveries(keys, DELIVERIES);
		const webhookRound = async (): Promise<number> => {
			let next = 0;
			let refused = 0;
			const worker = async (): Promise<void> => {
				for (let index = next++; index < deliveries.length; index = next++) {
					const response = new RecordedResponse();
					await route.run(webhookRequest(deliveries[index]!) as unknown as Route.Request, response as unknown as Route.Response);
					if (response.statusCode !== 200 || (response.body as { status?: string }).status !== 'accepted') refused++;
				}
			};
			await Promise.all(Array.from({ length: WEBHOOKS_IN_FLIGHT }, worker));
			if (refused > 0) throw new Error(`ingest: ${refused} deliveries were not accepted: ${logger.problems.join(' | ')}`);
			return deliveries.length;
		};
		const deliveryKeys = deliveries.flatMap((delivery) => [delivery.eventKey, `webhook:${delivery.headers['kick-event-message-id']}`]);
		/** After a round: every event was handed over and marked once; its receipts go, so the deliveries can be claimed again. */
		const forgetReceipts = async (eventKeys: readonly string[]): Promise<void> => {
			if (eventKeys.length === 0) return;
			await database.kickEventReceipts.settled();
			const [handled] = await querySession<{ count: string }>(
				setup,
				"SELECT count(*)::text AS count FROM kick_event_receipts WHERE event_key = ANY($1) AND handled_at IS NOT NULL AND event_key LIKE 'chat:%'",
				[eventKeys]
			);
			const expected = eventKeys.filter((key) => key.startsWith('chat:')).length;
			if (Number(handled?.count) !== expected) throw new Error(`ingest: ${handled?.count} of ${expected} events were marked handled`);
			await querySession(setup, 'DELETE FROM kick_event_receipts WHERE event_key = ANY($1)', [eventKeys]);
		};
		progress('ingest / webhook deliveries through the route');
		let claimedKeys: string[] = [];
		const webhook = await measurePath(
			'webhook',
			async () => {
				await forgetReceipts(claimedKeys);
				claimedKeys = deliveryKeys;
			},
			webhookRound,
			[rsa, parseWebhook],
			limitRates,
			counter.statements,
			settings,
			progress
		);
		await forgetReceipts(claimedKeys);
		await client.destroy();
		client = undefined;

		// -- (b) The chat socket: the same servers read over Kick's socket (the stand-in, idle: frames are handed to pusher-js' channels).
		await execScript(
			setup,
			`UPDATE kick_connections SET events_via = 'socket', subscription_state = 'not needed' WHERE discord_server_id >= ${FIRST_GUILD}`
		);
		const Pusher = PusherModule as unknown as typeof PusherModule.default;
		const known = new Set(Pusher.instances);
		client = await startBot({
			database,
			plugins,
			environment: { ...environment, KICK_EVENTS_VIA: 'socket', KICK_PUSHER_HOST: `127.0.0.1:${pusher.port}` },
			logger
		});
		await kickOf().start();
		const socketClient = Pusher.instances.find((instance) => !known.has(instance));
		if (socketClient === undefined) throw new Error('ingest: the chat socket made no Pusher client');
		const channels = Array.from({ length: CHANNELS }, (_, n) => socketClient.channel(chatroomChannel(FIRST_CHATROOM + n)));
		if (channels.some((channel) => channel === undefined)) throw new Error('ingest: the chat socket does not watch every chatroom');
		await pusher.waitForSubscription(chatroomChannel(FIRST_CHATROOM + CHANNELS - 1));
		// Made once and replayed every round, their receipts deleted in between (as the deliveries are).
		const createdAt = new Date().toISOString();
		const frameIds = Array.from({ length: FRAMES }, () => randomUUID());
		const frames = frameIds.map((id, n) => socketData(n, id, createdAt));
		const frameKeys = frameIds.map((id) => `chat:${id}`);
		let replayed: string[] = [];
		const socketRound = async (): Promise<number> => {
			// As the socket reads them: a few frames per turn of the event loop, the next ones while those are handed over.
			for (let start = 0; start < frames.length; start += FRAMES_PER_READ) {
				for (let n = start; n < Math.min(start + FRAMES_PER_READ, frames.length); n++)
					channels[n % CHANNELS]!.handleEvent({ event: CHAT_MESSAGE_EVENT, data: frames[n] });
				await new Promise((resolve) => setImmediate(resolve));
			}
			await kickOf().idle();
			return frames.length;
		};
		progress('ingest / socket frames through the chat socket');
		const socket = await measurePath(
			'socket',
			async () => {
				await forgetReceipts(replayed);
				replayed = frameKeys;
			},
			socketRound,
			[parseSocket, rsa],
			limitRates,
			counter.statements,
			settings,
			progress
		);
		await forgetReceipts(replayed);
		if (logger.problems.length > 0) throw new Error(`ingest: the bot reported problems: ${logger.problems.join(' | ')}`);

		return {
			channels: CHANNELS,
			webhookBodyBytes: sample.rawBody.length,
			socketDataBytes: Buffer.byteLength(socketText),
			chatListeners,
			plugins: plugins.enabled.map((plugin) => plugin.manifest.name),
			paths: [webhook, socket],
			limits: [...limitRates].map(([operation, rates]) => ({
				operation,
				perCoreSecond: median(rates),
				spread: (Math.max(...rates) - Math.min(...rates)) / median(rates)
			})),
			seededReceipts: SEEDED_RECEIPTS
		};
	} finally {
		await client?.destroy();
		await pusher.stop();
		await database.close();
		await forgetRedisKeys(options.redisUrl, redisKeyPrefix);
	}
}

/** Removes what the bench's bot left in Redis (its task queue's keys). */
async function forgetRedisKeys(redisUrl: string, prefix: string): Promise<void> {
	const redis = new Redis(redisUrl);
	try {
		const keys = await redis.keys(`bull:${prefix}-*`);
		if (keys.length > 0) await redis.del(...keys);
	} finally {
		redis.disconnect();
	}
}
