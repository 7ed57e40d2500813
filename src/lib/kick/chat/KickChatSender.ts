import { setTimeout as sleepFor } from 'node:timers/promises';
import { splitChatMessage } from '#lib/kick/chat/splitChatMessage';
import { kickChatSendFailures } from '#lib/metrics/metrics';
import type { DeliveryOutcome, OutboxCourier, OutboxRecord } from '#lib/outbox/OutboxMessage';

/** One part of a message (≤ 500 characters), as it is posted to a server's Kick chat. */
export interface OutgoingChatMessage {
	readonly guildId: string;
	readonly broadcasterUserId: string;
	readonly content: string;
	readonly replyToMessageId?: string;
}

export interface ChatSenderClock {
	now(): number;
	/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
	sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface KickChatSenderOptions {
	/** Posts one part (≤ 500 characters) with the token of that server's channel. */
	readonly send: (message: OutgoingChatMessage) => Promise<{ messageId: string | null }>;
	/** The least time between the starts of two sends to the channel (that server's setting); read before every send. */
	readonly minIntervalMs: (message: OutgoingChatMessage) => number | Promise<number>;
	/** Sends per part in total, retries included (default 3). */
	readonly maxAttempts?: number;
	/** The wait after failed attempt number `attempt` (default 1 s, 2 s, 4 s…, or the error's `retryAfterMs` when longer). */
	readonly retryDelayMs?: (attempt: number, error: unknown) => number;
	/** Default: the error has `retryable: true` (as KickApiError does for 429, 5xx and network errors). */
	readonly isRetryable?: (error: unknown) => boolean;
	/** Called after each part Kick took. */
	readonly onSent?: (message: OutgoingChatMessage, messageId: string | null) => void;
	readonly clock?: ChatSenderClock;
	/** Where errors thrown by onSent go (default console). */
	readonly logger?: { error(...values: readonly unknown[]): void };
}

interface QueuedMessage {
	readonly record: OutboxRecord;
	readonly claim: () => Promise<boolean>;
	readonly settle: (outcome: DeliveryOutcome) => void;
}

interface ChannelQueue {
	readonly waiting: QueuedMessage[];
	inFlight: boolean;
	/** When the last send to this channel started (clock ms). */
	lastSendStartedAt: number;
	drain: Promise<void> | null;
}

/** The longest interval a server can set (kick_chat_min_interval_ms): a channel idle for longer has nothing to remember. */
const MAX_INTERVAL_MS = 60_000;
const SWEEP_EVERY_MS = 10_000;

const systemClock: ChatSenderClock = {
	now: () => Date.now(),
	// The abort rejection is the only one this promise has, and an aborted sleep just ends early.
	sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => undefined)
};

/**
 * The courier of the outbox's Kick chat messages: one queue per Kick channel (broadcaster user
 * id), sent strictly in order with one message in flight per channel and at least
 * `minIntervalMs` between the starts of two sends (parts and retries included), since Kick
 * publishes no rate limits. Channels do not wait for each other. A message over 500 characters
 * goes out as several parts. A message past its freshness when its turn comes is not sent;
 * otherwise it is claimed (marked as being sent) right before its first part, so it is sent at
 * most once whatever happens to the process.
 */
export class KickChatSender implements OutboxCourier {
	public readonly destination = 'kick_chat';
	private readonly options: KickChatSenderOptions;
	private readonly clock: ChatSenderClock;
	private readonly maxAttempts: number;
	private readonly channels = new Map<string, ChannelQueue>();
	/** Aborted at close: waits end, and what has not started is released. */
	private readonly stopping = new AbortController();
	private accepting = true;
	private lastSweep = Number.NEGATIVE_INFINITY;

	public constructor(options: KickChatSenderOptions) {
		this.options = options;
		this.clock = options.clock ?? systemClock;
		this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
	}

	/** Queues a message for its channel; resolves with what became of it (never rejects). */
	public deliver(record: OutboxRecord, claim: () => Promise<boolean>): Promise<DeliveryOutcome> {
		if (!this.accepting) return Promise.resolve({ status: 'released' });
		this.sweepIdleChannels();
		const key = record.targetId.toString();
		let channel = this.channels.get(key);
		if (channel === undefined) {
			channel = { waiting: [], inFlight: false, lastSendStartedAt: Number.NEGATIVE_INFINITY, drain: null };
			this.channels.set(key, channel);
		}
		const outcome = new Promise<DeliveryOutcome>((settle) => channel.waiting.push({ record, claim, settle }));
		channel.drain ??= this.drain(channel);
		return outcome;
	}

	/** Messages waiting for a channel, the one being sent included; for one channel or all. */
	public waiting(targetId?: bigint): number {
		const count = (channel: ChannelQueue) => channel.waiting.length + (channel.inFlight ? 1 : 0);
		if (targetId !== undefined) {
			const channel = this.channels.get(targetId.toString());
			return channel === undefined ? 0 : count(channel);
		}
		let total = 0;
		for (const channel of this.channels.values()) total += count(channel);
		return total;
	}

	/**
	 * Stops taking messages and keeps sending for up to `graceMs`; then sends under way finish and
	 * every message not yet started is released (it stays in the outbox for the next process).
	 */
	public async close(graceMs: number): Promise<void> {
		this.accepting = false;
		const drained = Promise.all([...this.channels.values()].map((channel) => channel.drain).filter((drain) => drain !== null));
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
		clearTimeout(timer);
		this.stopping.abort();
		for (const channel of this.channels.values()) for (const message of channel.waiting.splice(0)) message.settle({ status: 'released' });
		await Promise.all([...this.channels.values()].map((channel) => channel.drain).filter((drain) => drain !== null));
	}

