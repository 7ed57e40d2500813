import { setTimeout as sleepFor } from 'node:timers/promises';
import { splitChatMessage } from '#lib/kick/chat/splitChatMessage';

/** A message for one server's Kick chat, as the features hand it over (any length). */
export interface OutgoingChatMessage {
	readonly guildId: string;
	readonly broadcasterUserId: string;
	readonly content: string;
	readonly replyToMessageId?: string;
}

/** A part that could not be posted; the caller records it and shows it to the server's moderators. */
export interface ChatSendFailure {
	readonly guildId: string;
	readonly broadcasterUserId: string;
	readonly content: string;
	/** Sends tried (0 when the part was dropped or the bot stopped before its first send). */
	readonly attempts: number;
	readonly error: string;
	readonly failedAt: Date;
}

/** What became of the parts of one enqueued message. */
export interface ChatSendOutcome {
	readonly sent: number;
	readonly failed: number;
	/** The ids Kick gave the sent parts, in order (a part Kick gave no id to is left out). */
	readonly messageIds: readonly string[];
}

export interface ChatSenderClock {
	now(): number;
	/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
	sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface ChatSenderLogger {
	error(...values: readonly unknown[]): void;
}

export interface KickChatSenderOptions {
	/** Posts one part (≤ 500 characters) with the token of that server's channel. */
	readonly send: (message: OutgoingChatMessage) => Promise<{ messageId: string | null }>;
	/** The least time between the starts of two sends to the channel; read before every send. */
	readonly minIntervalMs: (broadcasterUserId: string) => number;
	/** Sends per part in total, retries included (default 3). */
	readonly maxAttempts?: number;
	/** The wait after failed attempt number `attempt` (default 1 s, 2 s, 4 s…, or the error's `retryAfterMs` when longer). */
	readonly retryDelayMs?: (attempt: number, error: unknown) => number;
	/** Default: the error has `retryable: true` (as KickApiError does for 429, 5xx and network errors). */
	readonly isRetryable?: (error: unknown) => boolean;
	readonly onSent?: (message: OutgoingChatMessage, messageId: string | null) => void;
	readonly onFailed: (failure: ChatSendFailure) => void | Promise<void>;
	readonly clock?: ChatSenderClock;
	/** Parts waiting per channel, not counting the one being sent (default 100); beyond it the oldest waiting part is dropped. */
	readonly maxQueueLength?: number;
	/** Where errors thrown by onSent and onFailed go (default console). */
	readonly logger?: ChatSenderLogger;
}

const BOT_STOPPING = 'bot stopping';
const QUEUE_FULL = 'queue full';

type PartResult = { readonly sent: true; readonly messageId: string | null } | { readonly sent: false };

interface QueuedPart {
	readonly message: OutgoingChatMessage;
	readonly settle: (result: PartResult) => void;
}

interface ChannelQueue {
	readonly waiting: QueuedPart[];
	inFlight: boolean;
	/** When the last send to this channel started (clock ms). */
	lastSendStartedAt: number;
	drain: Promise<void> | null;
}

const systemClock: ChatSenderClock = {
	now: () => Date.now(),
	// The abort rejection is the only one this promise has, and an aborted sleep just ends early.
	sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => undefined)
};

/**
 * The bot's outgoing Kick chat: one queue per Kick channel (broadcaster user id), sent strictly
 * in order with one send in flight per channel and at least `minIntervalMs` between the starts
 * of two sends (retries included), since Kick publishes no rate limits. Channels do not wait
 * for each other. Messages over 500 characters go out as several parts; failures never throw
 * out of `enqueue`, they are reported through `onFailed` and counted in the outcome.
 */
export class KickChatSender {
	private readonly options: KickChatSenderOptions;
	private readonly clock: ChatSenderClock;
	private readonly maxAttempts: number;
	private readonly maxQueueLength: number;
	private readonly logger: ChatSenderLogger;
	private readonly channels = new Map<string, ChannelQueue>();
	private readonly reports = new Set<Promise<void>>();
	private readonly stopping = new AbortController();
	private closing: Promise<void> | null = null;

	public constructor(options: KickChatSenderOptions) {
		this.options = options;
		this.clock = options.clock ?? systemClock;
		this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
		this.maxQueueLength = Math.max(0, options.maxQueueLength ?? 100);
		this.logger = options.logger ?? console;
	}

	/** Queues the message (split into parts if needed); resolves once every part is sent or has failed. */
	public async enqueue(message: OutgoingChatMessage): Promise<ChatSendOutcome> {
		const { replyToMessageId, ...target } = message;
		const parts = splitChatMessage(message.content).map(
			// Only the first part answers the message replied to; the rest follow it.
			(content, index): OutgoingChatMessage => (index === 0 && replyToMessageId !== undefined ? { ...target, content, replyToMessageId } : { ...target, content })
		);
		const results = await Promise.all(parts.map((part) => this.queuePart(part)));
		const messageIds = results.flatMap((result) => (result.sent && result.messageId !== null ? [result.messageId] : []));
		const sent = results.filter((result) => result.sent).length;
		return { sent, failed: results.length - sent, messageIds };
	}

