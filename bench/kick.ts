import { execFileSync } from 'node:child_process';
import { randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApplyOptions } from '@sapphire/decorators';
import { container } from '@sapphire/framework';
import type { DatabaseConnection } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { toGuildId } from '#lib/database/GuildId';
import { loadGuildContext, type GuildContext } from '#lib/guild/GuildContext';
import { KickCommand } from '#lib/kick/commands/KickCommand';
import { KickCommandStore } from '#lib/kick/commands/KickCommandStore';
import { dispatchKickCommand, KickCommandCooldowns, type KickCommandOutcome } from '#lib/kick/commands/dispatchKickCommand';
import type { KickBadge, KickChatMessageEvent, KickEvent } from '#lib/kick/events/KickEvent';
import { kickEventToJson } from '#lib/kick/events/kickEventJson';
import { KickEventRouter } from '#lib/kick/events/KickEventRouter';
import { KickConnection } from '#lib/kick/KickConnection';
import { KickListenerEvents } from '#lib/kick/events/KickListenerEvents';
import { parseWebhookEvent } from '#lib/kick/webhooks/parseWebhookEvent';
import { Outbox } from '#lib/outbox/Outbox';
import type { DeliveryOutcome, OutboxCourier, OutboxRecord } from '#lib/outbox/OutboxMessage';
import { loadKickPublicKey, verifyKickWebhook } from '#lib/kick/webhooks/verifyKickWebhook';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { pluginsDirectory } from '#lib/paths';
import { BotSettingsManager } from '#lib/settings/BotSettingsManager';
import { coreSettings } from '#lib/settings/coreSettings';
import { UptimeCommand } from '#plugins/kick-chat/kick-commands/uptime';
import { countingConnection } from '#test/helpers/countingConnection';
import type { KickUserRecord } from '#test/kick-standin/KickDirectory';
import { chatMessagePayload } from '#test/kick-standin/eventPayloads';
import { ulid } from '#test/kick-standin/ulid';
import { createSigningKeyPair, kickWebhookHeaders, type SigningKeyPair } from '#test/kick-standin/webhookSigning';
import { execScript, querySession } from './database.js';
import { measure, measureAsyncBatch, measureSync, runRound, type AsyncOperation, type BenchSettings, type CaseResult, type SyncResult } from './measure.js';

/**
 * The Kick webhook path on one core (the bench process is single-threaded; PostgreSQL runs in
 * its own processes): signature verification and parsing (pure CPU), KickConnection.say's
 * bookkeeping, then the paths that reach PostgreSQL: verify + parse + receipt claim, and a chat
 * message from KickEventRouter.route to the reply handed to the chat sender's `send`, wired as
 * KickConnection and RunKickChatCommandsListener wire them, without Discord, Kick or HTTP.
 */

/** The Kick channel of the bench and the one server linked to it (ids apart from the other sections'). */
const BROADCASTER_USER_ID = 77_001_234n;
const CHANNEL_SLUG = 'benchstreamer';
const GUILD_ID = 1_300_000_000_000_000_001n;
/** Distinct chatters the chat cases rotate over. */
const CHATTERS = 500;
/** Signed deliveries prepared per webhook case (signing one costs an RSA private-key operation). */
const SIGNED_DELIVERIES = 256;
/**
 * Receipts in the table before the cases claim theirs: three days (the bot prunes older ones) of
 * a process taking about two chat messages a second by webhook, each leaving two rows: its chat
 * key with the event (handled) and its delivery key.
 */
const SEEDED_RECEIPTS = 1_000_000;
/** KICK_WEBHOOK_MAX_AGE_SECONDS and SETTINGS_CACHE_TTL_SECONDS as the bot defaults them. */
const MAX_AGE_SECONDS = 600;
const SETTINGS_TTL_MS = 60_000;

const SUBSCRIBER_BADGE: KickBadge = { text: 'Subscriber', type: 'subscriber', count: 7 };
const MODERATOR_BADGE: KickBadge = { text: 'Moderator', type: 'moderator' };

