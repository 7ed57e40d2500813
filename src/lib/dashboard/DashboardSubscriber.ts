import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import type { GuildId } from '#lib/database/GuildId';
import {
	dashboardChannelPattern,
	verifyDashboardMessage,
	type DashboardArea,
	type RefusalReason,
	type VerifiedDashboardMessage
} from '#lib/dashboard/protocol';
import { ReplayGuard } from '#lib/dashboard/ReplayGuard';
import { redisErrorCounter } from '#lib/metrics/metrics';
import { redactUrl, redisOptionsFromUrl } from '#lib/startup/redis';

/** What a handler gets: one server's id and the message's data. Nothing else names a server. */
export interface DashboardMessage<Data = Readonly<Record<string, unknown>>> {
	readonly guildId: GuildId;
	readonly area: DashboardArea;
	readonly action: string;
	readonly data: Data;
}

/** Something that acts on one (area, action); the `dashboard-actions` store's pieces are these. */
export interface DashboardHandler {
	readonly name: string;
	/** When set, `data` must fit it (the handler gets the parsed value); otherwise this handler is skipped and the refusal logged. */
	readonly dataSchema?: z.ZodType | undefined;
	run(message: DashboardMessage<unknown>): unknown;
}

/** The handlers registered for an (area, action); empty when none. */
export type DashboardHandlerLookup = (area: DashboardArea, action: string) => readonly DashboardHandler[];

export interface DashboardLogger {
	debug(...values: readonly unknown[]): void;
	info(...values: readonly unknown[]): void;
	warn(...values: readonly unknown[]): void;
	error(...values: readonly unknown[]): void;
}

/** What became of one received message; every refusal, ignored message and failure is also logged. */
export type DashboardOutcome =
	| {
			readonly status: 'handled';
			readonly channel: string;
			readonly raw: string;
			readonly message: VerifiedDashboardMessage;
			/** Handlers that ran to completion. */
			readonly handled: readonly string[];
			/** Handlers that threw, or refused the data. */
			readonly failed: readonly string[];
	  }
	| {
			readonly status: 'ignored';
			readonly reason: 'unknown_action';
			readonly channel: string;
			readonly raw: string;
			readonly message: VerifiedDashboardMessage;
	  }
	| { readonly status: 'refused'; readonly reason: RefusalReason; readonly detail: string; readonly channel: string; readonly raw: string }
	/** Something outside the handlers threw while this message was handled (the error's message in detail). */
	| { readonly status: 'failed'; readonly detail: string; readonly channel: string; readonly raw: string };

export interface DashboardSubscriberOptions {
	readonly redisUrl: string;
	readonly secret: string;
	/** This deployment's REDIS_KEY_PREFIX: it listens on this deployment's channels only. */
	readonly keyPrefix: string;
	/** The areas this bot handles (the core's and its plugins'). */
	readonly areas: readonly DashboardArea[];
	readonly maxAgeSeconds: number;
	readonly logger: DashboardLogger;
	readonly handlers: DashboardHandlerLookup;
	/** Milliseconds since the epoch; Date.now by default. */
	readonly now?: () => number;
	/** Called once per received message, after its handlers finished. */
	readonly onOutcome?: (outcome: DashboardOutcome) => void;
	/** Delay before reconnection attempt n (1, 2, ...); exponential from 100 ms up to 10 s with jitter by default. */
	readonly retryDelayMs?: (attempt: number) => number;
}

function defaultRetryDelay(attempt: number): number {
	const base = Math.min(100 * 2 ** Math.min(attempt - 1, 10), 10_000);
	return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Listens to its deployment's dashboard channels (`dashboard:*` for the default REDIS_KEY_PREFIX,
 * `<prefix>:dashboard:*` for another) on its own Redis connection and hands every message that passes
 * verifyDashboardMessage and the replay check to the handlers of its (area, action), with the
 * message's server id only. Redis going away later never stops the bot: the connection comes
 * back with backoff and subscribes again (messages published meanwhile are missed; cached
 * settings still expire by their TTL). Messages of one server are handled in order; servers
 * do not wait for each other.
 */
export class DashboardSubscriber {
	/** The Redis client name (CLIENT LIST), unique per subscriber. */
	public readonly connectionName = `kickbot-dashboard-subscriber-${process.pid}-${randomBytes(4).toString('hex')}`;
	private readonly redis: Redis;
	private readonly pattern: string;
	private readonly replays: ReplayGuard;
	private readonly now: () => number;
	/** The tail of each server's queue of messages being handled. */
	private readonly queues = new Map<GuildId, Promise<unknown>>();
	private readonly inFlight = new Set<Promise<unknown>>();
	private subscriptions = 0;
	private readonly subscriptionWaiters = new Set<{ readonly count: number; readonly resolve: () => void }>();
	private listening = false;
	private outageReported = false;
	private started = false;
	private closed = false;

