import {
	ConflictError,
	GuildRepository,
	InvalidInputError,
	NotFoundError,
	Prisma,
	assertPositiveInteger,
	type ChatVariableViewer,
	type QueryClient
} from '#core';
import { participantKeyOf, type Participant } from './participants.js';
import { EMPTY_RULES, readRules, type PeriodRules } from './rules.js';

export type RafflePeriodStatus = 'active' | 'ended' | 'drawn' | 'cancelled';
export type TicketSource = 'watchtime' | 'gifted_sub' | 'wager' | 'bonus';
export const TICKET_SOURCES: readonly TicketSource[] = ['watchtime', 'gifted_sub', 'wager', 'bonus'];

/** A period as anyone may see it: the seed's commitment, never the seed. */
export interface RafflePeriodRecord {
	readonly id: number;
	readonly startDate: Date;
	readonly endDate: Date;
	readonly status: string;
	readonly totalTickets: number;
	readonly createdAt: Date | null;
	/** sha256 of the secret seed; null only for a legacy period opened before commitments. */
	readonly seedCommitment: string | null;
	readonly rules: PeriodRules;
	readonly prize: string | null;
}

export interface TicketRecord {
	readonly periodId: number;
	readonly participantKey: string;
	readonly discordId: bigint | null;
	readonly kickName: string;
	readonly watchtimeTickets: number;
	readonly giftedSubTickets: number;
	readonly wagerTickets: number;
	readonly bonusTickets: number;
	readonly totalTickets: number;
	/** Wagers entered this period, in cents. */
	readonly wagerCents: bigint;
	/** What of the wagers is not a ticket yet, in cents × tickets per $1000. */
	readonly wagerCarry: bigint;
}

/** One row of the ticket log. */
export interface TicketLogEntry {
	readonly participantKey: string;
	readonly source: TicketSource;
	readonly delta: number;
	readonly reason: string;
	readonly actorDiscordId: bigint | null;
	readonly wagerCents: bigint | null;
	readonly at: Date;
}

/** A change of one participant's tickets from one source (not wagers: see `enterWager`). */
export interface TicketChange {
	readonly participant: Participant;
	readonly source: Exclude<TicketSource, 'wager'>;
	/** Tickets added (> 0) or removed (< 0; a removal stops at what the source gave). */
	readonly delta: number;
	readonly reason: string;
	readonly actorDiscordId?: bigint | null;
	/** The event that makes it, counted once in this server: a Kick event (gifted subs), a dashboard request (`dashboard:<id>`). */
	readonly kickEventId?: string;
}

/** What a change did: the tickets after it, and how many it added or removed (0: nothing, e.g. a replayed event). */
export interface TicketChangeOutcome {
	readonly applied: number;
	readonly ticket: TicketRecord | null;
}

/** A draw (number 1) or reroll (2, 3, …) of a period, with the engine's record. */
export interface StoredDraw {
	readonly periodId: number;
	readonly drawNumber: number;
	readonly kind: 'draw' | 'reroll';
	readonly slots: readonly number[];
	readonly record: unknown;
	readonly drawnByDiscordId: bigint | null;
	readonly drawnAt: Date;
}

/** A winner as the legacy `raffle_draws` row shows it (the dashboard reads these). */
export interface DrawWinnerRow {
	readonly slot: number;
	readonly participantKey: string;
	readonly discordId: bigint | null;
	readonly kickName: string;
	readonly winningTicket: number;
	readonly nonce: number;
}

/** What the draw writes besides its record. */
export interface NewDraw {
	readonly kind: 'draw' | 'reroll';
	readonly slots: readonly number[];
	readonly record: unknown;
	readonly winners: readonly DrawWinnerRow[];
	readonly totalTickets: number;
	readonly totalParticipants: number;
	readonly drawnByDiscordId: bigint | null;
	readonly prize: string | null;
	readonly serverSeed: string;
	readonly clientSeed: string;
	readonly commitment: string;
}

/** A page of the ticket table in the draw's order. */
export interface EntryRow {
	readonly key: string;
	readonly tickets: number;
}

/** Reasons are shown in the log and the draw record. */
export const REASON_MAX_LENGTH = 200;
/** One change moves at most this many tickets (PostgreSQL INTEGER holds any total of such changes for long). */
export const CHANGE_MAX_TICKETS = 1_000_000;
/** $1000 in cents: the unit `wager_tickets_per_1000` is per. */
const CENTS_PER_1000 = 100_000n;

const SOURCE_COLUMNS: Record<TicketSource, Prisma.Sql> = {
	watchtime: Prisma.raw('watchtime_tickets'),
	gifted_sub: Prisma.raw('gifted_sub_tickets'),
	wager: Prisma.raw('shuffle_wager_tickets'),
	bonus: Prisma.raw('bonus_tickets')
};

const PERIOD_COLUMNS = Prisma.raw(
	'id, start_date AS "startDate", end_date AS "endDate", status, total_tickets AS "totalTickets", created_at AS "createdAt", seed_commitment AS "seedCommitment", rules, prize'
);
const TICKET_COLUMNS = Prisma.raw(
	'period_id AS "periodId", participant_key AS "participantKey", discord_id AS "discordId", kick_name AS "kickName", watchtime_tickets AS "watchtimeTickets", ' +
		'gifted_sub_tickets AS "giftedSubTickets", shuffle_wager_tickets AS "shuffleWagerTickets", bonus_tickets AS "bonusTickets", total_tickets AS "totalTickets", ' +
		'wager_cents AS "wagerCents", wager_carry AS "wagerCarry"'
);

interface PeriodRow {
	id: number;
	startDate: Date;
	endDate: Date;
	status: string | null;
	totalTickets: number | null;
	createdAt: Date | null;
	seedCommitment: string | null;
	rules: unknown;
	prize: string | null;
}