/** What the stand-in's payload builder needs of a Kick user. */
function kickUser(userId: number, username: string): KickUserRecord {
	return {
		userId: String(userId),
		username,
		slug: username.toLowerCase(),
		channelId: String(userId + 1),
		chatroomId: String(userId + 2),
		email: `${username.toLowerCase()}@example.com`,
		verified: false,
		profilePicture: `https://files.kick.com/images/user/${username.toLowerCase()}/profile_image.webp`,
		stream: { isLive: true, title: 'bench', category: null, viewerCount: 0, startedAt: null }
	};
}

const BROADCASTER = kickUser(Number(BROADCASTER_USER_ID), 'BenchStreamer');
const chatters = Array.from({ length: CHATTERS }, (_, n) => kickUser(5_000_001 + n, `chatter_${n + 1}`));

/** An `!uptime`-like command that answers at once (no query): the dispatch machinery alone. */
@ApplyOptions<KickCommand.Options>({ description: 'Says how long the stream has been live (bench: no query).' })
class BenchUptimeCommand extends KickCommand {
	private readonly since = Date.now() - 2 * 3600_000 - 5 * 60_000;

	public override async run(message: KickCommand.Message): Promise<void> {
		const minutes = Math.floor((Date.now() - this.since) / 60_000);
		await message.reply(`${CHANNEL_SLUG} has been live for ${Math.floor(minutes / 60)}h ${minutes % 60}m.`);
	}
}

// ---------------------------------------------------------------------------------------------
// Signed deliveries

interface Delivery {
	readonly headers: Record<string, string>;
	readonly rawBody: Buffer;
}

function chatBody(sender: KickUserRecord, content: string, badges: readonly KickBadge[]): Buffer {
	return Buffer.from(
		JSON.stringify(chatMessagePayload({ broadcaster: BROADCASTER, sender, content, badges, messageId: randomUUID(), createdAt: new Date() })),
		'utf8'
	);
}

/** `count` chat.message.sent deliveries signed now, each with its own message ids and chatter. */
function signDeliveries(keys: SigningKeyPair, count: number, content: string, badges: readonly KickBadge[]): Delivery[] {
	const now = new Date();
	return Array.from({ length: count }, (_, n) => {
		const rawBody = chatBody(chatters[n % chatters.length] as KickUserRecord, content, badges);
		const headers = kickWebhookHeaders({
			privateKey: keys.privateKey,
			messageId: ulid(now.getTime()),
			subscriptionId: ulid(now.getTime() - 86_400_000),
			eventType: 'chat.message.sent',
			timestamp: now,
			rawBody
		});
		return { headers, rawBody };
	});
}

/** What the webhook route does before it claims: verify on the raw body, JSON.parse, parse to the typed event. */
function verifyAndParse(delivery: Delivery, publicKey: KeyObject): { messageId: string; event: KickEvent } {
	const verified = verifyKickWebhook({ headers: delivery.headers, rawBody: delivery.rawBody, publicKey, now: new Date(), maxAgeSeconds: MAX_AGE_SECONDS });
	if (!verified.ok) throw new Error(`kick: a signed delivery was refused: ${verified.reason}`);
	const body: unknown = JSON.parse(delivery.rawBody.toString('utf8'));
	const parsed = parseWebhookEvent({
		eventType: verified.eventType,
		eventVersion: verified.eventVersion,
		messageId: verified.messageId,
		body,
		receivedAt: new Date()
	});
	if (!parsed.ok) throw new Error(`kick: a signed delivery did not parse: ${parsed.reason}`);
	return { messageId: verified.messageId, event: parsed.event };
}

// ---------------------------------------------------------------------------------------------
// CPU accounting

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
const CLOCK_TICKS = ((): number => {
	try {
		const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
		return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
	} catch {
		return 100;
	}
})();

