import { commitSeed, ConflictError, GuildRepository, InvalidInputError, type QueryClient } from '#core';
import { centsOf, plainMoney } from './money.js';
import { drawPick, type StoredPick } from './pickFairness.js';
import { SLOT_NAME_MAX, slotKey } from './slotNames.js';

export type SlotRequestStatus = 'open' | 'picked' | 'played' | 'skipped';

export interface SlotRequestRecord {
	readonly id: number;
	readonly kickUsername: string;
	readonly slotCall: string;
	readonly requestedAt: Date | null;
	/** Legacy column: false while the request is open. */
	readonly picked: boolean;
	readonly pickedAt: Date | null;
	readonly status: SlotRequestStatus;
	readonly kickUserId: string | null;
	readonly slotId: number | null;
	readonly playedAt: Date | null;
	/** Cents, when played. */
	readonly bet: bigint | null;
	readonly payout: bigint | null;
	readonly huntId: number | null;
}

interface SlotRequestRow {
	id: number;
	kickUsername: string;
	slotCall: string;
	requestedAt: Date | null;
	picked: boolean | null;
	pickedAt: Date | null;
	kickUserId: bigint | null;
	slotId: number | null;
	playedAt: Date | null;
	skippedAt: Date | null;
	bet: string | null;
	payout: string | null;
	huntId: number | null;
}

const COLUMNS = `id, kick_username AS "kickUsername", slot_call AS "slotCall", requested_at AS "requestedAt", picked, picked_at AS "pickedAt",
	kick_user_id AS "kickUserId", slot_id AS "slotId", played_at AS "playedAt", skipped_at AS "skippedAt", bet::text AS bet, payout::text AS payout, hunt_id AS "huntId"`;
const OPEN = 'NOT COALESCE(picked, FALSE)';

/** The server's queue state. */
export interface QueueState {
	readonly isOpen: boolean;
	/** sha256 of the seed the next pick reveals: shown before it. */
	readonly nextCommitment: string;
	readonly picks: number;
	readonly panelChannelId: string | null;
	readonly panelPostKey: string | null;
}

interface StateRow {
	isOpen: boolean;
	nextServerSeed: string;
	nextCommitment: string;
	picks: number;
	panelChannelId: bigint | null;
	panelPostKey: string | null;
}

/** A viewer's request, with the rules the server's settings give. */
export interface NewSlotRequest {
	readonly kickUsername: string;
	readonly kickUserId: string | null;
	readonly slotCall: string;
	readonly slotId: number | null;
	/** Open requests a caller may have; 0: any number. */
	readonly maxPerUser: number;
	readonly preventDuplicates: boolean;
}

export type RequestOutcome =
	| { readonly kind: 'added'; readonly request: SlotRequestRecord; readonly position: number }
	| { readonly kind: 'closed' }
	| { readonly kind: 'cap'; readonly open: number }
	| { readonly kind: 'duplicate'; readonly existing: SlotRequestRecord };

/** A pick made, with what recomputes it. */
export interface SlotPickRecord extends StoredPick {
	readonly id: number;
	readonly pickedByDiscordId: string | null;
	readonly pickedAt: Date;
}

interface PickRow {
	id: number;
	nonce: number;
	requestId: number;
	serverSeed: string;
	commitment: string;
	clientSeed: string;
	candidateIds: number[];
	drawnIndex: number;
	rejections: number;
	pickedByDiscordId: bigint | null;
	pickedAt: Date;
}

/** The pick columns, each prefixed by `table` (e.g. `p.`). */
const pickColumns = (table = '') =>
	`${table}id, ${table}nonce, ${table}request_id AS "requestId", ${table}server_seed AS "serverSeed", ${table}commitment, ${table}client_seed AS "clientSeed",
	${table}candidate_ids AS "candidateIds", ${table}drawn_index AS "drawnIndex", ${table}rejections, ${table}picked_by_discord_id AS "pickedByDiscordId",
	${table}picked_at AS "pickedAt"`;

export interface BlacklistEntry {
	readonly kickUsername: string;
	readonly addedByDiscordId: string | null;
	readonly addedAt: Date;
}

/**
 * This server's slot request queue, its state (open or closed, the next pick's committed seed, the
 * panel), fair picks and blacklist. Every change of the queue takes the server's state row first
 * (`FOR UPDATE`), so requests, picks and plays of one server happen one after another: a cap or a
 * duplicate check cannot race an insert, and two picks never draw the same request.
 */
export class SlotRequestsRepository extends GuildRepository {
	/** The server's queue state (made, closed and with a committed seed, the first time). */
	public async state(): Promise<QueueState> {
		return toState(await this.stateRow(this.client, false));
	}

