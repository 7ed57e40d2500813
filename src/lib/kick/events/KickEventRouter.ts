import type { Database } from '#lib/database/Database';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { KickEvent } from '#lib/kick/events/KickEvent';
import { LISTENER_EVENT_OF } from '#lib/kick/events/KickListenerEvents';

export type RouteOutcome = { readonly outcome: 'routed'; readonly guildIds: readonly bigint[] } | { readonly outcome: 'duplicate' | 'unlinked' };

export interface KickEventRouterOptions {
	readonly database: Database;
	readonly loadContext: (guildId: bigint) => Promise<GuildContext>;
	/** Emits the Sapphire listener event for one server. */
	readonly emit: (name: string, event: KickEvent, context: GuildContext) => void;
	readonly onServerFailure: (guildId: bigint, event: KickEvent, error: unknown) => void;
	readonly now?: () => number;
}

/** Which servers follow a channel is read again after this long (a link made by another bot process shows up within it). */
const LINKS_TTL_MS = 10_000;
/** `last_event_at` is written at most this often per server: it is for /kick status, not a write per chat message. */
const LAST_EVENT_WRITE_INTERVAL_MS = 30_000;

/**
 * Takes one Kick event from either reader and hands it to every server linked to its channel,
 * and to no other: claimed once (across readers, retries and bot processes), then one listener
 * event per server carrying that server's context.
 */
export class KickEventRouter {
	private readonly links = new Map<bigint, { readonly guildIds: Promise<bigint[]>; readonly expiresAt: number }>();
	private readonly lastEventWritten = new Map<bigint, number>();
	private readonly now: () => number;

	public constructor(private readonly options: KickEventRouterOptions) {
		this.now = options.now ?? Date.now;
	}

	/** A server was linked to or unlinked from a channel in this process: read the links again. */
	public forgetLinks(broadcasterUserId?: bigint): void {
		if (broadcasterUserId === undefined) this.links.clear();
		else this.links.delete(broadcasterUserId);
	}

	/** `claimed`: the caller already claimed `event.eventKey` (the webhook route claims the delivery before answering). */
	public async route(event: KickEvent, { claimed = false }: { readonly claimed?: boolean } = {}): Promise<RouteOutcome> {
		const { database } = this.options;
		if (!claimed && !(await database.kickEventReceipts.claim(event.eventKey, { event }))) return { outcome: 'duplicate' };
		const guildIds = await this.linkedGuilds(BigInt(event.broadcasterUserId));
		if (guildIds.length === 0) {
			await database.kickEventReceipts.markHandled(event.eventKey);
			return { outcome: 'unlinked' };
		}
		const name = LISTENER_EVENT_OF[event.type];
		for (const guildId of guildIds) {
			try {
				const context = await this.options.loadContext(guildId);
				await this.recordEvent(context, event);
				// A status older than the one stored arrived late: it is not news, so listeners do not hear it.
				if (
					event.type === 'livestream.status.updated' &&
					!(await context.db.kickConnection.recordLiveStatus({ isLive: event.isLive, title: event.title, startedAt: event.startedAt, at: event.at }))
				) {
					continue;
				}
				this.options.emit(name, event, context);
			} catch (error) {
				// One server's failure (its settings could not load, say) must not keep the event from the others.
				this.options.onServerFailure(guildId, event, error);
			}
		}
		await database.kickEventReceipts.markHandled(event.eventKey);
		return { outcome: 'routed', guildIds };
	}

	/**
	 * Hands over events that were taken but never handed over (the bot process stopped in
	 * between): those received more than `graceMs` ago, not older than `maxAgeMs`; older ones are
	 * given up (a chat command answered an hour late helps nobody).
	 */
	public async recoverUnhandled({ graceMs = 60_000, maxAgeMs = 15 * 60_000, limit = 500 } = {}): Promise<{ recovered: number; abandoned: number }> {
		const receipts = this.options.database.kickEventReceipts;
		const now = this.now();
		const abandoned = await receipts.abandon(new Date(now - maxAgeMs));
		const unhandled = await receipts.takeUnhandled({ after: new Date(now - maxAgeMs), before: new Date(now - graceMs), limit });
		for (const { event } of unhandled) await this.route(event, { claimed: true });
		return { recovered: unhandled.length, abandoned };
	}

	private linkedGuilds(broadcasterUserId: bigint): Promise<bigint[]> {
		const cached = this.links.get(broadcasterUserId);
		if (cached !== undefined && cached.expiresAt > this.now()) return cached.guildIds;
		const guildIds = this.options.database.system.guildIdsLinkedToKickChannel(broadcasterUserId);
		this.links.set(broadcasterUserId, { guildIds, expiresAt: this.now() + LINKS_TTL_MS });
		guildIds.catch(() => this.links.delete(broadcasterUserId));
		return guildIds;
	}

	private async recordEvent(context: GuildContext, event: KickEvent): Promise<void> {
		const guildId = context.guildId;
		const last = this.lastEventWritten.get(guildId);
		if (last !== undefined && this.now() - last < LAST_EVENT_WRITE_INTERVAL_MS && event.type === 'chat.message.sent') return;
		this.lastEventWritten.set(guildId, this.now());
		await context.db.kickConnection.recordEvent(event.type, event.at);
	}
}