/** CPU time (user + system, µs) of each PostgreSQL backend serving the bench database, but the asking one; empty off Linux. */
async function backendCpu(setup: DatabaseConnection): Promise<Map<number, number>> {
	const rows = await querySession<{ pid: number }>(setup, 'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
	const cpu = new Map<number, number>();
	for (const { pid } of rows) {
		try {
			// Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6);
		} catch {
			// not Linux, or PostgreSQL on another machine: no figure
		}
	}
	return cpu;
}

function backendCpuSpent(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
	if (after.size === 0) return Number.NaN;
	let spent = 0;
	// A backend the pool opened during the case counts from zero.
	for (const [pid, us] of after) spent += us - (before.get(pid) ?? 0);
	return spent;
}

/** Which statement a SQL text is, for the per-event breakdown. */
function statementKind(sql: string): string {
	if (/insert\s+into\s+outbox_messages/i.test(sql)) return 'outbox insert (batched)';
	if (/update\s+outbox_messages\s+set\s+status\s*=\s*'sending'/i.test(sql)) return 'outbox mark sending (batched)';
	if (/update\s+outbox_messages\s+o\s+set\s+status\s*=\s*f\.status/i.test(sql)) return 'outbox finish (batched)';
	if (/insert\s+into\s+"?kick_event_receipts/i.test(sql)) return 'receipt claim';
	if (/^\s*update\s+"?kick_event_receipts"?\s+set\s+handled_at/i.test(sql)) return 'mark handled (batched)';
	if (/from\s+kick_connections\s+k\s+join\s+servers/i.test(sql)) return 'linked servers';
	if (/bot_settings/i.test(sql)) return 'settings load';
	if (/^\s*update\b[\s\S]*kick_connections/i.test(sql)) return 'last_event_at write';
	if (/^\s*select\b[\s\S]*kick_connections/i.test(sql)) return 'kick_connections read';
	return 'other';
}

// ---------------------------------------------------------------------------------------------
// Report

export interface KickCpuCase {
	readonly operation: string;
	readonly result: SyncResult;
}

export interface KickPathCase {
	readonly operation: string;
	readonly concurrency: number;
	readonly result: CaseResult;
	/** Events run by `measure` (its warm-up and rounds), which the per-event figures below divide by. */
	readonly events: number;
	/** CPU time of the bench (bot) process per event, all its threads, µs. */
	readonly botCpuUs: number;
	/** CPU time of the PostgreSQL backends per event, µs (NaN when /proc could not tell). */
	readonly postgresCpuUs: number;
	readonly statementsPerEvent: number;
	/** Statements per event by kind, most frequent first. */
	readonly statements: ReadonlyArray<readonly [kind: string, perEvent: number]>;
}

export interface KickReport {
	readonly payloadBytes: number;
	readonly concurrency: number;
	readonly cpu: KickCpuCase[];
	readonly paths: KickPathCase[];
	readonly seededReceipts: number;
	readonly seedSeconds: number;
	/** Rows in kick_event_receipts at the end (seeded and claimed). */
	readonly receiptRows: number;
}

export interface KickBenchOptions {
	/** Calls per measured round of the CPU-only cases, and their rounds. */
	readonly cpuIterations: number;
	readonly cpuRounds: number;
	/** Events in flight for the concurrent cases. */
	readonly concurrency: number;
}

/** Resolves when the reply to a message is handed to the chat sender's `send` (or, for a plain message, when the listener is done). */
class Handoffs {
	private readonly waiting = new Map<
		string,
		{ readonly expect: 'reply' | 'nothing'; readonly resolve: () => void; readonly reject: (error: Error) => void }
	>();

	public expect(messageId: string, expect: 'reply' | 'nothing'): Promise<void> {
		return new Promise<void>((resolve, reject) => this.waiting.set(messageId, { expect, resolve, reject }));
	}

	/** The courier was handed this message. */
	public sent(message: OutboxRecord): void {
		const id = message.replyTo ?? '';
		const entry = this.waiting.get(id);
		if (entry === undefined) throw new Error(`kick: a reply to ${id}, which no case waits for`);
		this.waiting.delete(id);
		if (entry.expect === 'reply') entry.resolve();
		else entry.reject(new Error(`kick: a plain message was answered: ${message.content}`));
	}

	/** The listener finished with `outcome`. */
	public finished(messageId: string, outcome: KickCommandOutcome): void {
		const entry = this.waiting.get(messageId);
		// A reply already went out (settled in `sent`), or is recorded and on its way to the courier.
		if (entry === undefined || (entry.expect === 'reply' && outcome.kind === 'ran')) return;
		this.waiting.delete(messageId);
		if (entry.expect === 'nothing' && outcome.kind === 'not-a-command') entry.resolve();
		else entry.reject(new Error(`kick: message ${messageId} ended as ${outcome.kind}${outcome.kind === 'failed' ? `: ${String(outcome.error)}` : ''}`));
	}

	public failed(messageId: string, error: unknown): void {
		const entry = this.waiting.get(messageId);
		this.waiting.delete(messageId);
		entry?.reject(error instanceof Error ? error : new Error(String(error)));
	}

	public get size(): number {
		return this.waiting.size;
	}
}

/** The outbox's Kick chat courier with Kick left out: it marks each message as being sent, as the real one does, and hands it to the case. */
class HandoffCourier implements OutboxCourier {
	public readonly destination = 'kick_chat';

	public constructor(private readonly handoffs: Handoffs) {}

	public async deliver(record: OutboxRecord, claim: () => Promise<boolean>): Promise<DeliveryOutcome> {
		if (!(await claim())) return { status: 'lost' };
		this.handoffs.sent(record);
		return { status: 'sent', messageIds: [], attempts: 1 };
	}

	public waiting(): number {
		return 0;
	}

	public async close(): Promise<void> {
		// Nothing waits: every message is handed over at once.
	}
}

const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * The bench: one server linked to one Kick channel on the bench's PostgreSQL database (guard on,
 * pool of 10, statements counted by a counting driver adapter), the settings manager with the
 * bot's default TTL, and for each chat case a fresh router, listener and sender.
 */
export async function benchKick(
	connect: () => DatabaseConnection,
	setup: DatabaseConnection,
	options: KickBenchOptions,
	settings: BenchSettings,
	progress: (message: string) => void
): Promise<KickReport> {
	const keys = createSigningKeyPair();
	const publicKey = loadKickPublicKey(keys.publicKeyPem);
	const counter = countingConnection(connect());
	// The plugins as the bot loads them: their settings, repositories, and what each needs.
	const plugins = await PluginCatalog.discover(pluginsDirectory, [], coreSettings);
	const database = new Database(counter.connection, { guard: true, repositories: plugins.repositories });
	const manager = new BotSettingsManager(database, plugins.settings, { ttlMs: SETTINGS_TTL_MS });
	// loadGuildContext, as the bot's router calls it, reads these from Sapphire's container.
	const previous = { settings: container.settings, db: container.db, plugins: container.plugins };
	container.settings = manager;
	container.db = database;
	container.plugins = plugins;
	try {
		// -- The linked server: its row, its link (live for 2 h 5 min), its managed settings, as /kick connect leaves them.
		await execScript(setup, `INSERT INTO servers (discord_server_id, server_name) VALUES (${GUILD_ID}, 'Kick bench server')`);
		const repositories = database.forGuild(GUILD_ID);
		await repositories.kickConnection.connect({
			broadcasterUserId: BROADCASTER_USER_ID,
			channelSlug: CHANNEL_SLUG,
			connectedBy: 200_000_000_000_000_001n,
			eventsVia: 'webhook'
		});
		const liveSince = new Date(Date.now() - 2 * 3600_000 - 5 * 60_000);
		await repositories.kickConnection.recordLiveStatus({ isLive: true, title: 'bench stream', startedAt: liveSince, at: liveSince });
		await manager.setManaged(GUILD_ID, { kick_channel: CHANNEL_SLUG, kick_broadcaster_user_id: BROADCASTER_USER_ID.toString() });
		// The event stored with each seeded chat key: the JSON of a parsed delivery, as claim() stores it.
		const sampleEvent = verifyAndParse(signDeliveries(keys, 1, 'that was close KEKW', [SUBSCRIBER_BADGE])[0] as Delivery, publicKey).event;
		const seedStart = process.hrtime.bigint();
		await execScript(
			setup,
			`INSERT INTO kick_event_receipts (event_key, received_at, event, handled_at)
			SELECT CASE WHEN n % 2 = 0 THEN 'chat:' || gen_random_uuid() ELSE 'webhook:01J' || upper(substr(md5(n::text), 1, 23)) END,
			       at, CASE WHEN n % 2 = 0 THEN '${kickEventToJson(sampleEvent).replaceAll("'", "''")}'::jsonb END, at
			FROM generate_series(1, ${SEEDED_RECEIPTS}) AS n, LATERAL (SELECT now() - n * (interval '3 days' / ${SEEDED_RECEIPTS}) AS at) AS t`
		);
		await execScript(setup, 'VACUUM ANALYZE kick_event_receipts');
		const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
		progress(`kick: seeded ${SEEDED_RECEIPTS.toLocaleString('en-US')} kick_event_receipts rows (${seedSeconds.toFixed(1)} s with VACUUM ANALYZE)`);
		const linked = await database.system.guildIdsLinkedToKickChannel(BROADCASTER_USER_ID);
		if (linked.length !== 1 || linked[0] !== GUILD_ID) throw new Error(`kick: the bench channel is linked to ${linked.join(', ')}`);

		const testStore = new KickCommandStore();
		await testStore.loadPiece({ name: 'uptime', piece: BenchUptimeCommand });
		await testStore.loadAll();
		const pluginStore = new KickCommandStore();
		await pluginStore.loadPiece({ name: 'uptime', piece: UptimeCommand });
		await pluginStore.loadAll();

		const sample = signDeliveries(keys, 1, '!uptime', [SUBSCRIBER_BADGE])[0] as Delivery;
		const payloadBytes = sample.rawBody.length;
		progress(`kick: chat.message.sent body of ${payloadBytes} bytes, RSA-${publicKey.asymmetricKeyDetails?.modulusLength ?? '?'} key`);

		// -- Pure CPU: verification and parsing of one delivery, repeated.
		const cpu: KickCpuCase[] = [];
		const cpuCase = (operation: string, run: (i: number) => void, iterations = options.cpuIterations): void => {
			progress(`kick / ${operation}`);
			cpu.push({ operation, result: measureSync(run, iterations, options.cpuRounds) });
		};
		const signed = signDeliveries(keys, SIGNED_DELIVERIES, '!uptime', [SUBSCRIBER_BADGE]);
		const delivery = (i: number): Delivery => signed[i % signed.length] as Delivery;
		cpuCase('verifyKickWebhook alone (headers, RFC 3339 timestamp, RSA-SHA256 verify)', (i) => {
			const verified = verifyKickWebhook({
				headers: delivery(i).headers,
				rawBody: delivery(i).rawBody,
				publicKey,
				now: new Date(),
				maxAgeSeconds: MAX_AGE_SECONDS
			});
			if (!verified.ok) throw new Error(verified.reason);
		});
		const staleNow = new Date(Date.now() + 2 * MAX_AGE_SECONDS * 1000);
		cpuCase(
			'verifyKickWebhook refusing a stale (replayed) delivery: no RSA',
			(i) => {
				const verified = verifyKickWebhook({
					headers: delivery(i).headers,
					rawBody: delivery(i).rawBody,
					publicKey,
					now: staleNow,
					maxAgeSeconds: MAX_AGE_SECONDS
				});
				if (verified.ok || verified.status !== 401) throw new Error('kick: a stale delivery was not refused');
			},
			options.cpuIterations * 5
		);
		const parsedBody = (i: number): KickEvent => {
			const body: unknown = JSON.parse(delivery(i).rawBody.toString('utf8'));
			const parsed = parseWebhookEvent({ eventType: 'chat.message.sent', eventVersion: '1', messageId: 'x', body, receivedAt: new Date() });
			if (!parsed.ok) throw new Error(parsed.reason);
			return parsed.event;
		};
		cpuCase('JSON.parse + parseWebhookEvent (zod) alone', (i) => void parsedBody(i), options.cpuIterations * 2);
		cpuCase('verify + JSON.parse + parseWebhookEvent (the route before its claim)', (i) => void verifyAndParse(delivery(i), publicKey));

		// The chat path without the database: the server's context for one event (settings cached)
		// and the dispatcher finding a plain message is no command. What the router does per server
		// per chat message besides its statements.
		const plain = parsedBody(0) as KickChatMessageEvent;
		const plainMessage: KickChatMessageEvent = { ...plain, content: 'that was close KEKW' };
		const idleCooldowns = new KickCommandCooldowns();
		await loadGuildContext(GUILD_ID.toString(), null);
		const contextCase = 'context for one event + dispatch of a plain chat message (settings cached, no database)';
		progress(`kick / ${contextCase}`);
		cpu.push({
			operation: contextCase,
			result: await measureAsyncBatch(
				async () => {
					const context = await loadGuildContext(GUILD_ID.toString(), null);
					const outcome = await dispatchKickCommand({
						store: testStore,
						context,
						event: plainMessage,
						prefix: context.settings.get('prefix'),
						reply: () => Promise.resolve(),
						cooldowns: idleCooldowns
					});
					if (outcome.kind !== 'not-a-command') throw new Error(`kick: a plain message was ${outcome.kind}`);
				},
				options.cpuIterations * 5,
				options.cpuRounds
			)
		});

		// -- Paths that reach PostgreSQL. Every event claims new receipt keys: a delivery signed
		// here is reused (signing costs a private-key operation, more than verifying), so a counter
		// is appended to the keys (and message id) of the event it yields.
		let serial = 0;
		const paths: KickPathCase[] = [];
		const outboxes: Outbox[] = [];
		const pathCase = async (operation: string, makeRun: () => { run: AsyncOperation; check: () => void }, concurrency: number): Promise<void> => {
			progress(`kick / ${operation}${concurrency > 1 ? `, ${concurrency} in flight` : ''}`);
			const { run, check } = makeRun();
			let events = 0;
			const counted = async (i: number): Promise<void> => {
				await run(i);
				events++;
			};
			// An extra unmeasured warm-up, so V8's compiler threads and the pool's new connections are not billed to the case.
			await runRound(counted, settings.warmupMs, concurrency);
			events = 0;
			const statementsBefore = counter.statements.length;
			const postgresBefore = await backendCpu(setup);
			const botBefore = process.cpuUsage();
			const result = await measure(counted, settings, concurrency);
			const bot = process.cpuUsage(botBefore);
			const postgresAfter = await backendCpu(setup);
			check();
			const sent = counter.statements.slice(statementsBefore);
			const kinds = new Map<string, number>();
			for (const sql of sent) kinds.set(statementKind(sql), (kinds.get(statementKind(sql)) ?? 0) + 1);
			paths.push({
				operation,
				concurrency,
				result,
				events,
				botCpuUs: (bot.user + bot.system) / events,
				postgresCpuUs: backendCpuSpent(postgresBefore, postgresAfter) / events,
				statementsPerEvent: sent.length / events,
				statements: [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, count]) => [kind, count / events] as const)
			});
		};

		// KickConnection.say, which the real listener's reply goes through: it checks its memory of
		// answers (servers sharing a channel answer once; swept at most once a second) and records
		// the message in the outbox, the answers of the moment sharing one insert. The bot's
		// KickConnection on the bench database; the sends behind it fail at once (the bench server
		// holds no Kick tokens) after say() resolved, and are not measured.
		// No waiting limit: the sends are throttled per channel and never keep up with the calls.
		const sayOutbox = new Outbox({
			store: database.outbox,
			couriers: [],
			logger: quietLogger,
			owner: 'bench-say',
			maxWaitingPerTarget: Number.POSITIVE_INFINITY
		});
		const kick = new KickConnection({
			config: {
				clientId: 'bench',
				clientSecret: 'bench',
				authUrl: 'http://127.0.0.1:9',
				apiUrl: 'http://127.0.0.1:9',
				eventsVia: 'webhook',
				webhookPublicKey: keys.publicKeyPem,
				webhookMaxAgeSeconds: MAX_AGE_SECONDS,
				pusher: { key: '32cbd69e4b950bf97679', cluster: 'us2', host: undefined }
			},
			publicUrl: undefined,
			database,
			logger: quietLogger as unknown as ConstructorParameters<typeof KickConnection>[0]['logger'],
			alertModerators: async () => undefined,
			emit: async () => undefined,
			outbox: sayOutbox
		});
		const context = await loadGuildContext(GUILD_ID.toString(), null);
		const sayCase = (): { run: AsyncOperation; check: () => void } => ({
			run: async () => {
				const replyTo = `say-${serial++}`;
				const outcome = await kick.say(context, `${CHANNEL_SLUG} has been live for 2h 5m.`, { key: replyTo, replyTo });
				if (outcome.status !== 'accepted') throw new Error(`kick: say was ${outcome.status}`);
			},
			check: () => undefined
		});
		for (const concurrency of [1, options.concurrency])
			await pathCase('`KickConnection.say`: a reply recorded in the outbox (batched insert)', sayCase, concurrency);
		await kick.close();
		await sayOutbox.close(0);

		// The webhook route's claim: one insert-if-absent of the event key (with the event) and the delivery key.
		const claimDelivery = async (delivery: Delivery, n: number): Promise<KickChatMessageEvent> => {
			const { messageId, event } = verifyAndParse(delivery, publicKey);
			const chat = event as KickChatMessageEvent;
			const unique: KickChatMessageEvent = { ...chat, eventKey: `${chat.eventKey}:${n}`, messageId: `${chat.messageId}:${n}` };
			if (!(await database.kickEventReceipts.claim(unique.eventKey, { event: unique, deliveryKey: `webhook:${messageId}:${n}` })))
				throw new Error('kick: a fresh delivery was a duplicate');
			return unique;
		};

		// 1. The webhook route up to its answer: verify + parse + the claim.
		const webhookClaim = (): { run: AsyncOperation; check: () => void } => {
			const pool = signDeliveries(keys, SIGNED_DELIVERIES, '!uptime', [SUBSCRIBER_BADGE]);
			return {
				run: async () => {
					const n = serial++;
					await claimDelivery(pool[n % pool.length] as Delivery, n);
				},
				check: () => undefined
			};
		};
		for (const concurrency of [1, options.concurrency]) {
			await pathCase(
				'webhook: verify + JSON.parse + parseWebhookEvent + receipt claim (event key with the event, and delivery key)',
				webhookClaim,
				concurrency
			);
		}

		// 2. A chat message from route() to the reply handed to `send`, wired as the bot does.
		type Source = 'event' | 'webhook';
		const chatPath = (store: KickCommandStore, content: string, badges: readonly KickBadge[], expect: 'reply' | 'nothing', source: Source) => () => {
			const handoffs = new Handoffs();
			let replies = 0;
			const courier = new HandoffCourier(handoffs);
			const outbox = new Outbox({ store: database.outbox, couriers: [courier], logger: quietLogger, owner: `bench-${randomUUID()}` });
			outboxes.push(outbox);
			const cooldowns = new KickCommandCooldowns();
			// RunKickChatCommandsListener.run, with KickConnection.say reduced to what reaches the queue.
			const listener = async (event: KickChatMessageEvent, context: GuildContext): Promise<void> => {
				const outcome = await dispatchKickCommand({
					store,
					context,
					event,
					prefix: context.settings.get('prefix'),
					reply: async (reply) => {
						const broadcasterUserId = context.settings.get('kick_broadcaster_user_id');
						if (broadcasterUserId === null) throw new Error('kick: the server has no linked channel');
						replies++;
						const accepted = await outbox.post({
							guildId: context.guildId,
							destination: 'kick_chat',
							targetId: BigInt(broadcasterUserId),
							kind: 'reply',
							dedupeKey: `kick:reply:${event.messageId}:0`,
							content: reply,
							replyTo: event.messageId,
							expiresAt: new Date(event.at.getTime() + 120_000)
						});
						if (accepted.status !== 'accepted') throw new Error(`kick: the reply was ${accepted.status}`);
					},
					cooldowns
				});
				handoffs.finished(event.messageId, outcome);
			};
			// KickConnection's router: contexts from loadGuildContext (settings cache + db.forGuild); emit reaches the listener.
			const router = new KickEventRouter({
				database,
				loadContext: (guildId) => loadGuildContext(guildId.toString(), null),
				emit: async (name, event, context) => {
					if (name === KickListenerEvents.ChatMessage) await listener(event as KickChatMessageEvent, context);
				},
				onServerFailure: (_guildId, event, error) => handoffs.failed(event.type === 'chat.message.sent' ? event.messageId : '', error),
				onEventFailure: (event, error) => handoffs.failed(event.type === 'chat.message.sent' ? event.messageId : '', error)
			});
			const pool = source === 'webhook' ? signDeliveries(keys, SIGNED_DELIVERIES, content, badges) : [];
			const route = async (event: KickChatMessageEvent, claimed: boolean): Promise<void> => {
				const handed = handoffs.expect(event.messageId, expect);
				// Settled possibly while route() still waits on the database: handled here, rethrown by the await below.
				handed.catch(() => undefined);
				const outcome = await router.route(event, { claimed });
				if (outcome.outcome !== 'routed') handoffs.failed(event.messageId, new Error(`kick: event ${event.eventKey} was ${outcome.outcome}`));
				await handed;
			};
			const run: AsyncOperation =
				source === 'event'
					? async () => {
							const n = serial++;
							const chatter = chatters[n % chatters.length] as KickUserRecord;
							const messageId = `${randomUUID()}`;
							await route(
								{
									type: 'chat.message.sent',
									broadcasterUserId: BROADCASTER_USER_ID.toString(),
									eventKey: `chat:${messageId}`,
									receivedVia: 'webhook',
									at: new Date(),
									messageId,
									sender: { userId: chatter.userId, username: chatter.username, channelSlug: chatter.slug, badges },
									content,
									repliesTo: null
								},
								false
							);
						}
					: async () => {
							// The whole delivery: the route's verify, parse and claim, then what kick.accept does.
							const n = serial++;
							await route(await claimDelivery(pool[n % pool.length] as Delivery, n), true);
						};
			return {
				run,
				check: () => {
					// The cooldowns' managers keep a sweep timer while they hold entries (the plugin's !uptime starts one).
					cooldowns.clear(toGuildId(GUILD_ID));
					if (handoffs.size !== 0) throw new Error(`kick: ${handoffs.size} events still wait for their reply`);
					if (expect === 'reply' && replies === 0) throw new Error('kick: no reply was sent');
				}
			};
		};

		for (const concurrency of [1, options.concurrency]) {
			await pathCase(
				'chat `!uptime` (bench command, answers without a query): route → dispatch → reply queued',
				chatPath(testStore, '!uptime', [SUBSCRIBER_BADGE], 'reply', 'event'),
				concurrency
			);
		}
		for (const concurrency of [1, options.concurrency]) {
			await pathCase(
				"chat `!uptime`, the kick-chat plugin's command (reads kick_connections; sent by a moderator, whom its 10 s cooldown never holds)",
				chatPath(pluginStore, '!uptime', [MODERATOR_BADGE], 'reply', 'event'),
				concurrency
			);
		}
		for (const concurrency of [1, options.concurrency]) {
			await pathCase(
				'plain chat message (no command): route → dispatch returns',
				chatPath(testStore, 'that was close KEKW', [SUBSCRIBER_BADGE], 'nothing', 'event'),
				concurrency
			);
		}
		for (const concurrency of [1, options.concurrency]) {
			await pathCase(
				'whole delivery of a chat `!uptime` (bench command): verify + parse + claim, route → reply queued',
				chatPath(testStore, '!uptime', [SUBSCRIBER_BADGE], 'reply', 'webhook'),
				concurrency
			);
		}
		for (const concurrency of [1, options.concurrency]) {
			await pathCase(
				'whole delivery of a plain chat message: verify + parse + claim, route → dispatch returns',
				chatPath(testStore, 'that was close KEKW', [SUBSCRIBER_BADGE], 'nothing', 'webhook'),
				concurrency
			);
		}

		for (const outbox of outboxes) await outbox.close(0);
		const [receipts] = await querySession<{ count: string }>(setup, 'SELECT count(*)::text AS count FROM kick_event_receipts');
		return {
			payloadBytes,
			concurrency: options.concurrency,
			cpu,
			paths,
			seededReceipts: SEEDED_RECEIPTS,
			seedSeconds,
			receiptRows: Number(receipts?.count ?? 0)
		};
	} finally {
		container.settings = previous.settings;
		container.db = previous.db;
		container.plugins = previous.plugins;
		await database.close();
	}
}
