import { PeriodicFlush, type GuildContext } from '#core';
import { LinkedAccounts } from './LinkedAccounts.js';
import { PRESENCE_KEY, PRESENCE_TTL_MS, presenceMember } from './presence.js';

/**
 * Chatters go to Redis this often: a flush costs two commands per server with chat whatever it
 * carries, and presence counts over minutes (PRESENCE_WINDOW_MS), so seconds of delay change no count.
 */
export const FLUSH_EVERY_MS = 5_000;

/** What presence needs of a server's context. */
export type PresenceContext = Pick<GuildContext, 'guildId' | 'db' | 'shared'>;

/** One account's latest message since the last flush (changed in place while it keeps chatting). */
interface Chatter {
	username: string;
	at: number;
}

interface ServerChatters {
	context: PresenceContext;
	/** Kick user id → the account's latest message. */
	readonly chatters: Map<string, Chatter>;
}

export interface ChatPresenceOptions {
	/** How often recorded chatters go to Redis; every FLUSH_EVERY_MS by default. */
	readonly flushEveryMs?: number;
	/** How long a server's links are used before they are read again; 5 minutes by default. */
	readonly linksTtlMs?: number;
	readonly now?: () => number;
	/** A flush that failed (Redis away): its chatters are kept for the next one. */
	readonly onFlushError?: (error: unknown) => void;
	/** A server's links could not be read: its chatters count as their own Kick accounts until the next read. */
	readonly onLinksError?: (guildId: bigint, error: unknown) => void;
}

/**
 * Who chatted, gathered in this process and pushed to each server's shared presence set about
 * every 5 seconds: recording a message is a map update (no I/O), and a flush is one ZADD per server
 * with all its chatters, the servers' commands in one round trip to Redis. Identity is settled at
 * the flush, from the server's links: a linked member counts as themself whatever account they chat from.
 */
export class ChatPresence {
	private pending = new Map<bigint, ServerChatters>();
	private readonly links: LinkedAccounts;
	private readonly flusher: PeriodicFlush;
	private readonly now: () => number;

	public constructor(options: ChatPresenceOptions = {}) {
		this.flusher = new PeriodicFlush(() => this.flushRecorded(), options.flushEveryMs ?? FLUSH_EVERY_MS, options.onFlushError);
		this.now = options.now ?? Date.now;
		this.links = new LinkedAccounts({
			ttlMs: options.linksTtlMs ?? 5 * 60_000,
			now: this.now,
			onLoadError: (guildId, error) => options.onLinksError?.(guildId, error)
		});
	}

	/** Records that a Kick account chatted in a server at `at` (ms); the flusher starts with the first one. */
	public record(context: PresenceContext, kickUserId: string, username: string, at: number): void {
		let server = this.pending.get(context.guildId);
		if (server === undefined) this.pending.set(context.guildId, (server = { context, chatters: new Map() }));
		else server.context = context;
		const chatter = server.chatters.get(kickUserId);
		if (chatter === undefined) server.chatters.set(kickUserId, { username, at });
		else if (at >= chatter.at) {
			chatter.username = username;
			chatter.at = at;
		}
		this.flusher.wake();
	}

	/** Pushes everything recorded so far to Redis; resolves once it is there (rejects when Redis refused, keeping it for the next flush). */
	public flush(): Promise<void> {
		return this.flusher.flush();
	}

	/** Stops the flusher after pushing what is recorded. */
	public async close(): Promise<void> {
		await this.flusher.close();
	}

	private async flushRecorded(): Promise<void> {
		if (this.pending.size === 0) return;
		const batch = [...this.pending.values()];
		this.pending = new Map();
		const lookups = await Promise.all(batch.map((server) => this.links.of(server.context)));
		// Issued in one turn of the event loop: the shared state sends them to Redis together.
		const writes = batch.map((server, index) => {
			const linkOf = lookups[index]!;
			const members: string[] = [];
			const scores: number[] = [];
			for (const [kickUserId, chatter] of server.chatters) {
				const link = linkOf(kickUserId, chatter.username);
				members.push(
					link === null
						? presenceMember(`k:${kickUserId}`, kickUserId, chatter.username.toLowerCase())
						: presenceMember(`m:${link.discordId}`, kickUserId, link.username)
				);
				scores.push(chatter.at);
			}
			return server.context.shared.raiseScores(PRESENCE_KEY, members, scores, PRESENCE_TTL_MS);
		});
		const results = await Promise.allSettled(writes);
		const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [{ server: batch[index]!, error: result.reason as unknown }] : []));
		for (const { server } of failed) this.putBack(server);
		if (failed.length > 0) throw failed[0]!.error;
	}

	/** A server's chatters whose flush failed go back, merged with those recorded since (the latest message of each account wins). */
	private putBack(server: ServerChatters): void {
		for (const [kickUserId, chatter] of server.chatters) this.record(server.context, kickUserId, chatter.username, chatter.at);
	}
}
