import { GuildRepository, InvalidInputError, assertPositiveInteger, type ChatVariableViewer } from '#core';

/** A viewer's place on the server's leaderboard. */
export interface WatchtimeStanding {
	/** The lower-cased Kick username. */
	readonly username: string;
	readonly minutes: number;
	/** 1 for the most minutes; viewers with as many minutes share a rank. */
	readonly rank: number;
}

/** One line of a viewer's history: a moderator's change. */
export interface WatchtimeChange {
	readonly at: Date;
	/** Minutes added (negative: removed). */
	readonly delta: number;
	readonly minutesAfter: number;
	readonly reason: string;
	readonly byDiscordId: bigint;
}

/** An account that chatted lately, as presence recorded it. */
export interface PresentAccount {
	/** `m:<Discord id>` when it was linked to a member of this server when it chatted, else `k:<Kick user id>`. */
	readonly person: string;
	readonly kickUserId: string;
	/** The name its minutes go to: the linked account's for a member, else the name it chatted with. */
	readonly username: string;
	/** When it last chatted (ms). */
	readonly at: number;
}

/** What a tick did: whether this call counted it (false when it was counted already), the viewers present (one per person), and how many gained a minute. */
export interface TickOutcome {
	readonly counted: boolean;
	readonly viewers: number;
	readonly credited: number;
}

/** What a moderator's change did to a viewer's minutes. */
export interface WatchtimeChangeOutcome {
	readonly username: string;
	/** The minutes added (negative: removed); a removal stops at 0, so it may be less than asked. */
	readonly delta: number;
	readonly minutesAfter: number;
}

/** Kick usernames: letters, digits and underscores (legacy rows may hold others, which are only read). */
const KICK_NAME = /^[A-Za-z0-9_]{1,25}$/;
export const REASON_MAX_LENGTH = 200;
/** The most minutes one change may add or remove: a year. */
export const CHANGE_MAX_MINUTES = 525_600;

/**
 * This server's watch time (the legacy `watchtime` table, one row per lower-cased Kick username),
 * the ticks it counted (`watchtime_ticks`), minutes per viewer and day (`watchtime_days`) and the
 * append-only log of moderators' changes (`watchtime_changes`).
 */
export class WatchtimeRepository extends GuildRepository {
	/** The minutes of one Kick account (any case); 0 when it has none. */
	public async minutesOf(kickUsername: string): Promise<number> {
		return (await this.minutesOfMany([kickUsername])).get(kickUsername.toLowerCase()) ?? 0;
	}

	/** The minutes of many Kick accounts in one query: lower-cased username → minutes; an account without minutes is absent (0). */
	public async minutesOfMany(kickUsernames: readonly string[]): Promise<Map<string, number>> {
		if (kickUsernames.length === 0) return new Map();
		const lowered = [...new Set(kickUsernames.map((name) => name.toLowerCase()))];
		const rows = await this.client.$queryRaw<{ username: string; minutes: number }[]>`
			SELECT username, minutes FROM watchtime
			WHERE discord_server_id = ${this.guildId} AND username = ANY(${lowered}::text[]) AND minutes > 0`;
		return new Map(rows.map((row) => [row.username, row.minutes]));
	}

	/**
	 * Counts one tick for the accounts present (who chatted lately), in one statement: it claims
	 * (server, `tickAt`) and accrues only when the claim is its own, so running a tick again counts
	 * nothing twice, and a statement that fails counts nothing. Each person gains at most one minute:
	 * an account linked here now counts as its member, whose minutes go to the linked account's row;
	 * an account seen as a member (`m:<id>`, linked when it chatted) still counts as that member; any
	 * other account as itself, under the name it chatted with last. With a daily cap (minutes, 0 =
	 * none), a viewer who reached it that UTC day gains nothing (the day's minutes are counted in
	 * `watchtime_days` only while there is a cap: one row write per viewer and tick less without);
	 * every present viewer's `last_active` becomes `tickAt`. Ticks older than a day are forgotten on
	 * the way (they guard nothing any more).
	 */
	public async countTick(tickAt: Date, present: readonly PresentAccount[], dailyCapMinutes: number): Promise<TickOutcome> {
		if (!Number.isSafeInteger(dailyCapMinutes) || dailyCapMinutes < 0)
			throw new InvalidInputError(`A daily cap is a whole number from 0 (got ${dailyCapMinutes})`);
		// Latest first: the order in the arrays says which name of a person is their latest.
		const latestFirst = [...present].sort((x, y) => y.at - x.at);
		const persons = latestFirst.map((account) => account.person);
		const kickUserIds = latestFirst.map((account) => account.kickUserId);
		const usernames = latestFirst.map((account) => account.username.toLowerCase());
		// One statement: the function (the plugin's migration) holds it, planned once per connection.
		const rows = await this.client.$queryRaw<TickOutcome[]>`
			SELECT counted, viewers, credited
			FROM watchtime_count_tick(${this.guildId}::bigint, ${tickAt}::timestamptz, ${persons}::text[], ${kickUserIds}::text[]::bigint[], ${usernames}::text[], ${dailyCapMinutes}::int)`;
		return rows[0]!;
	}

