import { ConflictError, GuildRepository, InvalidInputError } from '#core';
import type { PlayedBonus } from './huntMath.js';
import { centsOf, MAX_CENTS, plainMoney } from './money.js';

export interface SlotHunt {
	readonly id: number;
	/** Cents. */
	readonly startBalance: bigint;
	readonly startedAt: Date;
	readonly endedAt: Date | null;
}

interface HuntRow {
	id: number;
	startBalance: string;
	startedAt: Date;
	endedAt: Date | null;
}

/** One caller's line of the best-callers board. */
export interface CallerLine {
	readonly kickUsername: string;
	readonly bonuses: number;
	readonly totalBet: bigint;
	readonly totalPayout: bigint;
}

const HUNT_COLUMNS = 'id, start_balance::text AS "startBalance", started_at AS "startedAt", ended_at AS "endedAt"';

/** This server's bonus hunts: at most one running; played requests belong to the one running when they were played. */
export class SlotHuntsRepository extends GuildRepository {
	public async running(): Promise<SlotHunt | null> {
		const rows = await this.client.$queryRawUnsafe<HuntRow[]>(
			`SELECT ${HUNT_COLUMNS} FROM slot_hunts WHERE discord_server_id = $1 AND ended_at IS NULL`,
			this.guildId
		);
		return rows[0] ? toHunt(rows[0]) : null;
	}

	/** The running hunt, else the latest one. */
	public async latest(): Promise<SlotHunt | null> {
		const rows = await this.client.$queryRawUnsafe<HuntRow[]>(
			`SELECT ${HUNT_COLUMNS} FROM slot_hunts WHERE discord_server_id = $1 ORDER BY (ended_at IS NULL) DESC, id DESC LIMIT 1`,
			this.guildId
		);
		return rows[0] ? toHunt(rows[0]) : null;
	}

	/** Starts a hunt; a ConflictError when one is running (the unique index decides between two at once). */
	public async start(startBalanceCents: bigint, byDiscordId: string | null): Promise<SlotHunt> {
		if (startBalanceCents < 0n || startBalanceCents > MAX_CENTS) throw new InvalidInputError('The start balance is $0 to $999,999,999,999.99');
		const rows = await this.client.$queryRawUnsafe<HuntRow[]>(
			`INSERT INTO slot_hunts (discord_server_id, start_balance, started_by_discord_id) VALUES ($1, $2::numeric, $3)
			ON CONFLICT (discord_server_id) WHERE ended_at IS NULL DO NOTHING RETURNING ${HUNT_COLUMNS}`,
			this.guildId,
			plainMoney(startBalanceCents),
			byDiscordId === null ? null : BigInt(byDiscordId)
		);
		if (rows[0] === undefined) throw new ConflictError('A bonus hunt is running already');
		return toHunt(rows[0]);
	}

	/** Ends the running hunt; null when none runs. */
	public async end(): Promise<SlotHunt | null> {
		const rows = await this.client.$queryRawUnsafe<HuntRow[]>(
			`UPDATE slot_hunts SET ended_at = now() WHERE discord_server_id = $1 AND ended_at IS NULL RETURNING ${HUNT_COLUMNS}`,
			this.guildId
		);
		return rows[0] ? toHunt(rows[0]) : null;
	}

	/** The bonuses played in a hunt of this server, in the order played. */
	public async played(huntId: number): Promise<PlayedBonus[]> {
		const rows = await this.client.$queryRaw<{ requestId: number; slotCall: string; kickUsername: string; bet: string; payout: string }[]>`
			SELECT id AS "requestId", slot_call AS "slotCall", kick_username AS "kickUsername", bet::text AS bet, payout::text AS payout
			FROM slot_requests WHERE discord_server_id = ${this.guildId} AND hunt_id = ${huntId} AND played_at IS NOT NULL
			ORDER BY played_at, id`;
		return rows.map((row) => ({ ...row, bet: centsOf(row.bet), payout: centsOf(row.payout) }));
	}

	/** The requests still to play (open, or picked and neither played nor skipped), their bets where known. */
	public async remainingBets(): Promise<(bigint | null)[]> {
		const rows = await this.client.$queryRaw<{ bet: string | null }[]>`
			SELECT bet::text AS bet FROM slot_requests WHERE discord_server_id = ${this.guildId} AND played_at IS NULL AND skipped_at IS NULL
			AND (NOT COALESCE(picked, FALSE) OR id IN (SELECT request_id FROM slot_picks WHERE discord_server_id = ${this.guildId}))`;
		return rows.map((row) => (row.bet === null ? null : centsOf(row.bet)));
	}

	/** A page (from 1) of the best callers: whose played requests paid most, in one hunt or (null) all time. */
	public async callers(huntId: number | null, page: number, size: number): Promise<{ lines: CallerLine[]; total: number }> {
		const rows = await this.client.$queryRawUnsafe<{ kickUsername: string; bonuses: number; totalBet: string; totalPayout: string; total: number }[]>(
			`SELECT min(kick_username) AS "kickUsername", count(*)::int AS bonuses, sum(bet)::text AS "totalBet", sum(payout)::text AS "totalPayout",
				count(*) OVER ()::int AS total
			FROM slot_requests WHERE discord_server_id = $1 AND played_at IS NOT NULL AND ($2::int IS NULL OR hunt_id = $2::int)
			GROUP BY lower(kick_username) ORDER BY sum(payout) DESC, min(played_at) LIMIT $3 OFFSET $4`,
			this.guildId,
			huntId,
			size,
			(page - 1) * size
		);
		return {
			lines: rows.map((row) => ({
				kickUsername: row.kickUsername,
				bonuses: row.bonuses,
				totalBet: centsOf(row.totalBet),
				totalPayout: centsOf(row.totalPayout)
			})),
			total: rows[0]?.total ?? 0
		};
	}
}

function toHunt(row: HuntRow): SlotHunt {
	return { id: row.id, startBalance: centsOf(row.startBalance), startedAt: row.startedAt, endedAt: row.endedAt };
}