interface TicketRow {
	periodId: number | null;
	participantKey: string | null;
	discordId: bigint | null;
	kickName: string;
	watchtimeTickets: number | null;
	giftedSubTickets: number | null;
	shuffleWagerTickets: number | null;
	bonusTickets: number | null;
	totalTickets: number | null;
	wagerCents: bigint;
	wagerCarry: bigint;
}

/**
 * This server's raffle periods, their tickets (totals per participant and source, and the
 * append-only log they are the sums of), watch hours and draws. Everything is reached through a
 * period of this server; rows carry the server, tied to their period by composite foreign keys.
 * The period's secret seed leaves this class only through `drawSecrets`, which the draw uses.
 */
export class RaffleRepository extends GuildRepository {
	public async activePeriod(): Promise<RafflePeriodRecord | null> {
		const rows = await this.client.$queryRaw<PeriodRow[]>`
			SELECT ${PERIOD_COLUMNS} FROM raffle_periods WHERE discord_server_id = ${this.guildId} AND status = 'active' LIMIT 1`;
		return rows[0] === undefined ? null : toPeriod(rows[0]);
	}

	public async period(id: number): Promise<RafflePeriodRecord | null> {
		if (!Number.isSafeInteger(id)) return null;
		const rows = await this.client.$queryRaw<PeriodRow[]>`
			SELECT ${PERIOD_COLUMNS} FROM raffle_periods WHERE discord_server_id = ${this.guildId} AND id = ${id}`;
		return rows[0] === undefined ? null : toPeriod(rows[0]);
	}

	/** Periods, latest start first. */
	public async periods(limit = 100): Promise<RafflePeriodRecord[]> {
		const rows = await this.client.$queryRaw<PeriodRow[]>`
			SELECT ${PERIOD_COLUMNS} FROM raffle_periods WHERE discord_server_id = ${this.guildId} ORDER BY start_date DESC, id DESC LIMIT ${limit}`;
		return rows.map(toPeriod);
	}

	/** The latest period that was drawn or ended, else the active one: what `/raffle status` after a draw is about. */
	public async latestPeriod(): Promise<RafflePeriodRecord | null> {
		return (await this.activePeriod()) ?? (await this.periods(1))[0] ?? null;
	}

	/** Periods whose end passed that are still active, or ended and not drawn: what the schedule looks at. */
	public async periodsDue(now: Date): Promise<RafflePeriodRecord[]> {
		const rows = await this.client.$queryRaw<PeriodRow[]>`
			SELECT ${PERIOD_COLUMNS} FROM raffle_periods
			WHERE discord_server_id = ${this.guildId} AND status IN ('active', 'ended') AND end_date <= ${now}::timestamptz AT TIME ZONE 'UTC'
			ORDER BY end_date`;
		return rows.map(toPeriod);
	}

	/**
	 * Opens a period with its seed committed (the commitment public at once, the seed secret) and
	 * its rules fixed. The database holds one active period per server (a partial unique index).
	 * @throws {ConflictError} while another period of this server is active.
	 */
	public async createPeriod(period: {
		startDate: Date;
		endDate: Date;
		seed: { readonly serverSeed: string; readonly commitment: string };
		rules?: PeriodRules;
		prize?: string | null;
		openedByDiscordId?: bigint | null;
	}): Promise<RafflePeriodRecord> {
		if (!(period.endDate > period.startDate)) throw new InvalidInputError('A raffle period ends after it starts');
		try {
			const rows = await this.client.$queryRaw<PeriodRow[]>`
				INSERT INTO raffle_periods (discord_server_id, start_date, end_date, status, total_tickets, seed_commitment, server_seed, rules, prize, opened_by_discord_id)
				VALUES (${this.guildId}, ${period.startDate}::timestamptz AT TIME ZONE 'UTC', ${period.endDate}::timestamptz AT TIME ZONE 'UTC', 'active', 0,
					${period.seed.commitment}, ${period.seed.serverSeed}, ${JSON.stringify(period.rules ?? EMPTY_RULES)}::jsonb, ${period.prize ?? null},
					${period.openedByDiscordId ?? null})
				RETURNING ${PERIOD_COLUMNS}`;
			return toPeriod(rows[0]!);
		} catch (error) {
			if (isUniqueViolation(error)) throw new ConflictError('This server already has an active raffle period');
			throw error;
		}
	}

	/** Commits a seed for a legacy period that has none (before any draw); false when it had one. */
	public async commitLegacySeed(id: number, seed: { readonly serverSeed: string; readonly commitment: string }): Promise<boolean> {
		const changed = await this.client.$executeRaw`
			UPDATE raffle_periods SET seed_commitment = ${seed.commitment}, server_seed = ${seed.serverSeed}
			WHERE discord_server_id = ${this.guildId} AND id = ${id} AND seed_commitment IS NULL AND status IN ('active', 'ended')`;
		return changed > 0;
	}

	/** Changes a period's status (ending it stops its tickets). @throws {NotFoundError} for no period of this server. */
	public async setPeriodStatus(id: number, status: RafflePeriodStatus): Promise<RafflePeriodRecord> {
		try {
			const rows = await this.client.$queryRaw<PeriodRow[]>`
				UPDATE raffle_periods SET status = ${status}, closed_at = CASE WHEN ${status} = 'active' THEN NULL ELSE COALESCE(closed_at, now()) END
				WHERE discord_server_id = ${this.guildId} AND id = ${id}
				RETURNING ${PERIOD_COLUMNS}`;
			if (rows[0] === undefined) throw new NotFoundError(`Raffle period #${id}`);
			return toPeriod(rows[0]);
		} catch (error) {
			if (isUniqueViolation(error)) throw new ConflictError('This server already has an active raffle period');
			throw error;
		}
	}

	/** Ends an active period (no more tickets); false when it was not active. */
	public async endPeriod(id: number): Promise<boolean> {
		const changed = await this.client.$executeRaw`
			UPDATE raffle_periods SET status = 'ended', closed_at = now() WHERE discord_server_id = ${this.guildId} AND id = ${id} AND status = 'active'`;
		return changed > 0;
	}

