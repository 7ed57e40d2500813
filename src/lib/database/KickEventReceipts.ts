import type { PrismaClient } from '#generated/prisma/client';
import { deleteInBatches, type BatchedDeletionOptions } from '#lib/database/deleteInBatches';
import { GroupCommit, type GroupCommitOptions } from '#lib/database/GroupCommit';
import type { KickEvent } from '#lib/kick/events/KickEvent';
import { kickEventFromJson, withDatesAsText } from '#lib/kick/events/kickEventJson';

/** An event taken but not yet handed to its servers (its process stopped, or handing it over failed). */
export interface UnhandledKickEvent {
	readonly eventKey: string;
	readonly event: KickEvent;
	/** How many times handing it over was started, this time included. */
	readonly attempts: number;
	/** Servers an earlier attempt already handed it to: not again. */
	readonly handedTo: readonly bigint[];
}

/** Events set aside for one channel because handing them over kept failing. */
export interface ParkedKickEvents {
	readonly count: number;
	readonly latest: { readonly eventKey: string; readonly error: string; readonly at: Date } | null;
}

export interface KickEventReceiptsOptions {
	/** Who this process is when it holds an event (PROCESS_IDENTITY). */
	readonly owner: string;
	/** How long an event stays this process's without a renewal (default 30 s): the delay before another process takes over after a crash. */
	readonly leaseMs?: number;
	/** How long a claim or a handled mark waits for others to share its statement (default CLAIM_WINDOW_MS), and the most one statement takes. */
	readonly batch?: Pick<GroupCommitOptions, 'windowMs' | 'maxBatch' | 'timer'>;
}

/**
 * Claims and handled marks of this long share one statement each. A statement costs the bot about
 * half a millisecond of CPU whatever it carries, so with chat flowing the window sets the rate of
 * statements (two per window), and it adds as much to the answer to Kick: 10 ms weighs both.
 */
export const CLAIM_WINDOW_MS = 10;
/** The most keys one claim or mark statement carries. */
export const MAX_CLAIM_BATCH = 500;

/**
 * Runs one statement with text parameters on a driver adapter of its own, the layer under the
 * Prisma client: for the batched statements, each batch one JSON text, which the client would
 * serialise parameter by parameter. @returns the rows, as arrays of column values.
 */
export interface BatchStatements {
	query(sql: string, args: readonly string[]): Promise<unknown[][]>;
}

/** Inserts the keys of a batch ($3, a JSON array of ClaimedKey), leased to $1 for $2 seconds; returns the claimed keys already taken. */
const CLAIM_SQL = `
	WITH claimed AS (
		SELECT * FROM jsonb_to_recordset($3::jsonb) AS claimed(key text, event jsonb, channel text, handled boolean, claim boolean)
	), inserted AS (
		INSERT INTO kick_event_receipts (event_key, event, channel, handled_at, owner, leased_until, attempts)
		SELECT key, event, channel, CASE WHEN handled THEN now() END, CASE WHEN event IS NULL THEN NULL ELSE $1 END,
			CASE WHEN event IS NULL THEN NULL ELSE now() + make_interval(secs => $2::double precision) END, CASE WHEN event IS NULL THEN 0 ELSE 1 END
		FROM claimed ORDER BY key
		ON CONFLICT (event_key) DO NOTHING RETURNING event_key
	)
	SELECT key FROM claimed WHERE claim AND key NOT IN (SELECT event_key FROM inserted)`;

/** One key a claim inserts: the event's own (with the stored event), or the delivery's, or the bot's own message (handled at once). */
interface ClaimedKey {
	readonly key: string;
	/** The event as kickEventToJson stores it (its fields, dates as text). */
	readonly event: Readonly<Record<string, unknown>> | null;
	readonly channel: string | null;
	readonly handled: boolean;
	/** The key the request claims (its first), whose outcome it waits for. */
	readonly claim: boolean;
}

/**
 * Which Kick events were already taken (`kick_event_receipts`), across readers, retries and bot
 * processes. Kick-level: an event is claimed once, before it is routed to its servers, and kept
 * until it has been handed to them, leased to the process handing it over; one taken just
 * before a crash is taken over after the lease. An event whose handing over keeps failing is
 * parked with its error, so it never blocks or delays the others. Claims and handled marks are
 * group-committed: those of a few milliseconds share one statement.
 */
export class KickEventReceipts {
	public readonly owner: string;
	public readonly leaseMs: number;
	/** Each request: its keys, the first being the one it claims; the result: whether this request inserted it. */
	private readonly claims: GroupCommit<readonly ClaimedKey[], boolean>;
	private readonly handled: GroupCommit<string, undefined>;