	public constructor(private readonly options: DashboardSubscriberOptions) {
		this.now = options.now ?? Date.now;
		this.pattern = dashboardChannelPattern(options.keyPrefix);
		this.replays = new ReplayGuard(options.maxAgeSeconds);
		const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
		this.redis = new Redis({
			...redisOptionsFromUrl(options.redisUrl),
			lazyConnect: true,
			connectionName: this.connectionName,
			// Subscribed again by hand at every 'ready', so the subscription is known to be in place.
			autoResubscribe: false,
			maxRetriesPerRequest: null,
			retryStrategy: (attempt) => (this.closed ? null : retryDelay(attempt))
		});
		// receive() never rejects, so no message can end the process from here.
		this.redis.on('pmessage', (_pattern: string, channel: string, text: string) => void this.receive(channel, text));
		this.redis.on('ready', () => void this.subscribe());
		this.redis.on('error', (error: Error) => this.reportOutage(error.message));
		this.redis.on('error', redisErrorCounter('dashboard'));
		this.redis.on('close', () => {
			if (this.listening && !this.closed) this.reportOutage('connection closed');
			this.listening = false;
		});
	}

	/** How many times the subscription has been (re)established; a reconnection makes it grow. */
	public get subscriptionCount(): number {
		return this.subscriptions;
	}

	/** True while subscribed. */
	public get isListening(): boolean {
		return this.listening;
	}

	/**
	 * Connects and subscribes. Never rejects: when Redis is unreachable the connection keeps
	 * retrying in the background; the returned promise resolves at the first subscription.
	 */
	public start(): Promise<void> {
		if (!this.started && !this.closed) {
			this.started = true;
			this.redis.connect().catch(() => undefined);
		}
		return this.waitForSubscription(1);
	}

	/** Resolves once the subscription has been established `count` times in all. */
	public waitForSubscription(count: number): Promise<void> {
		if (this.subscriptions >= count) return Promise.resolve();
		return new Promise((resolve) => this.subscriptionWaiters.add({ count, resolve }));
	}