	/** Whether (server, `tickAt`) was counted. */
	public async tickCounted(tickAt: Date): Promise<boolean> {
		const rows = await this.client.$queryRaw<{ counted: boolean }[]>`
			SELECT EXISTS (SELECT 1 FROM watchtime_ticks WHERE discord_server_id = ${this.guildId} AND tick_at = ${tickAt}::timestamptz) AS counted`;
		return rows[0]!.counted;
	}

	/** The minutes a viewer accrued on one UTC day (`YYYY-MM-DD`) in this server. */
	public async minutesOnDay(kickUsername: string, day: string): Promise<number> {
		const rows = await this.client.$queryRaw<{ minutes: number }[]>`
			SELECT minutes FROM watchtime_days WHERE discord_server_id = ${this.guildId} AND username = ${kickUsername.toLowerCase()} AND day = ${day}::date`;
		return rows[0]?.minutes ?? 0;
	}

	/**
	 * Adds (`delta` > 0) or removes (< 0) minutes, and logs the change with who made it and why, in
	 * one statement. A removal stops at 0 and logs what it removed; removing from a viewer who has
	 * none changes nothing and returns null.
	 * @throws {InvalidInputError} for a name that is no Kick username, a delta of 0 or over a year, or an empty or long reason.
	 */
	public async change(kickUsername: string, delta: number, reason: string, byDiscordId: bigint): Promise<WatchtimeChangeOutcome | null> {
		if (!KICK_NAME.test(kickUsername)) throw new InvalidInputError('A Kick username is 1 to 25 letters, digits or underscores');
		if (!Number.isSafeInteger(delta) || delta === 0 || Math.abs(delta) > CHANGE_MAX_MINUTES)
			throw new InvalidInputError(`A change is 1 to ${CHANGE_MAX_MINUTES} minutes`);
		const trimmed = reason.trim();
		if (trimmed === '' || [...trimmed].length > REASON_MAX_LENGTH) throw new InvalidInputError(`A reason is 1 to ${REASON_MAX_LENGTH} characters`);
		const username = kickUsername.toLowerCase();
		const rows = await this.client.$queryRaw<WatchtimeChangeOutcome[]>`
			WITH before AS (
				SELECT COALESCE((SELECT COALESCE(minutes, 0) FROM watchtime WHERE discord_server_id = ${this.guildId} AND username = ${username} FOR UPDATE), 0) AS minutes
			),
			applied AS (
				SELECT GREATEST(${delta}::int, -minutes) AS delta FROM before
			),
			changed AS (
				INSERT INTO watchtime (discord_server_id, username, minutes)
				SELECT ${this.guildId}::bigint, ${username}::text, delta FROM applied WHERE delta <> 0
				ON CONFLICT (discord_server_id, username) DO UPDATE SET minutes = GREATEST(COALESCE(watchtime.minutes, 0) + EXCLUDED.minutes, 0)
				RETURNING minutes
			)
			INSERT INTO watchtime_changes (discord_server_id, username, delta, minutes_after, reason, changed_by_discord_id)
			SELECT ${this.guildId}::bigint, ${username}::text, applied.delta, changed.minutes, ${trimmed}::text, ${byDiscordId}::bigint
			FROM applied, changed
			RETURNING username, delta, minutes_after AS "minutesAfter"`;
		return rows[0] ?? null;
	}