	public constructor(
		private readonly client: PrismaClient,
		private readonly batches: BatchStatements,
		options: KickEventReceiptsOptions
	) {
		this.owner = options.owner;
		this.leaseMs = options.leaseMs ?? 30_000;
		const batch = { windowMs: CLAIM_WINDOW_MS, maxBatch: MAX_CLAIM_BATCH, ...options.batch };
		this.claims = new GroupCommit((requests) => this.insertClaims(requests), batch);
		this.handled = new GroupCommit(async (keys) => {
			// Sorted, so two processes marking the same events lock their rows in one order. The stored event is only for handing it over again: once handled it goes, which keeps the receipt a quarter of its size.
			await this.batches.query(
				'UPDATE kick_event_receipts SET handled_at = now(), leased_until = NULL, event = NULL FROM json_array_elements_text($1::json) AS handed(key) WHERE event_key = handed.key AND handled_at IS NULL',
				[JSON.stringify([...keys].sort())]
			);
			return keys.map(() => undefined);
		}, batch);
	}

	/**
	 * Insert-if-absent, so two racing deliveries cannot both win. The event is stored with its key
	 * and leased to this process; `deliveryKey` (Kick-Event-Message-Id) is recorded in the same
	 * statement when it differs (a chat message is known by its own id whichever delivery or
	 * reader brings it). Claims of the same moment share one statement.
	 * @returns whether this caller claimed the event.
	 */
	public claim(eventKey: string, options: { readonly event?: KickEvent; readonly deliveryKey?: string } = {}): Promise<boolean> {
		const event = options.event === undefined ? null : withDatesAsText(options.event);
		const channel = options.event?.broadcasterUserId ?? null;
		const keys: ClaimedKey[] = [{ key: eventKey, event, channel, handled: false, claim: true }];
		if (options.deliveryKey !== undefined && options.deliveryKey !== eventKey)
			keys.push({ key: options.deliveryKey, event: null, channel, handled: false, claim: false });
		return this.claims.submit(keys);
	}

	/** Claims a key that needs no handling (the bot's own chat message, so the readers drop its echo). */
	public claimHandled(eventKey: string): Promise<boolean> {
		return this.claims.submit([{ key: eventKey, event: null, channel: null, handled: true, claim: true }]);
	}

	/** The event has been handed to every server linked to its channel (written together with the others of the moment). */
	public markHandled(eventKey: string): Promise<undefined> {
		return this.handled.submit(eventKey);
	}

	/**
	 * One statement for the claims of a batch, its rows as one JSON document (each event stored as
	 * kickEventToJson writes it), answering with the claimed keys it did not insert (usually none).
	 * A key asked for twice in it goes to the first request; the rows are inserted in key order, so
	 * two processes claiming the same events at once wait for each other instead of deadlocking.
	 */
	private async insertClaims(requests: readonly (readonly ClaimedKey[])[]): Promise<boolean[]> {
		const askedBy = new Map<string, number>();
		const rows: ClaimedKey[] = [];
		for (const [index, keys] of requests.entries()) {
			for (const row of keys) {
				if (askedBy.has(row.key)) continue;
				askedBy.set(row.key, index);
				rows.push(row);
			}
		}
		const taken = await this.batches.query(CLAIM_SQL, [this.owner, String(this.leaseMs / 1000), JSON.stringify(rows)]);
		const lost = new Set(taken.map(([key]) => key));
		return requests.map((keys, index) => askedBy.get(keys[0]!.key) === index && !lost.has(keys[0]!.key));
	}

	/** Keeps events this process is handing over its own: run well within the lease. */
	public async renew(eventKeys: readonly string[]): Promise<number> {
		return this.client.$executeRaw`
			UPDATE kick_event_receipts SET leased_until = now() + make_interval(secs => ${this.leaseMs / 1000})
			WHERE event_key = ANY(${[...eventKeys]}::text[]) AND owner = ${this.owner} AND handled_at IS NULL AND parked_at IS NULL`;
	}

	/**
	 * Takes events never handed over whose lease ran out (their process stopped, or handing them
	 * over failed and its wait is over), received within `maxAgeMs`, oldest first, leased to this
	 * process. Locked rows are skipped, so two processes recovering at once never take the same event.
	 */
	public async takeUnhandled(window: { readonly maxAgeMs: number; readonly limit: number }): Promise<UnhandledKickEvent[]> {
		const rows = await this.client.$queryRaw<{ eventKey: string; event: string; attempts: number; handedTo: string[] }[]>`
			UPDATE kick_event_receipts SET owner = ${this.owner}, leased_until = now() + make_interval(secs => ${this.leaseMs / 1000}), attempts = attempts + 1
			WHERE event_key IN (
				SELECT event_key FROM kick_event_receipts
				WHERE handled_at IS NULL AND parked_at IS NULL AND event IS NOT NULL AND leased_until < now()
					AND received_at > now() - make_interval(secs => ${window.maxAgeMs / 1000})
				ORDER BY leased_until LIMIT ${window.limit} FOR UPDATE SKIP LOCKED
			)
			RETURNING event_key AS "eventKey", event::text AS event, attempts, handed_to::text[] AS "handedTo"`;
		const taken: UnhandledKickEvent[] = [];
		for (const row of rows) {
			try {
				taken.push({ eventKey: row.eventKey, event: kickEventFromJson(row.event), attempts: row.attempts, handedTo: row.handedTo.map(BigInt) });
			} catch (error) {
				// A stored event this version cannot read is parked at once: trying again would not help.
				await this.recordFailure(row.eventKey, error, { maxAttempts: 0, retryAfterMs: 0 });
			}
		}
		return taken.sort((a, b) => a.event.at.getTime() - b.event.at.getTime());
	}

