import type { Database } from '#lib/database/Database';
import { GroupCommit } from '#lib/database/GroupCommit';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { KickEvent } from '#lib/kick/events/KickEvent';
import { LISTENER_EVENT_OF } from '#lib/kick/events/KickListenerEvents';
import { kickEventsDuplicate, kickEventsHandled } from '#lib/metrics/metrics';

export type RouteOutcome =
	| { readonly outcome: 'routed'; readonly guildIds: readonly bigint[] }
	| { readonly outcome: 'duplicate' | 'unlinked' }
	/** Handing it over failed; it is tried again later, or parked once it failed too often. */
	| { readonly outcome: 'failed'; readonly parked: boolean; readonly error: unknown };

export interface RouteOptions {
	/** The caller already claimed `event.eventKey` (the webhook route claims the delivery before answering). */
	readonly claimed?: boolean;
	/** Servers an earlier attempt handed the event to: skipped. */
	readonly handedTo?: readonly bigint[];
}

export interface KickEventRouterOptions {
	readonly database: Database;
	/** The server's context: at once when its settings are cached, else once they are loaded. */
	readonly loadContext: (guildId: bigint) => GuildContext | Promise<GuildContext>;
	/** Runs the Sapphire listeners of one server for the event: undefined when they were done at once, else a promise of their end. */
	readonly emit: (name: string, event: KickEvent, context: GuildContext) => Promise<void> | undefined;
	readonly onServerFailure: (guildId: bigint, event: KickEvent, error: unknown) => void;
	/** Handing an event over failed as a whole (its channel could not be looked up, say). */
	readonly onEventFailure: (event: KickEvent, error: unknown, parked: boolean) => void;
	readonly now?: () => number;
}

/**
 * Which servers follow a channel is read again after this long (a link made by another bot process
 * shows up within it). The channels read more than half of it ago are read again with it, in the
 * same statement, so a thousand channels cost a statement every few seconds, not one each.
 */
const LINKS_TTL_MS = 10_000;
/** The largest channel id a link can hold (BIGINT): an event naming a larger one belongs to no server. */
const MAX_CHANNEL_ID = 2n ** 63n - 1n;
/** `last_event_at` is written at most this often per server for chat: it is for /kick status, not a write per chat message. */
const LAST_EVENT_WRITE_INTERVAL_MS = 30_000;
/** Attempts at handing an event over before it is parked. */
export const MAX_EVENT_ATTEMPTS = 3;
/** The wait before a failed event is tried again. */
const RETRY_FAILED_EVENT_MS = 30_000;
/** Events not handed over within this long are given up (a chat command answered much later helps nobody). */
export const EVENT_MAX_AGE_MS = 15 * 60_000;
/** No servers to skip, and the outcome of an event already claimed: shared, not made for every event. */
const NONE: readonly bigint[] = [];
const DUPLICATE: RouteOutcome = { outcome: 'duplicate' };
const UNLINKED: RouteOutcome = { outcome: 'unlinked' };

/**
 * Takes one Kick event from either reader and hands it to every server linked to its channel,
 * and to no other: claimed once (across readers, retries and bot processes), then one listener
 * event per server carrying that server's context. The event counts as handled once every
 * server's listeners are done (so what they recorded, replies in the outbox included, is in
 * before); until then it stays leased to this process, and a crash leaves it for another.
 */
export class KickEventRouter {
	private readonly serversOfChannel = new Map<bigint, { readonly guildIds: bigint[]; readonly readAt: number }>();
	/** Channels to read, gathered over a turn of the event loop into one statement. */
	private readonly linkReads: GroupCommit<bigint, bigint[]>;
	/** Counts forgetLinks calls: a read that started before one does not fill the cache with what it read. */
	private linksForgotten = 0;
	/** Per server: when its `last_event_at` was written, and the latest chat message since, not yet written. */
	private readonly lastEvents = new Map<bigint, { written: number; pending: KickEvent | undefined }>();
	/** Events being handed over by this process: their leases are renewed. */
	private readonly inFlight = new Set<string>();
	/** Events being routed now (claims included), and who waits for there to be none. */
	private routing = 0;
	private readonly idleWaiters: (() => void)[] = [];
	private readonly now: () => number;

	public constructor(private readonly options: KickEventRouterOptions) {
		this.now = options.now ?? Date.now;
		this.linkReads = new GroupCommit((channels) => this.readLinks(channels));
	}

	/** A server was linked to or unlinked from a channel in this process: read the links again. */
	public forgetLinks(broadcasterUserId?: bigint): void {
		this.linksForgotten += 1;
		if (broadcasterUserId === undefined) this.serversOfChannel.clear();
		else this.serversOfChannel.delete(broadcasterUserId);
	}