	/** Opens or closes requests; false when they already were. */
	public async setOpen(open: boolean): Promise<boolean> {
		return this.withQueue(async (client, state) => {
			if (state.isOpen === open) return false;
			await client.$executeRaw`UPDATE slot_request_state SET is_open = ${open}, updated_at = now() WHERE discord_server_id = ${this.guildId}`;
			return true;
		});
	}

	/** Remembers the panel message (its channel and outbox key) so later changes edit it. */
	public async recordPanel(channelId: string, postKey: string): Promise<void> {
		await this.stateRow(this.client, false);
		await this.client.$executeRaw`
			UPDATE slot_request_state SET panel_channel_id = ${BigInt(channelId)}, panel_post_key = ${postKey}, updated_at = now()
			WHERE discord_server_id = ${this.guildId}`;
	}

	/** The Discord id of a message the outbox sent for this server under `postKey`; null until it is sent. */
	public async postedMessageId(postKey: string): Promise<string | null> {
		const rows = await this.client.$queryRaw<{ id: string | null }[]>`
			SELECT sent_message_id AS id FROM outbox_messages
			WHERE discord_server_id = ${this.guildId} AND dedupe_key = ${`discord:${postKey}`} AND status = 'sent'`;
		return rows[0]?.id ?? null;
	}

	/**
	 * Stores a viewer's request if requests are open, the caller is under the cap and (with
	 * `preventDuplicates`) the slot is not in the open queue yet; all checked and written while
	 * holding the server's queue.
	 */
	public async request(request: NewSlotRequest): Promise<RequestOutcome> {
		const slotCall = request.slotCall.trim();
		if (slotCall.length === 0 || slotCall.length > SLOT_NAME_MAX) throw new InvalidInputError(`A slot name is 1 to ${SLOT_NAME_MAX} characters`);
		return this.withQueue(async (client, state) => {
			if (!state.isOpen) return { kind: 'closed' } as const;
			const open = (
				await client.$queryRawUnsafe<SlotRequestRow[]>(
					`SELECT ${COLUMNS} FROM slot_requests WHERE discord_server_id = $1 AND ${OPEN} ORDER BY id`,
					this.guildId
				)
			).map(toRecord);
			if (request.maxPerUser > 0) {
				const mine = open.filter((row) => isCaller(row, request.kickUsername, request.kickUserId)).length;
				if (mine >= request.maxPerUser) return { kind: 'cap', open: mine } as const;
			}
			if (request.preventDuplicates) {
				const key = slotKey(slotCall);
				const existing = open.find((row) => (request.slotId !== null && row.slotId === request.slotId) || slotKey(row.slotCall) === key);
				if (existing !== undefined) return { kind: 'duplicate', existing } as const;
			}
			const rows = await client.$queryRawUnsafe<SlotRequestRow[]>(
				`INSERT INTO slot_requests (discord_server_id, kick_username, kick_user_id, slot_call, slot_id) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
				this.guildId,
				request.kickUsername,
				request.kickUserId === null ? null : BigInt(request.kickUserId),
				slotCall,
				request.slotId
			);
			return { kind: 'added', request: toRecord(rows[0]!), position: open.length + 1 } as const;
		});
	}

	/** A request a moderator adds for a viewer: stored open or closed, with no cap, catalogue or duplicate check. */
	public async add(kickUsername: string, slotCall: string): Promise<SlotRequestRecord> {
		const slot = slotCall.trim();
		if (slot.length === 0 || slot.length > SLOT_NAME_MAX) throw new InvalidInputError(`A slot name is 1 to ${SLOT_NAME_MAX} characters`);
		return this.withQueue(async (client) => {
			const rows = await client.$queryRawUnsafe<SlotRequestRow[]>(
				`INSERT INTO slot_requests (discord_server_id, kick_username, slot_call) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
				this.guildId,
				kickUsername,
				slot
			);
			return toRecord(rows[0]!);
		});
	}

	/** Open requests, oldest first. */
	public async listOpen(): Promise<SlotRequestRecord[]> {
		const rows = await this.client.$queryRawUnsafe<SlotRequestRow[]>(
			`SELECT ${COLUMNS} FROM slot_requests WHERE discord_server_id = $1 AND ${OPEN} ORDER BY id`,
			this.guildId
		);
		return rows.map(toRecord);
	}