	private async drain(channel: ChannelQueue): Promise<void> {
		for (let message = channel.waiting.shift(); message !== undefined; message = channel.waiting.shift()) {
			channel.inFlight = true;
			message.settle(await this.send(channel, message));
			channel.inFlight = false;
		}
		channel.drain = null;
	}

	/** Forgets channels idle for longer than any interval, at most once every few seconds: the map holds only channels of the last minute. */
	private sweepIdleChannels(): void {
		const now = this.clock.now();
		if (now - this.lastSweep < SWEEP_EVERY_MS) return;
		this.lastSweep = now;
		for (const [key, channel] of this.channels) {
			if (channel.drain === null && channel.waiting.length === 0 && now - channel.lastSendStartedAt > MAX_INTERVAL_MS) this.channels.delete(key);
		}
	}

	private async send(channel: ChannelQueue, { record, claim }: QueuedMessage): Promise<DeliveryOutcome> {
		if (this.clock.now() >= record.expiresAt.getTime()) return { status: 'expired' };
		const target = { guildId: record.guildId.toString(), broadcasterUserId: record.targetId.toString() };
		if (record.content.trim() === '') return { status: 'failed', error: 'nothing to post (an empty message)', attempts: 0 };
		const parts = splitChatMessage(record.content).map(
			// Only the first part answers the message replied to; the rest follow it.
			(content, index): OutgoingChatMessage =>
				index === 0 && record.replyTo !== undefined ? { ...target, content, replyToMessageId: record.replyTo } : { ...target, content }
		);
		// The first send waits its turn before the claim, so a message never sits claimed for long.
		const interval = await Promise.resolve(parts[0] === undefined ? 0 : this.options.minIntervalMs(parts[0])).catch(() => 0);
		if (!(await this.waitUntil(channel.lastSendStartedAt + interval))) return { status: 'released' };
		if (this.clock.now() >= record.expiresAt.getTime()) return { status: 'expired' };
		// Not marked as being sent (the database is away, say), so not sent: it stays pending for a later take-over.
		const claimed = await claim().catch(() => null);
		if (claimed === null) return { status: 'released' };
		if (!claimed) return { status: 'lost' };
		const messageIds: string[] = [];
		let attempts = 0;
		for (const [index, part] of parts.entries()) {
			const result = await this.sendPart(channel, part);
			attempts += result.attempts;
			if (!result.sent) {
				const where = parts.length > 1 ? `part ${index + 1} of ${parts.length}: ` : '';
				return { status: 'failed', error: `${where}${result.error}`, attempts };
			}
			if (result.messageId !== null) messageIds.push(result.messageId);
		}
		return { status: 'sent', messageIds, attempts };
	}

	private async sendPart(
		channel: ChannelQueue,
		part: OutgoingChatMessage
	): Promise<
		| { readonly sent: true; readonly messageId: string | null; readonly attempts: number }
		| { readonly sent: false; readonly error: string; readonly attempts: number }
	> {
		let attempts = 0;
		let retryAt = Number.NEGATIVE_INFINITY;
		try {
			for (;;) {
				const sendAt = Math.max(channel.lastSendStartedAt + (await this.options.minIntervalMs(part)), retryAt);
				if (!(await this.waitUntil(sendAt))) return { sent: false, error: 'the bot stopped before it could be posted', attempts };
				channel.lastSendStartedAt = this.clock.now();
				attempts += 1;
				try {
					const { messageId } = await this.options.send(part);
					this.notifySent(part, messageId);
					return { sent: true, messageId, attempts };
				} catch (error) {
					kickChatSendFailures.inc();
					if (attempts >= this.maxAttempts || !(this.options.isRetryable ?? isRetryableByDefault)(error))
						return { sent: false, error: describe(error), attempts };
					retryAt = this.clock.now() + (this.options.retryDelayMs ?? defaultRetryDelayMs)(attempts, error);
				}
			}
		} catch (error) {
			// A throwing minIntervalMs, isRetryable or retryDelayMs must not stall the channel.
			return { sent: false, error: describe(error), attempts };
		}
	}

	/** Sleeps until the clock reaches `at`; false when the sender is stopping (at once, without sleeping out the wait). */
	private async waitUntil(at: number): Promise<boolean> {
		const signal = this.stopping.signal;
		for (let now = this.clock.now(); !signal.aborted && now < at; now = this.clock.now()) await this.clock.sleep(at - now, signal);
		return !signal.aborted;
	}

	private notifySent(part: OutgoingChatMessage, messageId: string | null): void {
		try {
			this.options.onSent?.(part, messageId);
		} catch (error) {
			(this.options.logger ?? console).error('Kick chat: the onSent callback threw:', error);
		}
	}
}

function isRetryableByDefault(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/** 1 s, 2 s, 4 s… after attempts 1, 2, 3…, or longer when the error carries a Retry-After as `retryAfterMs`. */
export function defaultRetryDelayMs(attempt: number, error: unknown): number {
	const backoff = 1000 * 2 ** (attempt - 1);
	const retryAfter = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
	return typeof retryAfter === 'number' && Number.isFinite(retryAfter) ? Math.max(backoff, retryAfter) : backoff;
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