	/**
	 * Adds or removes tickets of one source for one participant in an active period, and logs it,
	 * in one transaction (the period row locked, so a draw sees all or none of it). A removal
	 * stops at what that source gave; a Kick event already counted here adds nothing.
	 * @throws {NotFoundError} when the period is not this server's; {ConflictError} when it is not active.
	 */
	public async changeTickets(periodId: number, change: TicketChange): Promise<TicketChangeOutcome> {
		if (!Number.isSafeInteger(change.delta) || change.delta === 0 || Math.abs(change.delta) > CHANGE_MAX_TICKETS)
			throw new InvalidInputError(`A change is 1 to ${CHANGE_MAX_TICKETS.toLocaleString('en-US')} tickets`);
		const reason = readReason(change.reason);
		return this.scope.transaction(async (client) => {
			await this.lockActivePeriod(client, periodId);
			const key = participantKeyOf(change.participant);
			if (change.kickEventId !== undefined && (await this.eventCounted(client, change.kickEventId)))
				return { applied: 0, ticket: await this.ticketIn(client, periodId, key) };
			const before = await this.ticketIn(client, periodId, key, true);
			const held = before === null ? 0 : sourceCount(before, change.source);
			const applied = Math.max(change.delta, -held);
			if (applied === 0) return { applied: 0, ticket: before };
			await client.$executeRaw`
				INSERT INTO raffle_ticket_log (discord_server_id, period_id, participant_key, discord_id, kick_name, source, delta, reason, actor_discord_id, kick_event_id)
				VALUES (${this.guildId}, ${periodId}, ${key}, ${change.participant.discordId}, ${change.participant.kickName}, ${change.source}, ${applied}, ${reason},
					${change.actorDiscordId ?? null}, ${change.kickEventId ?? null})`;
			const ticket = await this.addToTotals(client, periodId, change.participant, change.source, applied, { cents: 0n, carry: null });
			return { applied, ticket };
		});
	}

	/**
	 * Enters a wager of `cents` (negative: takes one back) for a participant: tickets at
	 * `ticketsPer1000` per $1000, the fraction carried over to the next wager (never lost), and a log
	 * row with the amount. A take-back stops at the wager tickets held.
	 */
	public async enterWager(
		periodId: number,
		wager: { participant: Participant; cents: bigint; ticketsPer1000: number; reason: string; actorDiscordId?: bigint | null; eventId?: string }
	): Promise<TicketChangeOutcome> {
		if (wager.cents === 0n || wager.cents > 100_000_000_000n || wager.cents < -100_000_000_000n)
			throw new InvalidInputError('A wager is $0.01 to $1,000,000,000');
		if (!Number.isSafeInteger(wager.ticketsPer1000) || wager.ticketsPer1000 < 0) throw new InvalidInputError('Tickets per $1000 is a whole number from 0');
		const reason = readReason(wager.reason);
		return this.scope.transaction(async (client) => {
			await this.lockActivePeriod(client, periodId);
			const key = participantKeyOf(wager.participant);
			if (wager.eventId !== undefined && (await this.eventCounted(client, wager.eventId)))
				return { applied: 0, ticket: await this.ticketIn(client, periodId, key) };
			const before = await this.ticketIn(client, periodId, key, true);
			const { tickets, carry } = wagerTickets(before?.wagerCarry ?? 0n, wager.cents, BigInt(wager.ticketsPer1000));
			const applied = Math.max(Number(tickets), -(before?.wagerTickets ?? 0));
			const newCarry = applied === Number(tickets) ? carry : 0n;
			const cents = before !== null && before.wagerCents + wager.cents < 0n ? -before.wagerCents : wager.cents;
			await client.$executeRaw`
				INSERT INTO raffle_ticket_log (discord_server_id, period_id, participant_key, discord_id, kick_name, source, delta, reason, actor_discord_id, wager_cents, kick_event_id)
				VALUES (${this.guildId}, ${periodId}, ${key}, ${wager.participant.discordId}, ${wager.participant.kickName}, 'wager', ${applied}, ${reason},
					${wager.actorDiscordId ?? null}, ${wager.cents}, ${wager.eventId ?? null})`;
			const ticket = await this.addToTotals(client, periodId, wager.participant, 'wager', applied, { cents, carry: newCarry });
			return { applied, ticket };
		});
	}