	/** Viewers with minutes, most first (ties by name), `limit` from `offset`: one page of the leaderboard. */
	public async top(offset: number, limit: number): Promise<WatchtimeStanding[]> {
		if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError(`An offset is a whole number from 0 (got ${offset})`);
		assertPositiveInteger(limit, 'A page size');
		const rows = await this.client.$queryRaw<{ username: string; minutes: number; rank: bigint }[]>`
			SELECT username, minutes, rank() OVER (ORDER BY minutes DESC) AS rank FROM watchtime
			WHERE discord_server_id = ${this.guildId} AND minutes > 0
			ORDER BY minutes DESC, username
			OFFSET ${offset} LIMIT ${limit}`;
		return rows.map((row) => ({ username: row.username, minutes: row.minutes, rank: Number(row.rank) }));
	}

	/** How many viewers have minutes here (the leaderboard's length). */
	public async viewerCount(): Promise<number> {
		const rows = await this.client.$queryRaw<{ count: bigint }[]>`
			SELECT count(*) AS count FROM watchtime WHERE discord_server_id = ${this.guildId} AND minutes > 0`;
		return Number(rows[0]!.count);
	}

	/**
	 * A viewer's minutes and rank in one statement, for chat variables, keyed as the tick credits
	 * minutes: a Kick chatter counts as the account one of this server's links holds with their Kick
	 * user id, else as the name they chat with (a legacy link by that name holds that very name); a
	 * Discord member as the account they linked here. `name` is null for a member who linked none;
	 * `rank` is null without minutes, as `rankOf` has it.
	 */
	public async standingOfViewer(viewer: ChatVariableViewer): Promise<{ name: string | null; minutes: number; rank: number | null }> {
		const kickUserId = viewer.kickUserId === null ? null : BigInt(viewer.kickUserId);
		const discordId = viewer.discordUserId === null ? null : BigInt(viewer.discordUserId);
		const rows = await this.client.$queryRaw<{ name: string | null; minutes: number | null; rank: bigint | null }[]>`
			WITH who AS (
				SELECT COALESCE((
					SELECT lower(kick_name) FROM links
					WHERE discord_server_id = ${this.guildId} AND kick_name IS NOT NULL
						AND (discord_id = ${discordId}::bigint OR kick_user_id = ${kickUserId}::bigint)
					ORDER BY linked_at ASC NULLS LAST LIMIT 1
				), lower(${viewer.kickName}::text)) AS name
			)
			SELECT who.name, own.minutes,
				CASE WHEN own.minutes > 0 THEN 1 + (SELECT count(*) FROM watchtime AS other WHERE other.discord_server_id = ${this.guildId} AND other.minutes > own.minutes) END AS rank
			FROM who LEFT JOIN watchtime AS own ON own.discord_server_id = ${this.guildId} AND own.username = who.name`;
		const row = rows[0]!;
		return { name: row.name, minutes: Math.max(row.minutes ?? 0, 0), rank: row.rank === null ? null : Number(row.rank) };
	}

	/** A viewer's rank here (1 = most minutes), or null without minutes. */
	public async rankOf(kickUsername: string): Promise<number | null> {
		const rows = await this.client.$queryRaw<{ rank: bigint }[]>`
			SELECT 1 + (SELECT count(*) FROM watchtime AS other WHERE other.discord_server_id = ${this.guildId} AND other.minutes > own.minutes) AS rank
			FROM watchtime AS own WHERE own.discord_server_id = ${this.guildId} AND own.username = ${kickUsername.toLowerCase()} AND own.minutes > 0`;
		return rows[0] === undefined ? null : Number(rows[0].rank);
	}

	/** A viewer's history, newest first, `limit` from `offset`: the changes moderators made, with who, when and why. */
	public async history(kickUsername: string, offset: number, limit: number): Promise<WatchtimeChange[]> {
		if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError(`An offset is a whole number from 0 (got ${offset})`);
		assertPositiveInteger(limit, 'A page size');
		return this.client.$queryRaw<WatchtimeChange[]>`
			SELECT changed_at AS at, delta, minutes_after AS "minutesAfter", reason, changed_by_discord_id AS "byDiscordId"
			FROM watchtime_changes WHERE discord_server_id = ${this.guildId} AND username = ${kickUsername.toLowerCase()}
			ORDER BY id DESC
			OFFSET ${offset} LIMIT ${limit}`;
	}

	/** How many changes a viewer's history has. */
	public async historyLength(kickUsername: string): Promise<number> {
		const rows = await this.client.$queryRaw<{ count: bigint }[]>`
			SELECT count(*) AS count FROM watchtime_changes WHERE discord_server_id = ${this.guildId} AND username = ${kickUsername.toLowerCase()}`;
		return Number(rows[0]!.count);
	}
}
