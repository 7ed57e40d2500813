import type { PrismaClient } from '#generated/prisma/client';
import { deleteInBatches, type BatchedDeletionOptions } from '#lib/database/deleteInBatches';
import type { NewOutboxMessage, OutboxDestination, OutboxKind, OutboxRecord, OutboxStatus } from '#lib/outbox/OutboxMessage';

/** A message to record, with the status it starts in (pending, or dropped / expired when it is refused on arrival). */
export interface OutboxInsert extends NewOutboxMessage {
	readonly status: 'pending' | 'dropped' | 'expired';
	readonly error?: string | undefined;
}

/** The end of one message, as a courier reported it. */
export interface OutboxFinish {
	readonly id: bigint;
	readonly status: Extract<OutboxStatus, 'sent' | 'failed' | 'expired'>;
	readonly sentMessageIds?: readonly string[];
	readonly error?: string | undefined;
	/** Sends tried (retries included); the count of claims stays otherwise. */
	readonly attempts?: number;
}

/** What a take-over found: messages to send now, and how many it closed as interrupted or expired. */
export interface OutboxTakeOver {
	readonly pending: OutboxRecord[];
	readonly interrupted: number;
	readonly expired: number;
}

interface OutboxRow {
	id: bigint;
	guildId: bigint;
	destination: string;
	targetId: bigint;
	kind: string;
	dedupeKey: string;
	content: string;
	payload: unknown;
	replyTo: string | null;
	status: string;
	attempts: number;
	expiresAt: Date;
}

const RECORD_COLUMNS = `o.id, o.discord_server_id AS "guildId", o.destination, o.target_id AS "targetId", o.kind, o.dedupe_key AS "dedupeKey", o.content,
	o.payload, o.reply_to AS "replyTo", o.status, o.attempts, o.expires_at AS "expiresAt"`;

function toRecord(row: OutboxRow): OutboxRecord {
	return {
		id: row.id,
		guildId: row.guildId,
		destination: row.destination as OutboxDestination,
		targetId: row.targetId,
		kind: row.kind as OutboxKind,
		dedupeKey: row.dedupeKey,
		content: row.content,
		payload: (row.payload ?? undefined) as OutboxRecord['payload'],
		replyTo: row.replyTo ?? undefined,
		expiresAt: row.expiresAt,
		attempts: row.attempts
	};
}

/**
 * The outbox's table (`outbox_messages`) as the delivery machinery sees it: writes that span
 * servers in one statement (each row names its own server), leases that say which bot process
 * sends a message, and take-over of the messages of a process that stopped. Raw SQL with
 * explicit parameters, like the other cross-server bookkeeping; what a server's moderators
 * see of it goes through that server's repository (`OutboxRepository`).
 */
export class OutboxStore {
	public constructor(private readonly client: PrismaClient) {}

	/**
	 * Records messages in one statement, leased to `owner`. A message whose (server, dedupe key) is
	 * already recorded is left alone.
	 * @returns for each message, in order, its id, or null when it was already recorded.
	 */
	public async insert(messages: readonly OutboxInsert[], owner: string, leaseMs: number): Promise<(bigint | null)[]> {
		if (messages.length === 0) return [];
		const column = <T>(pick: (message: OutboxInsert) => T) => messages.map(pick);
		const rows = await this.client.$queryRaw<{ id: bigint; guildId: bigint; dedupeKey: string }[]>`
			INSERT INTO outbox_messages
				(discord_server_id, destination, target_id, kind, dedupe_key, content, payload, reply_to, status, error, expires_at, finished_at, owner, leased_until)
			SELECT m.guild_id, m.destination, m.target_id, m.kind, m.dedupe_key, m.content, m.payload, m.reply_to, m.status, m.error, m.expires_at,
				CASE WHEN m.status = 'pending' THEN NULL ELSE now() END,
				CASE WHEN m.status = 'pending' THEN ${owner} END,
				CASE WHEN m.status = 'pending' THEN now() + make_interval(secs => ${leaseMs / 1000}) END
			FROM unnest(
				${column((message) => message.guildId.toString())}::bigint[], ${column((message) => message.destination)}::text[],
				${column((message) => message.targetId.toString())}::bigint[], ${column((message) => message.kind)}::text[],
				${column((message) => message.dedupeKey)}::text[], ${column((message) => message.content)}::text[],
				${column((message) => (message.payload === undefined ? null : JSON.stringify(message.payload)))}::jsonb[],
				${column((message) => message.replyTo ?? null)}::text[], ${column((message) => message.status)}::text[],
				${column((message) => message.error ?? null)}::text[], ${column((message) => message.expiresAt.toISOString())}::timestamptz[]
			) AS m(guild_id, destination, target_id, kind, dedupe_key, content, payload, reply_to, status, error, expires_at)
			ON CONFLICT (discord_server_id, dedupe_key) DO NOTHING
			RETURNING id, discord_server_id AS "guildId", dedupe_key AS "dedupeKey"`;
		const ids = new Map(rows.map((row) => [`${row.guildId}\n${row.dedupeKey}`, row.id]));
		// The same (server, key) twice in one batch: the first one is the message, the second a duplicate.
		return messages.map((message) => {
			const key = `${message.guildId}\n${message.dedupeKey}`;
			const id = ids.get(key) ?? null;
			ids.delete(key);
			return id;
		});
	}