	/**
	 * Counts one watch-time minute (`tickAt`, its start) for the linked members watchtime credited
	 * in it, in one statement: it claims (server, minute), adds the minute to each member's minutes
	 * in the period open then, and pays `ticketsPerHour` for each whole hour reached (an hour is paid
	 * once: a unique log key). Returns how many members gained a minute and how many were paid an hour.
	 */
	public async countWatchMinute(tickAt: Date, ticketsPerHour: number): Promise<{ counted: boolean; members: number; hours: number }> {
		const rows = await this.client.$queryRaw<{ counted: boolean; members: number; hours: number }[]>`
			WITH period AS (
				SELECT id FROM raffle_periods
				WHERE discord_server_id = ${this.guildId} AND status = 'active'
					AND start_date <= ${tickAt}::timestamptz AT TIME ZONE 'UTC' AND end_date > ${tickAt}::timestamptz AT TIME ZONE 'UTC'
				FOR NO KEY UPDATE
			),
			claimed AS (
				INSERT INTO raffle_watch_ticks (discord_server_id, tick_at) SELECT ${this.guildId}, ${tickAt}::timestamptz FROM period
				ON CONFLICT DO NOTHING RETURNING 1
			),
			watchers AS (
				SELECT DISTINCT ON (l.discord_id) 'discord:' || l.discord_id AS participant_key, l.discord_id, lower(l.kick_name) AS kick_name
				FROM watchtime AS w
				JOIN links AS l ON l.discord_server_id = ${this.guildId} AND lower(l.kick_name) = w.username
				WHERE w.discord_server_id = ${this.guildId} AND w.last_active = ${tickAt}::timestamptz AT TIME ZONE 'UTC' AND EXISTS (SELECT 1 FROM claimed)
			),
			watched AS (
				INSERT INTO raffle_watch_minutes (discord_server_id, period_id, participant_key, minutes)
				SELECT ${this.guildId}, period.id, watchers.participant_key, 1 FROM watchers, period
				ON CONFLICT (discord_server_id, period_id, participant_key) DO UPDATE SET minutes = raffle_watch_minutes.minutes + 1
				RETURNING participant_key, minutes
			),
			paid AS (
				INSERT INTO raffle_ticket_log (discord_server_id, period_id, participant_key, discord_id, kick_name, source, delta, reason, watch_hour)
				SELECT ${this.guildId}, period.id, watched.participant_key, watchers.discord_id, watchers.kick_name, 'watchtime', ${ticketsPerHour}::int,
					'Watched hour ' || (watched.minutes / 60) || ' of the period', watched.minutes / 60
				FROM watched JOIN watchers USING (participant_key), period
				WHERE watched.minutes % 60 = 0 AND ${ticketsPerHour}::int > 0
				ON CONFLICT (discord_server_id, period_id, participant_key, watch_hour) WHERE watch_hour IS NOT NULL DO NOTHING
				RETURNING period_id, participant_key, discord_id, kick_name, delta
			),
			totals AS (
				INSERT INTO raffle_tickets (period_id, discord_server_id, discord_id, kick_name, participant_key, watchtime_tickets, total_tickets, last_updated)
				SELECT period_id, ${this.guildId}, discord_id, kick_name, participant_key, delta, delta, now() FROM paid
				ON CONFLICT (discord_server_id, period_id, participant_key) DO UPDATE SET
					watchtime_tickets = COALESCE(raffle_tickets.watchtime_tickets, 0) + EXCLUDED.watchtime_tickets,
					total_tickets = COALESCE(raffle_tickets.total_tickets, 0) + EXCLUDED.total_tickets,
					kick_name = EXCLUDED.kick_name,
					last_updated = now()
				RETURNING 1
			),
			period_total AS (
				UPDATE raffle_periods SET total_tickets = COALESCE(total_tickets, 0) + (SELECT COALESCE(sum(delta), 0) FROM paid)
				WHERE discord_server_id = ${this.guildId} AND id = (SELECT id FROM period) AND EXISTS (SELECT 1 FROM paid)
			)
			SELECT EXISTS (SELECT 1 FROM claimed) AS counted, (SELECT count(*) FROM watched)::int AS members, (SELECT count(*) FROM totals)::int AS hours`;
		return rows[0]!;
	}

	/** Minutes a participant watched inside a period. */
	public async watchMinutesOf(periodId: number, participantKey: string): Promise<number> {
		const rows = await this.client.$queryRaw<{ minutes: number }[]>`
			SELECT minutes FROM raffle_watch_minutes WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND participant_key = ${participantKey}`;
		return rows[0]?.minutes ?? 0;
	}

	public async ticketsOf(periodId: number, participantKey: string): Promise<TicketRecord | null> {
		await this.periodOrThrow(this.client, periodId);
		return this.ticketIn(this.client, periodId, participantKey);
	}

	/**
	 * A viewer's tickets in the active period and the period's total, in one statement, for chat
	 * variables. The viewer is keyed as `participantKeyOf` keys them: a Discord member as themself
	 * (linked or not); a Kick chatter as the member one of this server's links has them under (by
	 * Kick user id first, as `links.ofKickAccount` finds a chatter, else by name, as
	 * `participantOfKickName` does), else as the Kick account. Null when no period is active.
	 */
	public async activeTicketsOfViewer(viewer: ChatVariableViewer): Promise<{ tickets: number; total: number } | null> {
		const kickUserId = viewer.kickUserId === null ? null : BigInt(viewer.kickUserId);
		const discordId = viewer.discordUserId === null ? null : BigInt(viewer.discordUserId);
		// The period's total_tickets moves with every change in the same transaction: no sum over its participants.
		const rows = await this.client.$queryRaw<{ tickets: number | null; total: number | null }[]>`
			WITH period AS (SELECT id, total_tickets FROM raffle_periods WHERE discord_server_id = ${this.guildId} AND status = 'active' LIMIT 1),
			who AS (
				SELECT CASE WHEN ${discordId}::bigint IS NOT NULL THEN 'discord:' || ${discordId}::bigint ELSE COALESCE((
					SELECT 'discord:' || discord_id FROM links
					WHERE discord_server_id = ${this.guildId} AND kick_name IS NOT NULL
						AND (kick_user_id = ${kickUserId}::bigint OR lower(kick_name) = lower(${viewer.kickName}::text))
					ORDER BY (kick_user_id = ${kickUserId}::bigint) DESC NULLS LAST, linked_at ASC NULLS LAST LIMIT 1
				), 'kick:' || lower(${viewer.kickName}::text)) END AS key
			)
			SELECT own.total_tickets AS tickets, period.total_tickets AS total
			FROM period CROSS JOIN who
			LEFT JOIN raffle_tickets AS own ON own.discord_server_id = ${this.guildId} AND own.period_id = period.id AND own.participant_key = who.key`;
		const row = rows[0];
		return row === undefined ? null : { tickets: Math.max(row.tickets ?? 0, 0), total: Math.max(row.total ?? 0, 0) };
	}