	/** A page (from 1) of the open queue, oldest first, and how many are open. */
	public async openPage(page: number, size: number): Promise<{ requests: SlotRequestRecord[]; total: number }> {
		const [rows, count] = await Promise.all([
			this.client.$queryRawUnsafe<SlotRequestRow[]>(
				`SELECT ${COLUMNS} FROM slot_requests WHERE discord_server_id = $1 AND ${OPEN} ORDER BY id LIMIT $2 OFFSET $3`,
				this.guildId,
				size,
				(page - 1) * size
			),
			this.client.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM slot_requests WHERE discord_server_id = $1 AND ${OPEN}`, this.guildId)
		]);
		return { requests: rows.map(toRecord), total: count[0]!.n };
	}

	/** Open requests of one caller (by Kick user id, or by name for rows without one). */
	public async openCountFor(kickUsername: string, kickUserId: string | null = null): Promise<number> {
		const rows = await this.client.$queryRawUnsafe<{ n: number }[]>(
			`SELECT count(*)::int AS n FROM slot_requests
			WHERE discord_server_id = $1 AND ${OPEN} AND (lower(kick_username) = lower($2) OR ($3::bigint IS NOT NULL AND kick_user_id = $3::bigint))`,
			this.guildId,
			kickUsername,
			kickUserId === null ? null : BigInt(kickUserId)
		);
		return rows[0]!.n;
	}

	public get(id: number): Promise<SlotRequestRecord | null> {
		return this.read(this.client, id);
	}

	/**
	 * Picks one open request fairly and marks it picked, revealing the committed seed and committing
	 * the next one; null when the queue is empty. Picks of one server happen one at a time, so two
	 * moderators picking at once get two different requests (or one gets none).
	 */
	public async pick(byDiscordId: string | null): Promise<{ request: SlotRequestRecord; pick: SlotPickRecord } | null> {
		return this.withQueue(async (client, state) => {
			const candidates = await client.$queryRawUnsafe<{ id: number }[]>(
				`SELECT id FROM slot_requests WHERE discord_server_id = $1 AND ${OPEN} ORDER BY id`,
				this.guildId
			);
			if (candidates.length === 0) return null;
			const nonce = state.picks + 1;
			const candidateIds = candidates.map((row) => row.id);
			const draw = drawPick({ guildId: this.guildId, serverSeed: state.nextServerSeed, commitment: state.nextCommitment, nonce, candidateIds });
			const updated = await client.$queryRawUnsafe<SlotRequestRow[]>(
				`UPDATE slot_requests SET picked = TRUE, picked_at = now() WHERE discord_server_id = $1 AND id = $2 AND ${OPEN} RETURNING ${COLUMNS}`,
				this.guildId,
				draw.requestId
			);
			// Only a writer that skips the queue's lock (the legacy bot) can have taken it meanwhile.
			if (updated.length === 0) throw new ConflictError(`Request #${draw.requestId} changed while it was picked; pick again.`);
			const picks = await client.$queryRawUnsafe<PickRow[]>(
				`INSERT INTO slot_picks (discord_server_id, nonce, request_id, server_seed, commitment, client_seed, candidate_ids, drawn_index, rejections, picked_by_discord_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7::int[], $8, $9, $10) RETURNING ${pickColumns()}`,
				this.guildId,
				nonce,
				draw.requestId,
				state.nextServerSeed,
				state.nextCommitment,
				draw.clientSeed,
				candidateIds,
				draw.index,
				draw.rejections,
				byDiscordId === null ? null : BigInt(byDiscordId)
			);
			const next = commitSeed();
			await client.$executeRaw`
				UPDATE slot_request_state SET next_server_seed = ${next.serverSeed}, next_commitment = ${next.commitment}, picks = ${nonce}, updated_at = now()
				WHERE discord_server_id = ${this.guildId}`;
			return { request: toRecord(updated[0]!), pick: this.toPick(picks[0]!) };
		});
	}

	/** A pick of this server by its number (nonce) or null. */
	public async getPick(nonce: number): Promise<SlotPickRecord | null> {
		const rows = await this.client.$queryRawUnsafe<PickRow[]>(
			`SELECT ${pickColumns()} FROM slot_picks WHERE discord_server_id = $1 AND nonce = $2`,
			this.guildId,
			nonce
		);
		return rows[0] ? this.toPick(rows[0]) : null;
	}

	/** The latest pick whose request is neither played nor skipped: what the streamer plays now. */
	public async currentPick(): Promise<{ request: SlotRequestRecord; pick: SlotPickRecord } | null> {
		const rows = await this.client.$queryRawUnsafe<PickRow[]>(
			`SELECT ${pickColumns('p.')} FROM slot_picks p
			JOIN slot_requests r ON r.discord_server_id = p.discord_server_id AND r.id = p.request_id
			WHERE p.discord_server_id = $1 AND r.played_at IS NULL AND r.skipped_at IS NULL
			ORDER BY p.nonce DESC LIMIT 1`,
			this.guildId
		);
		if (rows[0] === undefined) return null;
		const request = await this.get(rows[0].requestId);
		return request === null ? null : { request, pick: this.toPick(rows[0]) };
	}

