import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { botVersion } from '#lib/version';

/**
 * The bot's Prometheus metrics, all in one registry served at `/metrics`. Labels take only values
 * fixed here or names the code declares (task names, destinations): never a server, a viewer or a
 * channel, so the number of series does not grow with what the bot has seen.
 */
export const metricsRegistry = new Registry();

const PREFIX = 'kickbot_';

/** One value of a FixedLabelCounter's label, counted in a plain field. */
class Tally {
	public count = 0;
}

/**
 * A counter whose one label takes a few values fixed when it is defined, for hot paths: an
 * increment is a property update (prom-client's `labels(…).inc()` hashes the labels on every
 * call, about 160 ns); the tallies are copied into the counter when Prometheus scrapes.
 */
export class FixedLabelCounter<Value extends string | number> {
	private readonly tallies: Record<string, Tally>;

	public constructor(options: { readonly name: string; readonly help: string; readonly label: string; readonly values: readonly Value[] }) {
		const tallies: Record<string, Tally> = Object.fromEntries(options.values.map((value) => [String(value), new Tally()]));
		this.tallies = tallies;
		new Counter({
			name: options.name,
			help: options.help,
			labelNames: [options.label],
			registers: [metricsRegistry],
			collect() {
				this.reset();
				for (const [value, tally] of Object.entries(tallies)) this.inc({ [options.label]: value }, tally.count);
			}
		});
	}

	public inc(value: Value): void {
		const tally = this.tallies[value as string];
		if (tally !== undefined) tally.count += 1;
	}

	/** The count of one value (for tests and the start log). */
	public count(value: Value): number {
		return this.tallies[value as string]?.count ?? 0;
	}
}

function counter(name: string, help: string): Counter {
	return new Counter({ name: PREFIX + name, help, registers: [metricsRegistry] });
}

function labelledCounter<Label extends string>(name: string, help: string, labels: readonly Label[]): Counter<Label> {
	return new Counter({ name: PREFIX + name, help, labelNames: labels, registers: [metricsRegistry] });
}

// -- Kick events in.
export const kickEventsReceived = new FixedLabelCounter({
	name: `${PREFIX}kick_events_received_total`,
	help: 'Kick events read (signed and well-formed), duplicates included, by reader.',
	label: 'reader',
	values: ['webhook', 'socket']
});
export const kickEventsDuplicate = counter('kick_events_duplicate_total', 'Kick events claimed before (a retry, another reader or bot process): nothing done.');
export const kickEventsHandled = counter('kick_events_handled_total', 'Kick events handed to every server linked to their channel (none linked included).');
export const kickEventsFailed = counter('kick_events_failed_total', 'Attempts at handing a Kick event over that failed; the event is tried again later.');
export const kickEventsParked = counter('kick_events_parked_total', 'Kick events parked (set aside with their error) after failing too often.');
export const kickWebhookAnswers = new FixedLabelCounter({
	name: `${PREFIX}kick_webhook_answers_total`,
	help: 'Answers to Kick webhook deliveries, by HTTP status (503 shed for load is counted apart).',
	label: 'status',
	values: [200, 400, 401, 404, 413, 503]
});
export const kickWebhookShed = counter(
	'kick_webhook_shed_total',
	'Kick webhook deliveries refused with 503 and Retry-After because too many were in flight (KICK_WEBHOOK_MAX_IN_FLIGHT).'
);
export const kickChatSendFailures = counter('kick_chat_send_failures_total', 'Attempts at posting in a Kick chat that failed (retried ones included).');

// -- What the bot posts.
export const outboxMessages = labelledCounter(
	'outbox_messages_total',
	'Outbox messages ended by this process, by destination (unknown: left by a stopped process and closed here) and outcome (expired: not sent in time; dropped: too many waiting; interrupted: cut short by a stop, maybe sent).',
	['destination', 'outcome']
);

// -- Discord.
export const discordRateLimited = labelledCounter(
	'discord_rest_rate_limited_total',
	'Discord REST answers with status 429, by the scope Discord gave (user, global, shared).',
	['scope']
);
export const discordRateLimitWaits = counter(
	'discord_rest_rate_limit_waits_total',
	'Discord REST requests discord.js held back to respect a rate limit it knew of.'
);

// -- Scheduled tasks.
export const scheduledTaskRuns = labelledCounter('scheduled_task_runs_total', 'Scheduled task runs started, by task.', ['task']);
export const scheduledTaskFailures = labelledCounter('scheduled_task_failures_total', 'Scheduled task runs that threw, by task.', ['task']);
export const scheduledTaskLag = new Histogram({
	name: `${PREFIX}scheduled_task_lag_seconds`,
	help: 'How late a repeating task started after its due time, by task.',
	labelNames: ['task'],
	buckets: [0.05, 0.25, 1, 5, 15, 60, 300],
	registers: [metricsRegistry]
});
export const scheduledTaskDuration = new Histogram({
	name: `${PREFIX}scheduled_task_duration_seconds`,
	help: 'How long successful scheduled task runs took, by task.',
	labelNames: ['task'],
	buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300],
	registers: [metricsRegistry]
});