	/** A participant's place: tickets, rank (1 = most) and the period's total. */
	public async standingOf(periodId: number, participantKey: string): Promise<{ tickets: number; rank: number | null; total: number; participants: number }> {
		await this.periodOrThrow(this.client, periodId);
		const rows = await this.client.$queryRaw<{ tickets: number | null; rank: bigint | null; total: bigint | null; participants: bigint }[]>`
			SELECT own.total_tickets AS tickets,
				CASE WHEN own.total_tickets > 0 THEN 1 + (SELECT count(*) FROM raffle_tickets AS other WHERE other.discord_server_id = ${this.guildId} AND other.period_id = ${periodId} AND other.total_tickets > own.total_tickets) END AS rank,
				(SELECT sum(total_tickets) FROM raffle_tickets WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND total_tickets > 0) AS total,
				(SELECT count(*) FROM raffle_tickets WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND total_tickets > 0) AS participants
			FROM (SELECT 1) AS one
			LEFT JOIN raffle_tickets AS own ON own.discord_server_id = ${this.guildId} AND own.period_id = ${periodId} AND own.participant_key = ${participantKey}`;
		const row = rows[0]!;
		return {
			tickets: row.tickets ?? 0,
			rank: row.rank === null ? null : Number(row.rank),
			total: Number(row.total ?? 0n),
			participants: Number(row.participants)
		};
	}

	/** Participants with tickets, most first (ties by key), `limit` from `offset`. */
	public async ticketLeaderboard(periodId: number, limit: number, offset = 0): Promise<TicketRecord[]> {
		await this.periodOrThrow(this.client, periodId);
		assertPositiveInteger(limit, 'A page size');
		const rows = await this.client.$queryRaw<TicketRow[]>`
			SELECT ${TICKET_COLUMNS} FROM raffle_tickets
			WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND total_tickets > 0
			ORDER BY total_tickets DESC, participant_key COLLATE "C"
			OFFSET ${offset} LIMIT ${limit}`;
		return rows.map(toTicket);
	}

	/** How many participants hold tickets in a period. */
	public async participantCount(periodId: number): Promise<number> {
		const rows = await this.client.$queryRaw<{ count: bigint }[]>`
			SELECT count(*) AS count FROM raffle_tickets WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND total_tickets > 0`;
		return Number(rows[0]!.count);
	}

	/** Every participant with tickets, in the draw's order (participant key, C collation). */
	public async participants(periodId: number): Promise<TicketRecord[]> {
		await this.periodOrThrow(this.client, periodId);
		const rows = await this.client.$queryRaw<TicketRow[]>`
			SELECT ${TICKET_COLUMNS} FROM raffle_tickets
			WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND total_tickets > 0
			ORDER BY participant_key COLLATE "C"`;
		return rows.map(toTicket);
	}

	/** One page of the ticket table in the draw's order: keys after `afterKey` (C collation), tickets > 0. */
	public async entryPage(periodId: number, afterKey: string | null, limit: number): Promise<EntryRow[]> {
		return this.client.$queryRaw<EntryRow[]>`
			SELECT participant_key AS key, total_tickets AS tickets FROM raffle_tickets
			WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND total_tickets > 0
				AND (${afterKey}::text IS NULL OR participant_key COLLATE "C" > ${afterKey}::text COLLATE "C")
			ORDER BY participant_key COLLATE "C"
			LIMIT ${limit}`;
	}

	/** A participant's log in a period, newest first. */
	public async ticketLog(periodId: number, participantKey: string, limit = 20): Promise<TicketLogEntry[]> {
		await this.periodOrThrow(this.client, periodId);
		return this.client.$queryRaw<TicketLogEntry[]>`
			SELECT participant_key AS "participantKey", source, delta, reason, actor_discord_id AS "actorDiscordId", wager_cents AS "wagerCents", created_at AS at
			FROM raffle_ticket_log WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND participant_key = ${participantKey}
			ORDER BY id DESC LIMIT ${limit}`;
	}

	/** Per participant and source, the log's sums against the totals: rows where they differ (none, always). */
	public async totalsDifferingFromLog(periodId: number): Promise<{ participantKey: string; source: string; log: number; total: number }[]> {
		return this.client.$queryRaw`
			WITH log AS (
				SELECT participant_key, source, sum(delta)::int AS log FROM raffle_ticket_log
				WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} GROUP BY participant_key, source
			),
			totals AS (
				SELECT participant_key, s.source, s.total FROM raffle_tickets AS t
				CROSS JOIN LATERAL (VALUES ('watchtime', COALESCE(t.watchtime_tickets, 0)), ('gifted_sub', COALESCE(t.gifted_sub_tickets, 0)),
					('wager', COALESCE(t.shuffle_wager_tickets, 0)), ('bonus', COALESCE(t.bonus_tickets, 0)), ('total', COALESCE(t.total_tickets, 0))) AS s(source, total)
				WHERE t.discord_server_id = ${this.guildId} AND t.period_id = ${periodId}
			),
			log_with_total AS (
				SELECT participant_key, source, log FROM log
				UNION ALL SELECT participant_key, 'total', sum(log)::int FROM log GROUP BY participant_key
			)
			SELECT COALESCE(l.participant_key, t.participant_key) AS "participantKey", COALESCE(l.source, t.source) AS source,
				COALESCE(l.log, 0) AS log, COALESCE(t.total, 0) AS total
			FROM log_with_total AS l FULL JOIN totals AS t ON t.participant_key = l.participant_key AND t.source = l.source
			WHERE COALESCE(l.log, 0) <> COALESCE(t.total, 0)
			UNION ALL
			SELECT 'period', 'total', (SELECT COALESCE(sum(delta), 0)::int FROM raffle_ticket_log WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId}),
				COALESCE(total_tickets, 0)
			FROM raffle_periods WHERE discord_server_id = ${this.guildId} AND id = ${periodId}
				AND COALESCE(total_tickets, 0) <> (SELECT COALESCE(sum(delta), 0)::int FROM raffle_ticket_log WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId})`;
	}