	/**
	 * Records what a request paid: it must be this server's, open or picked, and not played or
	 * skipped yet. Amounts in cents (bet > 0, payout ≥ 0); the running hunt, if any, gets it.
	 */
	public async markPlayed(id: number, betCents: bigint, payoutCents: bigint): Promise<SlotRequestRecord | 'not found' | 'already done'> {
		if (betCents <= 0n) throw new InvalidInputError('A bet must be more than $0');
		if (payoutCents < 0n) throw new InvalidInputError('A payout cannot be negative');
		return this.withQueue(async (client) => {
			const rows = await client.$queryRawUnsafe<SlotRequestRow[]>(
				`UPDATE slot_requests SET picked = TRUE, picked_at = COALESCE(picked_at, now()), played_at = now(), bet = $3::numeric, payout = $4::numeric,
					hunt_id = (SELECT id FROM slot_hunts WHERE discord_server_id = $1 AND ended_at IS NULL)
				WHERE discord_server_id = $1 AND id = $2 AND played_at IS NULL AND skipped_at IS NULL RETURNING ${COLUMNS}`,
				this.guildId,
				id,
				plainMoney(betCents),
				plainMoney(payoutCents)
			);
			if (rows[0]) return toRecord(rows[0]);
			return (await this.read(client, id)) === null ? 'not found' : 'already done';
		});
	}

	/** Skips a request (open or picked, not played): it leaves the queue unplayed. */
	public async skip(id: number): Promise<SlotRequestRecord | 'not found' | 'already done'> {
		return this.withQueue(async (client) => {
			const rows = await client.$queryRawUnsafe<SlotRequestRow[]>(
				`UPDATE slot_requests SET picked = TRUE, picked_at = COALESCE(picked_at, now()), skipped_at = now()
				WHERE discord_server_id = $1 AND id = $2 AND played_at IS NULL AND skipped_at IS NULL RETURNING ${COLUMNS}`,
				this.guildId,
				id
			);
			if (rows[0]) return toRecord(rows[0]);
			return (await this.read(client, id)) === null ? 'not found' : 'already done';
		});
	}

	/** Marks an open request picked by hand (no draw); false when it is not an open request of this server. */
	public async markPicked(id: number): Promise<boolean> {
		return this.withQueue(async (client) => {
			const count = await client.$executeRawUnsafe(
				`UPDATE slot_requests SET picked = TRUE, picked_at = now() WHERE discord_server_id = $1 AND id = $2 AND ${OPEN}`,
				this.guildId,
				id
			);
			return count > 0;
		});
	}

	/** Removes every open request; returns how many. */
	public async clearOpen(): Promise<number> {
		return this.withQueue((client) => client.$executeRawUnsafe(`DELETE FROM slot_requests WHERE discord_server_id = $1 AND ${OPEN}`, this.guildId));
	}

	/** Adds a Kick user to the blacklist; false when they were on it. */
	public async blacklist(kickUsername: string, byDiscordId: string | null): Promise<boolean> {
		const name = kickUsername.trim().replace(/^@/, '');
		if (!/^[A-Za-z0-9_.-]{1,30}$/.test(name)) throw new InvalidInputError('A Kick username is 1 to 30 letters, digits, _ . or -');
		const count = await this.client.$executeRaw`
			INSERT INTO slot_request_blacklist (discord_server_id, kick_username_key, kick_username, added_by_discord_id)
			VALUES (${this.guildId}, ${name.toLowerCase()}, ${name}, ${byDiscordId === null ? null : BigInt(byDiscordId)})
			ON CONFLICT DO NOTHING`;
		return count > 0;
	}

	/** Takes a Kick user off the blacklist; false when they were not on it. */
	public async unblacklist(kickUsername: string): Promise<boolean> {
		const key = kickUsername.trim().replace(/^@/, '').toLowerCase();
		const count = await this.client
			.$executeRaw`DELETE FROM slot_request_blacklist WHERE discord_server_id = ${this.guildId} AND kick_username_key = ${key}`;
		return count > 0;
	}

