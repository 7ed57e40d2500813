import { PeriodicFlush, type GuildContext } from '#core';

/** The server's chat line counter in its shared state: every bot process adds its lines to it. */
export const CHAT_LINES_KEY = 'timed-messages:chat-lines';

/** Counted lines go to Redis this often: a flush costs a command per server with chat, and timers count lines between posts minutes apart. */
export const FLUSH_EVERY_MS = 5_000;

/** What counting needs of a server's context. */
export type CountingContext = Pick<GuildContext, 'guildId' | 'shared'>;

interface ServerLines {
	context: CountingContext;
	lines: number;
}

export interface ChatLineCounterOptions {
	/** How often counted lines go to Redis; every FLUSH_EVERY_MS by default. */
	readonly flushEveryMs?: number;
	/** A flush that failed (Redis away): its lines are kept for the next one. */
	readonly onFlushError?: (error: unknown) => void;
}

/**
 * Chat lines per server, counted in this process (a map update per message, no I/O) and added to
 * each server's shared counter every 5 seconds: one INCRBY per server with lines, the servers'
 * commands in one round trip to Redis. Two processes receiving one server's chat add to the same
 * counter, so their lines sum.
 */
export class ChatLineCounter {
	private pending = new Map<bigint, ServerLines>();
	private readonly flusher: PeriodicFlush;

	public constructor(options: ChatLineCounterOptions = {}) {
		this.flusher = new PeriodicFlush(() => this.flushCounted(), options.flushEveryMs ?? FLUSH_EVERY_MS, options.onFlushError);
	}

	/** Counts `lines` chat lines of a server; the flusher starts with the first one. */
	public record(context: CountingContext, lines = 1): void {
		const server = this.pending.get(context.guildId);
		if (server === undefined) this.pending.set(context.guildId, { context, lines });
		else server.lines += lines;
		this.flusher.wake();
	}

	/** Adds what was counted so far to the shared counters; resolves once they hold it (rejects when Redis refused, keeping it). */
	public flush(): Promise<void> {
		return this.flusher.flush();
	}

	/** Stops the flusher after adding what is counted. */
	public async close(): Promise<void> {
		await this.flusher.close();
	}

	private async flushCounted(): Promise<void> {
		if (this.pending.size === 0) return;
		const batch = [...this.pending.values()];
		this.pending = new Map();
		// Issued in one turn of the event loop: the shared state sends them to Redis together.
		const results = await Promise.allSettled(batch.map((server) => server.context.shared.increment(CHAT_LINES_KEY, server.lines)));
		const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [{ server: batch[index]!, error: result.reason as unknown }] : []));
		for (const { server } of failed) this.record(server.context, server.lines);
		if (failed.length > 0) throw failed[0]!.error;
	}
}

/** The server's chat lines counted so far by every process (0 when Redis has none). */
export async function readChatLines(context: CountingContext): Promise<number> {
	const value = Number(await context.shared.get(CHAT_LINES_KEY));
	return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * Lines since a timer's last post: the counter minus its mark. A counter below the mark was lost
 * (Redis emptied) and counts from 0 again.
 */
export function linesSince(counter: number, mark: number | null): number {
	if (mark === null || counter < mark) return counter;
	return counter - mark;
}