	/**
	 * Makes a period ready to draw: an active one is ended first (its tickets stop changing: every
	 * change locks the period row and needs it active). Returns the period, its secret seed and its
	 * draws so far. @throws {NotFoundError} for no period of this server.
	 */
	public async prepareDraw(periodId: number): Promise<{ period: RafflePeriodRecord; serverSeed: string | null; draws: StoredDraw[] }> {
		return this.scope.transaction(async (client) => {
			const rows = await client.$queryRaw<(PeriodRow & { serverSeed: string | null })[]>`
				SELECT ${PERIOD_COLUMNS}, server_seed AS "serverSeed" FROM raffle_periods WHERE discord_server_id = ${this.guildId} AND id = ${periodId} FOR UPDATE`;
			if (rows[0] === undefined) throw new NotFoundError(`Raffle period #${periodId}`);
			if (rows[0].status === 'active') {
				await client.$executeRaw`
					UPDATE raffle_periods SET status = 'ended', closed_at = now() WHERE discord_server_id = ${this.guildId} AND id = ${periodId}`;
			}
			const period = toPeriod({ ...rows[0], status: rows[0].status === 'active' ? 'ended' : rows[0].status });
			return { period, serverSeed: rows[0].serverSeed, draws: await this.drawsIn(client, periodId) };
		});
	}

	/**
	 * Stores draw `drawNumber` of a period in one transaction: its record, the legacy winner rows,
	 * the announcement owed, and the period marked drawn. The primary key (server, period, number)
	 * makes each number happen once: when another process stored it first, nothing is written and
	 * `stored` is false (its draw is returned).
	 */
	public async storeDraw(periodId: number, drawNumber: number, draw: NewDraw): Promise<{ stored: boolean; draw: StoredDraw }> {
		return this.scope.transaction(async (client) => {
			await this.periodOrThrow(client, periodId);
			const rows = await client.$queryRaw<StoredDrawRow[]>`
				INSERT INTO raffle_draw_records (discord_server_id, period_id, draw_number, kind, slots, record, drawn_by_discord_id)
				VALUES (${this.guildId}, ${periodId}, ${drawNumber}, ${draw.kind}, ${[...draw.slots]}::int[], ${JSON.stringify(draw.record)}::jsonb, ${draw.drawnByDiscordId})
				ON CONFLICT (discord_server_id, period_id, draw_number) DO NOTHING
				RETURNING ${DRAW_COLUMNS}`;
			if (rows[0] === undefined) {
				const existing = (await this.drawsIn(client, periodId)).find((stored) => stored.drawNumber === drawNumber)!;
				return { stored: false, draw: existing };
			}
			for (const winner of draw.winners) {
				await client.$executeRaw`
					INSERT INTO raffle_draws (period_id, discord_server_id, total_tickets, total_participants, winner_discord_id, winner_kick_name, winning_ticket,
						prize_description, drawn_by_discord_id, server_seed, client_seed, nonce, proof_hash, draw_number, winner_slot, participant_key)
					VALUES (${periodId}, ${this.guildId}, ${draw.totalTickets}, ${draw.totalParticipants}, ${winner.discordId}, ${winner.kickName}, ${winner.winningTicket},
						${draw.prize}, ${draw.drawnByDiscordId}, ${draw.serverSeed}, ${draw.clientSeed}, ${String(winner.nonce)}, ${draw.commitment}, ${drawNumber},
						${winner.slot}, ${winner.participantKey})`;
			}
			await client.$executeRaw`
				INSERT INTO raffle_announcements (discord_server_id, period_id, draw_number) VALUES (${this.guildId}, ${periodId}, ${drawNumber})`;
			await client.$executeRaw`
				UPDATE raffle_periods SET status = 'drawn', closed_at = COALESCE(closed_at, now()) WHERE discord_server_id = ${this.guildId} AND id = ${periodId}`;
			return { stored: true, draw: toStoredDraw(rows[0]) };
		});
	}

	/** One draw of a period, or null. */
	public async draw(periodId: number, drawNumber: number): Promise<StoredDraw | null> {
		const rows = await this.client.$queryRaw<StoredDrawRow[]>`
			SELECT ${DRAW_COLUMNS} FROM raffle_draw_records WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND draw_number = ${drawNumber}`;
		return rows[0] === undefined ? null : toStoredDraw(rows[0]);
	}

	public async draws(periodId: number): Promise<StoredDraw[]> {
		await this.periodOrThrow(this.client, periodId);
		return this.drawsIn(this.client, periodId);
	}

	/** The latest draw of this server (any period), or null. */
	public async latestDraw(): Promise<StoredDraw | null> {
		const rows = await this.client.$queryRaw<StoredDrawRow[]>`
			SELECT ${DRAW_COLUMNS} FROM raffle_draw_records WHERE discord_server_id = ${this.guildId} ORDER BY drawn_at DESC, draw_number DESC LIMIT 1`;
		return rows[0] === undefined ? null : toStoredDraw(rows[0]);
	}

	/** Announcements owed (drawn, not yet handed to the outbox), oldest first. */
	public async owedAnnouncements(): Promise<{ periodId: number; drawNumber: number }[]> {
		return this.client.$queryRaw`
			SELECT period_id AS "periodId", draw_number AS "drawNumber" FROM raffle_announcements
			WHERE discord_server_id = ${this.guildId} AND delivered_at IS NULL ORDER BY owed_at, period_id, draw_number`;
	}

	public async markAnnounced(periodId: number, drawNumber: number): Promise<void> {
		await this.client.$executeRaw`
			UPDATE raffle_announcements SET delivered_at = now()
			WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND draw_number = ${drawNumber} AND delivered_at IS NULL`;
	}

	/** The Discord message id the outbox posted under `dedupeKey` (announcement or leaderboard), once sent. */
	public async postedMessageId(dedupeKey: string): Promise<string | null> {
		const rows = await this.client.$queryRaw<{ id: string | null }[]>`
			SELECT sent_message_id AS id FROM outbox_messages WHERE discord_server_id = ${this.guildId} AND dedupe_key = ${`discord:${dedupeKey}`} AND status = 'sent'`;
		return rows[0]?.id ?? null;
	}