// -- Settings.
export const settingsCacheHits = counter('settings_cache_hits_total', 'Reads of a server’s settings answered from the cache (no query).');
export const settingsCacheMisses = counter(
	'settings_cache_misses_total',
	'Loads of a server’s settings from the database (a miss; concurrent readers share one).'
);

// -- Errors of the services the bot depends on.
export type DatabaseErrorKind = 'connection' | 'statement';
export const databaseErrors = labelledCounter(
	'database_errors_total',
	'Database statements that failed: connection (the database could not be reached or dropped the connection) or statement (it refused the statement).',
	['kind']
);
export type RedisConnectionName = 'shared' | 'dashboard' | 'overlays' | 'tasks' | 'readiness';
export const redisErrors = labelledCounter(
	'redis_errors_total',
	'Errors of the bot’s Redis connections (a lost connection, a refused command), by connection.',
	['connection']
);

/** Counts one error of a Redis connection; passed as its `error` listener. */
export function redisErrorCounter(connection: RedisConnectionName): () => void {
	const child = redisErrors.labels(connection);
	return () => child.inc();
}

/** Messages not yet ended for one destination, read when Prometheus scrapes. */
export interface OutboxDepth {
	readonly destination: string;
	readonly messages: number;
}

/** Where the gauges read their numbers when Prometheus scrapes; filled by the parts that own them. */
export const scrapeSources: {
	/** Webhook deliveries this process is taking in. */
	webhooksInFlight: () => number;
	/** Discord servers this process serves. */
	guilds: () => number;
	/** The outbox's messages waiting or being sent, in the whole deployment. */
	outboxDepth: () => Promise<readonly OutboxDepth[]>;
} = { webhooksInFlight: () => 0, guilds: () => 0, outboxDepth: async () => [] };

new Gauge({
	name: `${PREFIX}kick_webhook_in_flight`,
	help: 'Kick webhook deliveries this process is taking in (from the request to the event handed over).',
	registers: [metricsRegistry],
	collect() {
		this.set(scrapeSources.webhooksInFlight());
	}
});
new Gauge({
	name: `${PREFIX}discord_guilds`,
	help: 'Discord servers this process serves.',
	registers: [metricsRegistry],
	collect() {
		this.set(scrapeSources.guilds());
	}
});
new Gauge({
	name: `${PREFIX}outbox_depth`,
	help: 'Outbox messages waiting or being sent, by destination, in the whole deployment (every process reports the same: use max).',
	labelNames: ['destination'],
	registers: [metricsRegistry],
	async collect() {
		this.reset();
		const depths = await outboxDepthNow();
		for (const { destination, messages } of depths ?? []) this.set({ destination }, messages);
	}
});

/** How long one read of the outbox depth serves every scrape, and how long a read may take. */
const OUTBOX_DEPTH_REUSE_MS = 1000;
const OUTBOX_DEPTH_TIMEOUT_MS = 2000;
let outboxDepthRead: { readonly at: number; readonly depths: Promise<readonly OutboxDepth[] | null> } | undefined;

/**
 * The outbox depth, read at most once a second however often Prometheus (or anyone) scrapes; null
 * when the database is away or slow: the gauge is left out, and the other metrics still answer.
 */
function outboxDepthNow(): Promise<readonly OutboxDepth[] | null> {
	const now = Date.now();
	if (outboxDepthRead === undefined || now - outboxDepthRead.at >= OUTBOX_DEPTH_REUSE_MS) {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), OUTBOX_DEPTH_TIMEOUT_MS)));
		const read = scrapeSources.outboxDepth().catch(() => null);
		outboxDepthRead = { at: now, depths: Promise.race([read, timeout]).finally(() => clearTimeout(timer)) };
	}
	return outboxDepthRead.depths;
}
new Gauge({
	name: `${PREFIX}build_info`,
	help: 'The bot’s version (always 1).',
	labelNames: ['version'],
	registers: [metricsRegistry]
}).set({ version: botVersion }, 1);

let processMetricsOn = false;

/** Adds Node's process metrics (CPU, memory, event loop lag, GC, handles) to the registry, once. */
export function collectProcessMetrics(): void {
	if (processMetricsOn) return;
	processMetricsOn = true;
	collectDefaultMetrics({ register: metricsRegistry });
}