	/** Stops listening, waits for the handlers still running, closes the connection. */
	public async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.listening = false;
		this.redis.disconnect();
		await Promise.allSettled([...this.inFlight]);
	}

	/**
	 * Verifies one message as received on `channel` and dispatches it. Used by the Redis
	 * listener; public so the checks can be exercised without Redis. Never rejects: whatever
	 * one message makes throw is logged and becomes its outcome, and the next is handled as usual.
	 */
	public receive(channel: string, raw: string): Promise<DashboardOutcome> {
		const work = this.settle(channel, raw);
		this.inFlight.add(work);
		void work.finally(() => this.inFlight.delete(work));
		return work;
	}

	private async settle(channel: string, raw: string): Promise<DashboardOutcome> {
		let outcome: DashboardOutcome;
		try {
			outcome = await this.process(channel, raw);
		} catch (error) {
			this.options.logger.error(`Dashboard message on ${JSON.stringify(channel)} could not be handled:`, error);
			outcome = { status: 'failed', detail: error instanceof Error ? error.message : String(error), channel, raw };
		}
		try {
			this.options.onOutcome?.(outcome);
		} catch (error) {
			this.options.logger.error('Dashboard messages: the outcome callback threw:', error);
		}
		return outcome;
	}

	private async process(channel: string, raw: string): Promise<DashboardOutcome> {
		const nowMs = this.now();
		const verification = verifyDashboardMessage(channel, raw, {
			secret: this.options.secret,
			keyPrefix: this.options.keyPrefix,
			areas: this.options.areas,
			maxAgeSeconds: this.options.maxAgeSeconds,
			nowMs
		});
		if (!verification.ok) {
			const about = [
				verification.serverId === undefined ? undefined : `server ${verification.serverId}`,
				verification.action === undefined ? undefined : `action ${JSON.stringify(verification.action)}`
			].filter((part) => part !== undefined);
			this.options.logger.warn(
				`Dashboard message refused on ${JSON.stringify(channel)}${about.length > 0 ? ` (${about.join(', ')})` : ''}: ${verification.reason}: ${verification.detail}.`
			);
			return { status: 'refused', reason: verification.reason, detail: verification.detail, channel, raw };
		}
		const { message } = verification;
		const label = `${message.area}/${message.action} for server ${message.guildId}`;
		if (!this.replays.remember(message.sig, message.timestamp, nowMs)) {
			const detail = 'this signature was already received (each signed message is acted on once)';
			this.options.logger.warn(
				`Dashboard message refused on ${JSON.stringify(channel)} (server ${message.guildId}, action "${message.action}"): replayed: ${detail}.`
			);
			return { status: 'refused', reason: 'replayed', detail, channel, raw };
		}
		const handlers = this.options.handlers(message.area, message.action);
		if (handlers.length === 0) {
			this.options.logger.warn(`Dashboard message ${label} ignored: no plugin handles the action "${message.action}" on ${channel}.`);
			return { status: 'ignored', reason: 'unknown_action', channel, raw, message };
		}
		const { handled, failed } = await this.inOrderForServer(message.guildId, () => this.dispatch(message, handlers, label));
		if (failed.length === 0) this.options.logger.info(`Dashboard message ${label}: handled by ${handled.join(', ')}.`);
		return { status: 'handled', channel, raw, message, handled, failed };
	}

	private inOrderForServer<T>(guildId: GuildId, work: () => Promise<T>): Promise<T> {
		const previous = this.queues.get(guildId) ?? Promise.resolve();
		const current = previous.then(work);
		const tail = current.catch(() => undefined);
		this.queues.set(guildId, tail);
		void tail.then(() => {
			if (this.queues.get(guildId) === tail) this.queues.delete(guildId);
		});
		return current;
	}

	private async dispatch(
		message: VerifiedDashboardMessage,
		handlers: readonly DashboardHandler[],
		label: string
	): Promise<{ handled: string[]; failed: string[] }> {
		const handled: string[] = [];
		const failed: string[] = [];
		const data = deepFreeze(structuredClone(message.data));
		await Promise.all(
			handlers.map(async (handler) => {
				try {
					let handlerData: unknown = data;
					if (handler.dataSchema !== undefined) {
						// Inside the try: a schema's own refinements and transforms may throw.
						const parsed = handler.dataSchema.safeParse(data);
						if (!parsed.success) {
							const issue = parsed.error.issues[0]!;
							this.options.logger.warn(
								`Dashboard message ${label} refused by ${handler.name}: data${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}.`
							);
							failed.push(handler.name);
							return;
						}
						handlerData = parsed.data;
					}
					await handler.run(Object.freeze({ guildId: message.guildId, area: message.area, action: message.action, data: handlerData }));
					handled.push(handler.name);
				} catch (error) {
					this.options.logger.error(`Dashboard message ${label}: ${handler.name} failed:`, error);
					failed.push(handler.name);
				}
			})
		);
		return { handled: handled.sort(), failed: failed.sort() };
	}

	private async subscribe(): Promise<void> {
		if (this.closed) return;
		try {
			await this.redis.psubscribe(this.pattern);
		} catch (error) {
			// Connected but refused (an ACL without pub/sub rights, say): reconnecting would not help.
			if (!this.closed && this.redis.status === 'ready') {
				this.options.logger.error(
					`Dashboard messages: Redis refused PSUBSCRIBE ${this.pattern} (${(error as Error).message}); dashboard messages stay off until the bot restarts.`
				);
			}
			return;
		}
		if (this.closed) return;
		const again = this.subscriptions > 0;
		this.subscriptions += 1;
		this.listening = true;
		this.outageReported = false;
		this.options.logger.info(
			again
				? `Dashboard messages: Redis is back; listening on ${this.pattern} again (messages published while it was away were missed).`
				: `Dashboard messages: listening on ${this.pattern} at ${redactUrl(this.options.redisUrl)}.`
		);
		for (const waiter of this.subscriptionWaiters) {
			if (this.subscriptions >= waiter.count) {
				this.subscriptionWaiters.delete(waiter);
				waiter.resolve();
			}
		}
	}

	/** One warning per outage, not one per reconnection attempt. */
	private reportOutage(reason: string): void {
		if (this.closed || this.outageReported) return;
		this.outageReported = true;
		const where = redactUrl(this.options.redisUrl);
		this.options.logger.warn(
			this.subscriptions === 0
				? `Dashboard messages: cannot reach Redis at ${where} (${reason}); retrying with backoff. The bot keeps running.`
				: `Dashboard messages: lost Redis at ${where} (${reason}); reconnecting with backoff. The bot keeps running; cached settings still expire by their TTL.`
		);
	}
}

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}