	/** What the leaderboard message last showed. */
	public async leaderboardShown(): Promise<{ channelId: bigint; periodId: number; shownHash: string; editedAt: Date } | null> {
		const rows = await this.client.$queryRaw<{ channelId: bigint; periodId: number; shownHash: string; editedAt: Date }[]>`
			SELECT channel_id AS "channelId", period_id AS "periodId", shown_hash AS "shownHash", edited_at AS "editedAt"
			FROM raffle_leaderboards WHERE discord_server_id = ${this.guildId}`;
		return rows[0] ?? null;
	}

	public async recordLeaderboardShown(channelId: bigint, periodId: number, shownHash: string): Promise<void> {
		await this.client.$executeRaw`
			INSERT INTO raffle_leaderboards (discord_server_id, channel_id, period_id, shown_hash, edited_at)
			VALUES (${this.guildId}, ${channelId}, ${periodId}, ${shownHash}, now())
			ON CONFLICT (discord_server_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, period_id = EXCLUDED.period_id, shown_hash = EXCLUDED.shown_hash, edited_at = now()`;
	}

	/** This server's member linked to a Kick name, or null. */
	public async memberLinkedTo(kickName: string): Promise<{ discordId: bigint; kickName: string } | null> {
		const rows = await this.client.$queryRaw<{ discordId: bigint; kickName: string }[]>`
			SELECT discord_id AS "discordId", kick_name AS "kickName" FROM links
			WHERE discord_server_id = ${this.guildId} AND lower(kick_name) = ${kickName.toLowerCase()} LIMIT 1`;
		return rows[0] ?? null;
	}

	/** The Kick name a member linked here, or null. */
	public async kickNameOf(discordId: bigint): Promise<string | null> {
		const rows = await this.client.$queryRaw<{ kickName: string | null }[]>`
			SELECT kick_name AS "kickName" FROM links WHERE discord_server_id = ${this.guildId} AND discord_id = ${discordId}`;
		return rows[0]?.kickName ?? null;
	}

	/**
	 * The participants of a period a draw must leave out, with the reason, under the period's rules:
	 * not linked here (now) when a link is required, under the minimum watch time, or excluded by name.
	 */
	public async ineligible(periodId: number, rules: PeriodRules): Promise<Map<string, string>> {
		const excludedKeys = rules.excluded.map((entry) => entry.key);
		const rows = await this.client.$queryRaw<{ key: string; reason: string }[]>`
			SELECT t.participant_key AS key,
				CASE
					WHEN t.participant_key = ANY(${excludedKeys}::text[]) THEN 'excluded'
					WHEN ${rules.linkedOnly} AND NOT EXISTS (
						SELECT 1 FROM links AS l WHERE l.discord_server_id = ${this.guildId}
							AND ((t.discord_id IS NOT NULL AND l.discord_id = t.discord_id)
								OR (t.discord_id IS NULL AND lower(l.kick_name) = substr(t.participant_key, 6)))
					) THEN 'no linked Kick account'
					WHEN ${rules.minWatchMinutes} > 0 AND COALESCE(m.minutes, 0) < ${rules.minWatchMinutes} THEN 'under the minimum watch time'
				END AS reason
			FROM raffle_tickets AS t
			LEFT JOIN raffle_watch_minutes AS m ON m.discord_server_id = ${this.guildId} AND m.period_id = ${periodId} AND m.participant_key = t.participant_key
			WHERE t.discord_server_id = ${this.guildId} AND t.period_id = ${periodId} AND t.total_tickets > 0`;
		const reasons = new Map(rules.excluded.map((entry) => [entry.key, entry.reason]));
		return new Map(
			rows.filter((row) => row.reason !== null).map((row) => [row.key, row.reason === 'excluded' ? `excluded: ${reasons.get(row.key)}` : row.reason])
		);
	}

	/** The ticket rows of some participants (for the winners' names). */
	public async ticketsOfKeys(periodId: number, keys: readonly string[]): Promise<Map<string, TicketRecord>> {
		const rows = await this.client.$queryRaw<TicketRow[]>`
			SELECT ${TICKET_COLUMNS} FROM raffle_tickets WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND participant_key = ANY(${[...keys]}::text[])`;
		return new Map(rows.map((row) => [row.participantKey!, toTicket(row)]));
	}

	private async drawsIn(client: QueryClient, periodId: number): Promise<StoredDraw[]> {
		const rows = await client.$queryRaw<StoredDrawRow[]>`
			SELECT ${DRAW_COLUMNS} FROM raffle_draw_records WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} ORDER BY draw_number`;
		return rows.map(toStoredDraw);
	}

	private async ticketIn(client: QueryClient, periodId: number, key: string, forUpdate = false): Promise<TicketRecord | null> {
		const rows = forUpdate
			? await client.$queryRaw<TicketRow[]>`
				SELECT ${TICKET_COLUMNS} FROM raffle_tickets WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND participant_key = ${key} FOR UPDATE`
			: await client.$queryRaw<TicketRow[]>`
				SELECT ${TICKET_COLUMNS} FROM raffle_tickets WHERE discord_server_id = ${this.guildId} AND period_id = ${periodId} AND participant_key = ${key}`;
		return rows[0] === undefined ? null : toTicket(rows[0]);
	}