	public async isBlacklisted(kickUsername: string): Promise<boolean> {
		const rows = await this.client.$queryRaw<{ one: number }[]>`
			SELECT 1 AS one FROM slot_request_blacklist WHERE discord_server_id = ${this.guildId} AND kick_username_key = ${kickUsername.toLowerCase()}`;
		return rows.length > 0;
	}

	/** A page (from 1) of the blacklist, by name, and how many are on it. */
	public async blacklistPage(page: number, size: number): Promise<{ entries: BlacklistEntry[]; total: number }> {
		const [rows, count] = await Promise.all([
			this.client.$queryRaw<{ kickUsername: string; addedByDiscordId: bigint | null; addedAt: Date }[]>`
				SELECT kick_username AS "kickUsername", added_by_discord_id AS "addedByDiscordId", added_at AS "addedAt" FROM slot_request_blacklist
				WHERE discord_server_id = ${this.guildId} ORDER BY kick_username_key LIMIT ${size} OFFSET ${(page - 1) * size}`,
			this.client.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM slot_request_blacklist WHERE discord_server_id = ${this.guildId}`
		]);
		return {
			entries: rows.map((row) => ({ ...row, addedByDiscordId: row.addedByDiscordId === null ? null : row.addedByDiscordId.toString() })),
			total: count[0]!.n
		};
	}

	private async read(client: QueryClient, id: number): Promise<SlotRequestRecord | null> {
		const rows = await client.$queryRawUnsafe<SlotRequestRow[]>(
			`SELECT ${COLUMNS} FROM slot_requests WHERE discord_server_id = $1 AND id = $2`,
			this.guildId,
			id
		);
		return rows[0] ? toRecord(rows[0]) : null;
	}

	/** Runs `work` holding this server's queue (its state row, locked to the end of the transaction). */
	private withQueue<T>(work: (client: QueryClient, state: StateRow) => Promise<T>): Promise<T> {
		return this.scope.transaction(async (client) => work(client, await this.stateRow(client, true)));
	}

	private async stateRow(client: QueryClient, lock: boolean): Promise<StateRow> {
		const seed = commitSeed();
		await client.$executeRaw`
			INSERT INTO slot_request_state (discord_server_id, next_server_seed, next_commitment)
			VALUES (${this.guildId}, ${seed.serverSeed}, ${seed.commitment}) ON CONFLICT DO NOTHING`;
		const rows = await client.$queryRawUnsafe<StateRow[]>(
			`SELECT is_open AS "isOpen", next_server_seed AS "nextServerSeed", next_commitment AS "nextCommitment", picks,
				panel_channel_id AS "panelChannelId", panel_post_key AS "panelPostKey"
			FROM slot_request_state WHERE discord_server_id = $1${lock ? ' FOR UPDATE' : ''}`,
			this.guildId
		);
		return rows[0]!;
	}

	private toPick(row: PickRow): SlotPickRecord {
		return {
			id: row.id,
			guildId: this.guildId,
			nonce: row.nonce,
			requestId: row.requestId,
			serverSeed: row.serverSeed,
			commitment: row.commitment,
			clientSeed: row.clientSeed,
			candidateIds: row.candidateIds,
			index: row.drawnIndex,
			rejections: row.rejections,
			pickedByDiscordId: row.pickedByDiscordId === null ? null : row.pickedByDiscordId.toString(),
			pickedAt: row.pickedAt
		};
	}
}

function isCaller(row: SlotRequestRecord, kickUsername: string, kickUserId: string | null): boolean {
	return (kickUserId !== null && row.kickUserId === kickUserId) || row.kickUsername.toLowerCase() === kickUsername.toLowerCase();
}

function toState(row: StateRow): QueueState {
	return {
		isOpen: row.isOpen,
		nextCommitment: row.nextCommitment,
		picks: row.picks,
		panelChannelId: row.panelChannelId === null ? null : row.panelChannelId.toString(),
		panelPostKey: row.panelPostKey
	};
}

export function toRecord(row: SlotRequestRow): SlotRequestRecord {
	const status: SlotRequestStatus = row.playedAt !== null ? 'played' : row.skippedAt !== null ? 'skipped' : row.picked === true ? 'picked' : 'open';
	return {
		id: row.id,
		kickUsername: row.kickUsername,
		slotCall: row.slotCall,
		requestedAt: row.requestedAt,
		picked: row.picked ?? false,
		pickedAt: row.pickedAt,
		status,
		kickUserId: row.kickUserId === null ? null : row.kickUserId.toString(),
		slotId: row.slotId,
		playedAt: row.playedAt,
		bet: row.bet === null ? null : centsOf(row.bet),
		payout: row.payout === null ? null : centsOf(row.payout),
		huntId: row.huntId
	};
}