	/**
	 * Handing an event over failed: its error is kept, with the servers it did reach
	 * (`handedTo`, skipped by the next attempt), and after `maxAttempts` attempts it is parked
	 * (never tried again); otherwise it is tried again once `retryAfterMs` has passed.
	 * @returns whether the event is now parked.
	 */
	public async recordFailure(
		eventKey: string,
		error: unknown,
		policy: { readonly maxAttempts: number; readonly retryAfterMs: number },
		handedTo: readonly bigint[] = []
	): Promise<boolean> {
		const rows = await this.client.$queryRaw<{ parked: boolean }[]>`
			UPDATE kick_event_receipts SET
				last_error = ${describeError(error)},
				handed_to = ARRAY(SELECT DISTINCT unnest(handed_to || ${handedTo.map(String)}::bigint[])),
				parked_at = CASE WHEN attempts >= ${policy.maxAttempts} THEN now() END,
				leased_until = now() + make_interval(secs => ${policy.retryAfterMs / 1000})
			WHERE event_key = ${eventKey} AND handled_at IS NULL
			RETURNING parked_at IS NOT NULL AS parked`;
		return rows[0]?.parked ?? false;
	}

	/** Gives up on events never handed over that were received more than `maxAgeMs` ago (too late to act on). @returns how many. */
	public async abandon(maxAgeMs: number): Promise<number> {
		return this.client.$executeRaw`
			UPDATE kick_event_receipts SET handled_at = now(), leased_until = NULL, last_error = coalesce(last_error, 'given up: not handed over in time')
			WHERE handled_at IS NULL AND parked_at IS NULL AND event IS NOT NULL AND received_at <= now() - make_interval(secs => ${maxAgeMs / 1000})`;
	}

	/** The events of one channel parked since `since`, for its servers' moderators. */
	public async parked(channel: string, since: Date): Promise<ParkedKickEvents> {
		const rows = await this.client.$queryRaw<{ eventKey: string; error: string | null; at: Date; count: bigint }[]>`
			SELECT event_key AS "eventKey", last_error AS error, parked_at AS at, count(*) OVER () AS count
			FROM kick_event_receipts WHERE channel = ${channel} AND parked_at >= ${since}
			ORDER BY parked_at DESC LIMIT 1`;
		const latest = rows[0];
		return latest === undefined
			? { count: 0, latest: null }
			: { count: Number(latest.count), latest: { eventKey: latest.eventKey, error: latest.error ?? 'unknown error', at: latest.at } };
	}

	/**
	 * Forgets receipts received before `before`, parked ones only when parked before `parkedBefore`
	 * (the operator's evidence), in batches (deleteInBatches), oldest first. @returns how many.
	 */
	public async prune(before: Date, options: BatchedDeletionOptions & { readonly parkedBefore?: Date } = {}): Promise<number> {
		const parkedBefore = options.parkedBefore ?? before;
		return deleteInBatches(
			(limit) => this.client.$executeRaw`
				DELETE FROM kick_event_receipts WHERE ctid = ANY(ARRAY(
					SELECT ctid FROM kick_event_receipts WHERE received_at < ${before} AND (parked_at IS NULL OR parked_at < ${parkedBefore})
					ORDER BY received_at LIMIT ${limit} FOR UPDATE SKIP LOCKED))`,
			options
		);
	}

	/** Resolves once every claim and handled mark submitted so far is written. */
	public async settled(): Promise<void> {
		await Promise.all([this.claims.settled(), this.handled.settled()]);
	}
}

/** The first line of an error, bounded: what moderators and operators read of it. */
function describeError(error: unknown): string {
	const first = error instanceof AggregateError ? (error.errors as unknown[])[0] : undefined;
	const text = error instanceof Error ? `${error.name}: ${error.message}${first === undefined ? '' : ` (first: ${describeError(first)})`}` : String(error);
	const line = text.split('\n').find((part) => part.trim() !== '') ?? text;
	return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}