	private async addToTotals(
		client: QueryClient,
		periodId: number,
		participant: Participant,
		source: TicketSource,
		delta: number,
		wager: { cents: bigint; carry: bigint | null }
	): Promise<TicketRecord> {
		const column = SOURCE_COLUMNS[source];
		const key = participantKeyOf(participant);
		const rows = await client.$queryRaw<TicketRow[]>`
			INSERT INTO raffle_tickets (period_id, discord_server_id, discord_id, kick_name, participant_key, ${column}, total_tickets, wager_cents, wager_carry, last_updated)
			VALUES (${periodId}, ${this.guildId}, ${participant.discordId}, ${participant.kickName}, ${key}, ${delta}, ${delta}, ${wager.cents}, ${wager.carry ?? 0n}, now())
			ON CONFLICT (discord_server_id, period_id, participant_key) DO UPDATE SET
				${column} = COALESCE(raffle_tickets.${column}, 0) + EXCLUDED.${column},
				total_tickets = COALESCE(raffle_tickets.total_tickets, 0) + EXCLUDED.total_tickets,
				wager_cents = raffle_tickets.wager_cents + EXCLUDED.wager_cents,
				wager_carry = CASE WHEN ${wager.carry === null} THEN raffle_tickets.wager_carry ELSE EXCLUDED.wager_carry END,
				kick_name = CASE WHEN EXCLUDED.kick_name = '' THEN raffle_tickets.kick_name ELSE EXCLUDED.kick_name END,
				last_updated = now()
			WHERE raffle_tickets.discord_server_id = ${this.guildId}
			RETURNING ${TICKET_COLUMNS}`;
		if (delta !== 0) {
			await client.$executeRaw`
				UPDATE raffle_periods SET total_tickets = COALESCE(total_tickets, 0) + ${delta} WHERE discord_server_id = ${this.guildId} AND id = ${periodId}`;
		}
		return toTicket(rows[0]!);
	}

	/** Locks the period against a draw for the rest of the transaction. @throws when it is not this server's, or not active. */
	private async lockActivePeriod(client: QueryClient, periodId: number): Promise<void> {
		const rows = await client.$queryRaw<{ status: string | null }[]>`
			SELECT status FROM raffle_periods WHERE discord_server_id = ${this.guildId} AND id = ${periodId} FOR NO KEY UPDATE`;
		if (rows[0] === undefined) throw new NotFoundError(`Raffle period #${periodId}`);
		if (rows[0].status !== 'active') throw new ConflictError(`Raffle period #${periodId} is ${rows[0].status ?? 'closed'}: its tickets no longer change`);
	}

	/** Whether the event that makes a change (a Kick event, a dashboard request) was counted here already. */
	private async eventCounted(client: QueryClient, eventId: string): Promise<boolean> {
		const seen = await client.$queryRaw<{ found: number }[]>`
			SELECT 1 AS found FROM raffle_ticket_log WHERE discord_server_id = ${this.guildId} AND kick_event_id = ${eventId}`;
		return seen.length > 0;
	}

	private async periodOrThrow(client: QueryClient, periodId: number): Promise<void> {
		const rows = await client.$queryRaw<{ found: number }[]>`
			SELECT 1 AS found FROM raffle_periods WHERE discord_server_id = ${this.guildId} AND id = ${periodId}`;
		if (rows.length === 0) throw new NotFoundError(`Raffle period #${periodId}`);
	}
}

/**
 * Tickets for a wager of `cents` at `per1000` tickets per $1000 on top of `carry` (in cents ×
 * per1000): whole tickets (rounded down, also for a take-back), and the rest carried, in [0, $1000 × per1000).
 */
export function wagerTickets(carry: bigint, cents: bigint, per1000: bigint): { tickets: bigint; carry: bigint } {
	const units = carry + cents * per1000;
	let tickets = units / CENTS_PER_1000;
	if (units < 0n && tickets * CENTS_PER_1000 !== units) tickets -= 1n;
	return { tickets, carry: units - tickets * CENTS_PER_1000 };
}

function readReason(reason: string): string {
	const trimmed = reason.trim();
	if (trimmed === '' || [...trimmed].length > REASON_MAX_LENGTH) throw new InvalidInputError(`A reason is 1 to ${REASON_MAX_LENGTH} characters`);
	return trimmed;
}

function sourceCount(ticket: TicketRecord, source: TicketSource): number {
	switch (source) {
		case 'watchtime':
			return ticket.watchtimeTickets;
		case 'gifted_sub':
			return ticket.giftedSubTickets;
		case 'wager':
			return ticket.wagerTickets;
		case 'bonus':
			return ticket.bonusTickets;
	}
}

function isUniqueViolation(error: unknown): boolean {
	const text = error instanceof Error ? error.message : String(error);
	return /23505|unique constraint|duplicate key/i.test(text);
}

const DRAW_COLUMNS = Prisma.raw(
	'period_id AS "periodId", draw_number AS "drawNumber", kind, slots, record, drawn_by_discord_id AS "drawnByDiscordId", drawn_at AS "drawnAt"'
);

interface StoredDrawRow {
	periodId: number;
	drawNumber: number;
	kind: string;
	slots: number[];
	record: unknown;
	drawnByDiscordId: bigint | null;
	drawnAt: Date;
}

function toStoredDraw(row: StoredDrawRow): StoredDraw {
	return {
		periodId: row.periodId,
		drawNumber: row.drawNumber,
		kind: row.kind === 'reroll' ? 'reroll' : 'draw',
		slots: row.slots,
		record: row.record,
		drawnByDiscordId: row.drawnByDiscordId,
		drawnAt: row.drawnAt
	};
}

function toPeriod(row: PeriodRow): RafflePeriodRecord {
	return {
		id: row.id,
		startDate: row.startDate,
		endDate: row.endDate,
		status: row.status ?? 'active',
		totalTickets: row.totalTickets ?? 0,
		createdAt: row.createdAt,
		seedCommitment: row.seedCommitment,
		rules: readRules(row.rules),
		prize: row.prize
	};
}

function toTicket(row: TicketRow): TicketRecord {
	return {
		periodId: row.periodId!,
		participantKey: row.participantKey ?? `discord:${row.discordId}`,
		discordId: row.discordId,
		kickName: row.kickName,
		watchtimeTickets: row.watchtimeTickets ?? 0,
		giftedSubTickets: row.giftedSubTickets ?? 0,
		wagerTickets: row.shuffleWagerTickets ?? 0,
		bonusTickets: row.bonusTickets ?? 0,
		totalTickets: row.totalTickets ?? 0,
		wagerCents: BigInt(row.wagerCents),
		wagerCarry: BigInt(row.wagerCarry)
	};
}