	/**
	 * Hands one event over; never throws: a failure is recorded with the event (tried again later
	 * for the servers it did not reach, parked after MAX_EVENT_ATTEMPTS) and reported through `onEventFailure`.
	 */
	public async route(event: KickEvent, options?: RouteOptions): Promise<RouteOutcome> {
		this.routing += 1;
		const receipts = this.options.database.kickEventReceipts;
		try {
			try {
				if (options?.claimed !== true && !(await receipts.claim(event.eventKey, { event }))) {
					kickEventsDuplicate.inc();
					return DUPLICATE;
				}
			} catch (error) {
				// Not claimed, so not taken: the reader's next delivery (or Kick's retry) brings it again.
				this.options.onEventFailure(event, error, false);
				return { outcome: 'failed', parked: false, error };
			}
			this.inFlight.add(event.eventKey);
			const reached: bigint[] = [];
			try {
				const handing = this.handOver(event, options?.handedTo ?? NONE, reached);
				const outcome = handing instanceof Promise ? await handing : handing;
				await receipts.markHandled(event.eventKey);
				kickEventsHandled.inc();
				return outcome;
			} catch (error) {
				const policy = { maxAttempts: MAX_EVENT_ATTEMPTS, retryAfterMs: RETRY_FAILED_EVENT_MS };
				const parked = await receipts.recordFailure(event.eventKey, error, policy, reached).catch(() => false);
				this.options.onEventFailure(event, error, parked);
				return { outcome: 'failed', parked, error };
			} finally {
				this.inFlight.delete(event.eventKey);
			}
		} finally {
			this.routing -= 1;
			if (this.routing === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
		}
	}

	/** Resolves once every event this process is handing over (those started meanwhile included) is done. */
	public async idle(): Promise<void> {
		if (this.routing > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
	}

	/**
	 * Gives up events too old to act on, then hands over the events whose lease ran out (their
	 * process stopped, or an earlier attempt failed), each on its own: one that fails never
	 * keeps the others from being handed over.
	 */
	public async recoverUnhandled({ maxAgeMs = EVENT_MAX_AGE_MS, limit = 500 } = {}): Promise<{
		recovered: number;
		failed: number;
		parked: number;
		abandoned: number;
	}> {
		const receipts = this.options.database.kickEventReceipts;
		const abandoned = await receipts.abandon(maxAgeMs);
		const unhandled = await receipts.takeUnhandled({ maxAgeMs, limit });
		let failed = 0;
		let parked = 0;
		for (const { event, handedTo } of unhandled) {
			const outcome = await this.route(event, { claimed: true, handedTo });
			if (outcome.outcome === 'failed') {
				failed += 1;
				if (outcome.parked) parked += 1;
			}
		}
		return { recovered: unhandled.length - failed, failed, parked, abandoned };
	}

	/** Renews the leases of the events this process is handing over (run well within the lease). */
	public async renewLeases(): Promise<void> {
		if (this.inFlight.size > 0) await this.options.database.kickEventReceipts.renew([...this.inFlight]);
	}

	/**
	 * Hands the event to each linked server but those in `skip`, each on its own: one server's
	 * failure (its settings could not load, a listener threw) never keeps the event from the
	 * others. Servers that got it are added to `reached`; when any failed, it throws after the
	 * last one, so the event is tried again for those only. Done at once while each step is (the
	 * usual chat message: links and settings cached, listeners done at once), so most events make
	 * no promise here; from the first step that must wait, the rest follows it.
	 */
	private handOver(event: KickEvent, skip: readonly bigint[], reached: bigint[]): RouteOutcome | Promise<RouteOutcome> {
		const cached = this.linkedGuilds(BigInt(event.broadcasterUserId));
		if (!Array.isArray(cached)) return cached.then((guildIds) => this.handOverTo(event, guildIds, skip, reached));
		return this.handOverTo(event, cached, skip, reached);
	}

	private handOverTo(event: KickEvent, guildIds: readonly bigint[], skip: readonly bigint[], reached: bigint[]): RouteOutcome | Promise<RouteOutcome> {
		if (guildIds.length === 0) return UNLINKED;
		let errors: unknown[] | undefined;
		for (let index = 0; index < guildIds.length; index++) {
			const guildId = guildIds[index]!;
			if (skip.length > 0 && skip.includes(guildId)) continue;
			let waiting: Promise<void> | undefined;
			try {
				waiting = this.handToServer(guildId, event);
			} catch (error) {
				(errors ??= []).push(this.serverFailed(guildId, event, error));
				continue;
			}
			if (waiting !== undefined) return this.handOverAfter(waiting, index, event, guildIds, skip, reached, errors);
			reached.push(guildId);
		}
		return this.outcomeOf(event, guildIds, errors);
	}

	/** handOverTo from server `index` on, whose step is `waiting`. */
	private async handOverAfter(
		waiting: Promise<void>,
		index: number,
		event: KickEvent,
		guildIds: readonly bigint[],
		skip: readonly bigint[],
		reached: bigint[],
		errors: unknown[] | undefined
	): Promise<RouteOutcome> {
		for (let next = index; next < guildIds.length; next++) {
			const guildId = guildIds[next]!;
			if (next > index && skip.length > 0 && skip.includes(guildId)) continue;
			try {
				const step = next === index ? waiting : this.handToServer(guildId, event);
				if (step !== undefined) await step;
				reached.push(guildId);
			} catch (error) {
				(errors ??= []).push(this.serverFailed(guildId, event, error));
			}
		}
		return this.outcomeOf(event, guildIds, errors);
	}

	/** One server's part: its context, its `last_event_at`, then its listeners; undefined when all of it was done at once. */
	private handToServer(guildId: bigint, event: KickEvent): Promise<void> | undefined {
		const loading = this.options.loadContext(guildId);
		if (loading instanceof Promise) return loading.then((context) => this.handToContext(context, event));
		return this.handToContext(loading, event);
	}

	private handToContext(context: GuildContext, event: KickEvent): Promise<void> | undefined {
		const recording = this.recordEvent(context, event);
		if (recording !== undefined || event.type === 'livestream.status.updated') return this.handToContextAfter(recording, context, event);
		return this.options.emit(LISTENER_EVENT_OF[event.type], event, context);
	}

	private async handToContextAfter(recording: Promise<void> | undefined, context: GuildContext, event: KickEvent): Promise<void> {
		if (recording !== undefined) await recording;
		// A status older than the one stored arrived late: it is not news, so listeners do not hear it.
		const news =
			event.type !== 'livestream.status.updated' ||
			(await context.db.kickConnection.recordLiveStatus({ isLive: event.isLive, title: event.title, startedAt: event.startedAt, at: event.at }));
		const emitted = news ? this.options.emit(LISTENER_EVENT_OF[event.type], event, context) : undefined;
		if (emitted !== undefined) await emitted;
	}

	private serverFailed(guildId: bigint, event: KickEvent, error: unknown): unknown {
		this.options.onServerFailure(guildId, event, error);
		return error;
	}

	/** Routed, or the failures of the servers it did not reach. */
	private outcomeOf(event: KickEvent, guildIds: readonly bigint[], errors: readonly unknown[] | undefined): RouteOutcome {
		if (errors?.length === 1) throw errors[0];
		if (errors !== undefined) throw new AggregateError(errors, `${errors.length} servers could not take ${event.type} ${event.eventKey}`);
		return { outcome: 'routed', guildIds };
	}

	/** The servers following a channel: at once when read lately, else read with the other channels due. */
	private linkedGuilds(broadcasterUserId: bigint): bigint[] | Promise<bigint[]> {
		const cached = this.serversOfChannel.get(broadcasterUserId);
		if (cached !== undefined && this.now() - cached.readAt < LINKS_TTL_MS) return cached.guildIds;
		if (broadcasterUserId < 0n || broadcasterUserId > MAX_CHANNEL_ID) return [];
		return this.linkReads.submit(broadcasterUserId);
	}

	private async readLinks(channels: readonly bigint[]): Promise<bigint[][]> {
		const now = this.now();
		const forgotten = this.linksForgotten;
		const due = new Set(channels);
		for (const [channel, { readAt }] of this.serversOfChannel) if (now - readAt >= LINKS_TTL_MS / 2) due.add(channel);
		const linked = await this.options.database.system.guildIdsLinkedToKickChannels([...due]);
		if (forgotten === this.linksForgotten) {
			for (const channel of due) {
				const guildIds = linked.get(channel);
				// A channel no server follows (any more) is not kept: the cache holds linked channels only, and an event naming another reads it again.
				if (guildIds === undefined) this.serversOfChannel.delete(channel);
				else this.serversOfChannel.set(channel, { guildIds, readAt: now });
			}
		}
		return channels.map((channel) => linked.get(channel) ?? []);
	}

	/**
	 * Writes the server's `last_event_at`, unless a chat message did lately (undefined then:
	 * nothing to wait for; the message is written with the next write). A write also takes the
	 * servers whose pending message was written more than half the interval ago, in the same
	 * statement: a thousand busy servers cost a statement every few seconds, not one each.
	 */
	private recordEvent(context: GuildContext, event: KickEvent): Promise<void> | undefined {
		const now = this.now();
		const last = this.lastEvents.get(context.guildId);
		if (last !== undefined && now - last.written < LAST_EVENT_WRITE_INTERVAL_MS && event.type === 'chat.message.sent') {
			last.pending = event;
			return undefined;
		}
		const rows = [{ guildId: context.guildId, type: event.type, at: event.at }];
		this.lastEvents.set(context.guildId, { written: now, pending: undefined });
		for (const [guildId, other] of this.lastEvents) {
			// A server quiet for a whole interval is forgotten: its next event is written at once, as it would be anyway.
			if (other.pending === undefined && now - other.written >= LAST_EVENT_WRITE_INTERVAL_MS) this.lastEvents.delete(guildId);
			if (other.pending === undefined || now - other.written < LAST_EVENT_WRITE_INTERVAL_MS / 2) continue;
			rows.push({ guildId, type: other.pending.type, at: other.pending.at });
			other.written = now;
			other.pending = undefined;
		}
		return this.options.database.system.recordKickEvents(rows);
	}
}