	/**
	 * Marks messages as being sent, as the owner's last step before posting them.
	 * @returns the ids this owner still held (a message another process took over is not among them).
	 */
	public async markSending(ids: readonly bigint[], owner: string): Promise<Set<bigint>> {
		if (ids.length === 0) return new Set();
		const rows = await this.client.$queryRaw<{ id: bigint }[]>`
			UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1
			WHERE id = ANY(${ids.map(String)}::bigint[]) AND status = 'pending' AND owner = ${owner}
			RETURNING id`;
		return new Set(rows.map((row) => row.id));
	}

	/** Records how messages ended, in one statement. */
	public async finish(finishes: readonly OutboxFinish[]): Promise<void> {
		if (finishes.length === 0) return;
		const column = <T>(pick: (finish: OutboxFinish) => T) => finishes.map(pick);
		await this.client.$executeRaw`
			UPDATE outbox_messages o SET status = f.status, error = f.error, sent_message_id = f.sent_message_id, attempts = coalesce(f.attempts, o.attempts),
				finished_at = now(), leased_until = NULL
			FROM unnest(${column((finish) => finish.id.toString())}::bigint[], ${column((finish) => finish.status)}::text[],
				${column((finish) => finish.error ?? null)}::text[], ${column((finish) => (finish.sentMessageIds ?? []).join(',') || null)}::text[],
				${column((finish) => finish.attempts ?? null)}::int[]
			) AS f(id, status, error, sent_message_id, attempts)
			WHERE o.id = f.id`;
	}

	/** Keeps this owner's messages its own: run well within the lease. */
	public async renew(owner: string, leaseMs: number): Promise<number> {
		return this.client.$executeRaw`
			UPDATE outbox_messages SET leased_until = now() + make_interval(secs => ${leaseMs / 1000})
			WHERE owner = ${owner} AND status IN ('pending', 'sending')`;
	}

	/** The owner stops: its pending messages are free for any process at once. */
	public async release(owner: string): Promise<number> {
		return this.client.$executeRaw`UPDATE outbox_messages SET leased_until = now() WHERE owner = ${owner} AND status = 'pending'`;
	}

	/**
	 * Takes over the messages whose owner stopped renewing their lease: pending ones still fresh
	 * become this owner's to send; ones past their freshness are closed as expired; ones that were
	 * being sent are closed as interrupted (they may have been posted, so they are never sent again).
	 * Locked rows are skipped, so two processes taking over at once never take the same message.
	 */
	public async takeOver(owner: string, leaseMs: number, limit: number): Promise<OutboxTakeOver> {
		const rows = await this.client.$queryRawUnsafe<OutboxRow[]>(
			`WITH stale AS (
				SELECT id FROM outbox_messages WHERE status IN ('pending', 'sending') AND leased_until <= now()
				ORDER BY leased_until LIMIT $3 FOR UPDATE SKIP LOCKED
			)
			UPDATE outbox_messages o SET
				status = CASE WHEN o.status = 'sending' THEN 'interrupted' WHEN o.expires_at <= now() THEN 'expired' ELSE 'pending' END,
				error = CASE
					WHEN o.status = 'sending' THEN 'the bot stopped while sending it; it may have been posted, so it is not sent again'
					WHEN o.expires_at <= now() THEN 'not sent in time: the bot was stopped or too busy'
					ELSE o.error END,
				finished_at = CASE WHEN o.status = 'sending' OR o.expires_at <= now() THEN now() END,
				owner = $1,
				leased_until = CASE WHEN o.status = 'pending' AND o.expires_at > now() THEN now() + make_interval(secs => $2) END
			FROM stale WHERE o.id = stale.id
			RETURNING ${RECORD_COLUMNS}`,
			owner,
			leaseMs / 1000,
			limit
		);
		const pending = rows.filter((row) => row.status === 'pending').map(toRecord);
		return {
			pending: pending.sort((a, b) => (a.id < b.id ? -1 : 1)),
			interrupted: rows.filter((row) => row.status === 'interrupted').length,
			expired: rows.filter((row) => row.status === 'expired').length
		};
	}

	/** Forgets ended messages older than `before` (what /kick status shows is the last day), in batches (deleteInBatches), oldest first. @returns how many. */
	public async prune(before: Date, options: BatchedDeletionOptions = {}): Promise<number> {
		return deleteInBatches(
			(limit) => this.client.$executeRaw`
				DELETE FROM outbox_messages WHERE id = ANY(ARRAY(
					SELECT id FROM outbox_messages WHERE finished_at < ${before} ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED))`,
			options
		);
	}

	/** Messages not yet ended (waiting or being sent) per destination, in the whole deployment: the outbox's depth. */
	public async depth(): Promise<{ destination: string; messages: number }[]> {
		return this.client.$queryRaw<{ destination: string; messages: number }[]>`
			SELECT destination, count(*)::int AS messages FROM outbox_messages WHERE status IN ('pending', 'sending') GROUP BY destination ORDER BY destination`;
	}
}