	/** Parts not yet sent or failed, the one being sent included; for one channel or all. */
	public pending(broadcasterUserId?: string): number {
		const count = (channel: ChannelQueue) => channel.waiting.length + (channel.inFlight ? 1 : 0);
		if (broadcasterUserId !== undefined) {
			const channel = this.channels.get(broadcasterUserId);
			return channel === undefined ? 0 : count(channel);
		}
		let total = 0;
		for (const channel of this.channels.values()) total += count(channel);
		return total;
	}

	/**
	 * Stops accepting messages: sends already under way finish, every other part (waiting, or
	 * waiting to be retried) fails with "bot stopping". Resolves when nothing is left running.
	 */
	public close(): Promise<void> {
		this.closing ??= this.shutDown();
		return this.closing;
	}

	private async shutDown(): Promise<void> {
		this.stopping.abort();
		for (const channel of this.channels.values()) {
			for (const part of channel.waiting.splice(0)) {
				this.reportFailure(part.message, 0, BOT_STOPPING);
				part.settle({ sent: false });
			}
		}
		await Promise.all([...this.channels.values()].map((channel) => channel.drain));
		await Promise.allSettled([...this.reports]);
	}

	private queuePart(message: OutgoingChatMessage): Promise<PartResult> {
		if (this.stopping.signal.aborted) {
			this.reportFailure(message, 0, BOT_STOPPING);
			return Promise.resolve({ sent: false });
		}
		let channel = this.channels.get(message.broadcasterUserId);
		if (channel === undefined) {
			channel = { waiting: [], inFlight: false, lastSendStartedAt: Number.NEGATIVE_INFINITY, drain: null };
			this.channels.set(message.broadcasterUserId, channel);
		}
		const result = new Promise<PartResult>((settle) => channel.waiting.push({ message, settle }));
		// Started first so that on an idle channel the part goes in flight at once and does not count as waiting.
		channel.drain ??= this.drain(channel);
		while (channel.waiting.length > this.maxQueueLength) {
			const dropped = channel.waiting.shift()!;
			this.reportFailure(dropped.message, 0, QUEUE_FULL);
			dropped.settle({ sent: false });
		}
		return result;
	}

	private async drain(channel: ChannelQueue): Promise<void> {
		for (let part = channel.waiting.shift(); part !== undefined; part = channel.waiting.shift()) {
			channel.inFlight = true;
			const result = await this.deliver(channel, part.message);
			channel.inFlight = false;
			part.settle(result);
		}
		channel.drain = null;
	}

	private async deliver(channel: ChannelQueue, message: OutgoingChatMessage): Promise<PartResult> {
		let attempts = 0;
		let retryAt = Number.NEGATIVE_INFINITY;
		try {
			for (;;) {
				const sendAt = Math.max(channel.lastSendStartedAt + this.options.minIntervalMs(message.broadcasterUserId), retryAt);
				if (!(await this.waitUntil(sendAt))) {
					this.reportFailure(message, attempts, BOT_STOPPING);
					return { sent: false };
				}
				channel.lastSendStartedAt = this.clock.now();
				attempts += 1;
				try {
					const { messageId } = await this.options.send(message);
					this.callback('onSent', () => this.options.onSent?.(message, messageId));
					return { sent: true, messageId };
				} catch (error) {
					if (attempts >= this.maxAttempts || !(this.options.isRetryable ?? isRetryableByDefault)(error)) {
						this.reportFailure(message, attempts, describe(error));
						return { sent: false };
					}
					retryAt = this.clock.now() + (this.options.retryDelayMs ?? defaultRetryDelayMs)(attempts, error);
				}
			}
		} catch (error) {
			// A throwing minIntervalMs, isRetryable or retryDelayMs must not stall the channel.
			this.reportFailure(message, attempts, describe(error));
			return { sent: false };
		}
	}

	/** Sleeps until the clock reaches `at`; false when the sender is closing (at once, without sleeping out the wait). */
	private async waitUntil(at: number): Promise<boolean> {
		const signal = this.stopping.signal;
		for (let now = this.clock.now(); !signal.aborted && now < at; now = this.clock.now()) await this.clock.sleep(at - now, signal);
		return !signal.aborted;
	}

	private reportFailure(message: OutgoingChatMessage, attempts: number, error: string): void {
		const failure: ChatSendFailure = {
			guildId: message.guildId,
			broadcasterUserId: message.broadcasterUserId,
			content: message.content,
			attempts,
			error,
			failedAt: new Date(this.clock.now())
		};
		const report = this.callback('onFailed', () => this.options.onFailed(failure));
		if (report instanceof Promise) {
			const settled = report.catch((reason: unknown) => this.logger.error('Kick chat: the onFailed callback failed:', reason));
			this.reports.add(settled);
			void settled.finally(() => this.reports.delete(settled));
		}
	}

	private callback<T>(name: string, run: () => T): T | undefined {
		try {
			return run();
		} catch (error) {
			this.logger.error(`Kick chat: the ${name} callback threw:`, error);
			return undefined;
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
