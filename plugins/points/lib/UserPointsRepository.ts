import { GuildRepository, InvalidInputError, type ChatVariableViewer, type QueryClient } from '#core';

/** The most points one change may move (a balance is a PostgreSQL integer). */
export const MAX_POINTS_CHANGE = 100_000_000;
/** The highest balance a viewer can hold. */
export const MAX_BALANCE = 2_147_483_647;

export interface PointsRecord {
	readonly kickUsername: string;
	readonly discordId: bigint | null;
	readonly points: number;
	readonly totalEarned: number;
	readonly totalSpent: number;
	readonly watchMinutes: number;
	readonly lastUpdated: Date | null;
}

/** One row of the ledger, as history shows it. */
export interface LedgerEntry {
	readonly id: bigint;
	readonly source: string;
	readonly amount: number;
	readonly reason: string;
	readonly actorDiscordId: bigint | null;
	readonly eventKey: string | null;
	readonly ref: string | null;
	readonly createdAt: Date;
}

/** What a change is and who made it; `eventKey` makes it count once per server (a Kick event id). */
export interface PointsChange {
	readonly amount: number;
	readonly source: string;
	readonly reason: string;
	readonly actorDiscordId?: bigint | null;
	readonly eventKey?: string | null;
	readonly ref?: string | null;
}

export type CreditOutcome = { readonly status: 'credited'; readonly balance: number } | { readonly status: 'already counted'; readonly balance: number };
export type SpendOutcome = { readonly status: 'spent'; readonly balance: number } | { readonly status: 'insufficient'; readonly balance: number };

interface PointsRow {
	kickUsername: string;
	discordId: bigint | null;
	points: number;
	totalEarned: number | null;
	totalSpent: number | null;
	watchMinutes: number;
	lastUpdated: Date | null;
}

/**
 * Viewers' point balances in this server (`user_points`, one row per lower-cased Kick name) and the
 * append-only ledger (`point_ledger`) they always equal the sums of: every change writes its ledger
 * row and the balance in one statement (or one transaction). Balances never go below zero.
 */
export class UserPointsRepository extends GuildRepository {
	public async get(kickUsername: string): Promise<PointsRecord | null> {
		const rows = await this.client.$queryRaw<PointsRow[]>`
			SELECT kick_username AS "kickUsername", discord_id AS "discordId", points, total_earned AS "totalEarned", total_spent AS "totalSpent",
				watch_minutes AS "watchMinutes", last_updated AS "lastUpdated"
			FROM user_points WHERE discord_server_id = ${this.guildId} AND kick_username = ${nameOf(kickUsername)}`;
		return rows[0] === undefined ? null : toRecord(rows[0]);
	}

	/** The balance (0 without a row). */
	public async balanceOf(kickUsername: string): Promise<number> {
		return balanceIn(this.client, this.guildId, nameOf(kickUsername));
	}

	/** Adds points earned (watch time, a sub, a moderator's gift): one ledger row; with `eventKey`, once per server. */
	public async credit(kickUsername: string, change: PointsChange): Promise<CreditOutcome> {
		return creditIn(this.client, this.guildId, nameOf(kickUsername), readChange(change));
	}

	/** Shorthand for a credit without an event (tests, the data layer's callers). */
	public async award(kickUsername: string, amount: number, reason = 'Awarded'): Promise<PointsRecord> {
		await this.credit(kickUsername, { amount, source: 'award', reason });
		return (await this.get(kickUsername))!;
	}

	/** Takes `amount` if the balance covers it, in one conditional statement (safe under races); else nothing changes. */
	public async spend(kickUsername: string, change: PointsChange): Promise<SpendOutcome> {
		return spendIn(this.client, this.guildId, nameOf(kickUsername), readChange(change));
	}

	/** A moderator's removal: takes up to `amount` (never below zero). Returns what was taken and the balance. */
	public async remove(kickUsername: string, change: PointsChange): Promise<{ removed: number; balance: number }> {
		const checked = readChange(change);
		const name = nameOf(kickUsername);
		return this.scope.transaction(async (client) => {
			const balance = await balanceIn(client, this.guildId, name, true);
			const removed = Math.min(balance, checked.amount);
			if (removed === 0) return { removed, balance };
			const outcome = await spendIn(client, this.guildId, name, { ...checked, amount: removed });
			return { removed, balance: outcome.balance };
		});
	}

	/** A moderator sets a balance: the difference becomes one ledger row. */
	public async set(
		kickUsername: string,
		target: { balance: number; reason: string; actorDiscordId?: bigint | null }
	): Promise<{ delta: number; balance: number }> {
		if (!Number.isSafeInteger(target.balance) || target.balance < 0 || target.balance > MAX_BALANCE)
			throw new InvalidInputError(`A balance is a whole number from 0 to ${MAX_BALANCE.toLocaleString('en-US')}`);
		const name = nameOf(kickUsername);
		const reason = readReason(target.reason);
		return this.scope.transaction(async (client) => {
			const before = await balanceIn(client, this.guildId, name, true);
			const delta = target.balance - before;
			const change = { amount: Math.abs(delta), source: 'set', reason, actorDiscordId: target.actorDiscordId ?? null, eventKey: null, ref: null };
			if (delta > 0) await creditIn(client, this.guildId, name, change);
			if (delta < 0) await spendIn(client, this.guildId, name, change);
			return { delta, balance: target.balance };
		});
	}

	/** Credits each named viewer the same amount in one statement (a moderator's give-all). Returns how many. */
	public async creditMany(kickUsernames: readonly string[], change: PointsChange): Promise<number> {
		const checked = readChange(change);
		const names = [...new Set(kickUsernames.map(nameOf))];
		if (names.length === 0) return 0;
		const rows = await this.client.$queryRaw<{ credited: number }[]>`
			WITH credited AS (
				INSERT INTO user_points (discord_server_id, kick_username, points, total_earned, last_updated)
				SELECT ${this.guildId}, name, ${checked.amount}::int, ${checked.amount}::int, now() FROM unnest(${names}::text[]) AS name ORDER BY name
				ON CONFLICT (discord_server_id, kick_username) DO UPDATE SET
					points = user_points.points + EXCLUDED.points, total_earned = LEAST(COALESCE(user_points.total_earned, 0)::bigint + EXCLUDED.total_earned, 2147483647)::int, last_updated = now()
				RETURNING kick_username
			),
			logged AS (
				INSERT INTO point_ledger (discord_server_id, kick_username, source, amount, reason, actor_discord_id, ref)
				SELECT ${this.guildId}, kick_username, ${checked.source}, ${checked.amount}::int, ${checked.reason}, ${checked.actorDiscordId}, ${checked.ref} FROM credited
				RETURNING 1
			)
			SELECT count(*)::int AS credited FROM logged`.catch(rethrowOverflow);
		return rows[0]!.credited;
	}

	/**
	 * Counts one watch-time minute (`tickAt`) toward points, in one statement: claims (server, minute)
	 * so it counts once across processes and restarts, adds the minute to each viewer watchtime
	 * credited in it, and pays `perFiveMinutes` (times `subMultiplier` for a Kick subscriber then) to
	 * each viewer whose counted minutes reach a multiple of 5, with a ledger row per payment.
	 */
	public async countWatchMinute(tickAt: Date, perFiveMinutes: number, subMultiplier: number): Promise<{ counted: boolean; viewers: number; paid: number }> {
		const rows = await this.client.$queryRaw<{ counted: boolean; viewers: number; paid: number }[]>`
			WITH claimed AS (
				INSERT INTO point_watch_ticks (discord_server_id, tick_at) VALUES (${this.guildId}, ${tickAt}::timestamptz)
				ON CONFLICT DO NOTHING RETURNING 1
			),
			watchers AS (
				SELECT w.username AS kick_username,
					round(${perFiveMinutes}::int * CASE WHEN EXISTS (
						SELECT 1 FROM kick_subscriptions AS s
						WHERE s.discord_server_id = ${this.guildId} AND lower(s.kick_username) = w.username AND s.expires_at > ${tickAt}::timestamptz
					) THEN ${subMultiplier}::float8 ELSE 1 END)::int AS pay
				FROM watchtime AS w
				WHERE w.discord_server_id = ${this.guildId} AND w.last_active = ${tickAt}::timestamptz AT TIME ZONE 'UTC' AND EXISTS (SELECT 1 FROM claimed)
			),
			counted AS (
				INSERT INTO user_points (discord_server_id, kick_username, points, total_earned, watch_minutes, last_updated)
				SELECT ${this.guildId}, kick_username, 0, 0, 1, now() FROM watchers ORDER BY kick_username
				ON CONFLICT (discord_server_id, kick_username) DO UPDATE SET
					watch_minutes = user_points.watch_minutes + 1,
					points = user_points.points + CASE WHEN (user_points.watch_minutes + 1) % 5 = 0
						THEN (SELECT pay FROM watchers WHERE watchers.kick_username = user_points.kick_username) ELSE 0 END,
					total_earned = LEAST(COALESCE(user_points.total_earned, 0)::bigint + CASE WHEN (user_points.watch_minutes + 1) % 5 = 0
						THEN (SELECT pay FROM watchers WHERE watchers.kick_username = user_points.kick_username) ELSE 0 END, 2147483647)::int,
					last_updated = now()
				RETURNING kick_username, watch_minutes
			),
			paid AS (
				INSERT INTO point_ledger (discord_server_id, kick_username, source, amount, reason, event_key)
				SELECT ${this.guildId}, counted.kick_username, 'watch', watchers.pay, 'Watched ' || counted.watch_minutes || ' minutes',
					'watch:' || ${tickAt.toISOString()} || ':' || counted.kick_username
				FROM counted JOIN watchers USING (kick_username)
				WHERE counted.watch_minutes % 5 = 0 AND watchers.pay > 0
				RETURNING 1
			)
			SELECT EXISTS (SELECT 1 FROM claimed) AS counted, (SELECT count(*) FROM counted)::int AS viewers, (SELECT count(*) FROM paid)::int AS paid`;
		return rows[0]!;
	}

	/** The viewer's ledger, newest first. */
	public async history(kickUsername: string, page: { limit: number; offset?: number }): Promise<LedgerEntry[]> {
		return this.client.$queryRaw<LedgerEntry[]>`
			SELECT id, source, amount, reason, actor_discord_id AS "actorDiscordId", event_key AS "eventKey", ref, created_at AS "createdAt"
			FROM point_ledger WHERE discord_server_id = ${this.guildId} AND kick_username = ${nameOf(kickUsername)}
			ORDER BY id DESC LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`;
	}

	public async historyCount(kickUsername: string): Promise<number> {
		const rows = await this.client.$queryRaw<{ count: number }[]>`
			SELECT count(*)::int AS count FROM point_ledger WHERE discord_server_id = ${this.guildId} AND kick_username = ${nameOf(kickUsername)}`;
		return rows[0]!.count;
	}

	public async setDiscordId(kickUsername: string, discordId: bigint | null): Promise<boolean> {
		const changed = await this.client.$executeRaw`
			UPDATE user_points SET discord_id = ${discordId} WHERE discord_server_id = ${this.guildId} AND kick_username = ${nameOf(kickUsername)}`;
		return changed > 0;
	}

	/** Highest balances first; ties by who had a row first (read from `idx_user_points_server_points`). */
	public async leaderboard(options: { limit: number; offset?: number }): Promise<PointsRecord[]> {
		const rows = await this.client.$queryRaw<PointsRow[]>`
			SELECT kick_username AS "kickUsername", discord_id AS "discordId", points, total_earned AS "totalEarned", total_spent AS "totalSpent",
				watch_minutes AS "watchMinutes", last_updated AS "lastUpdated"
			FROM user_points WHERE discord_server_id = ${this.guildId}
			ORDER BY points DESC NULLS LAST, id LIMIT ${options.limit} OFFSET ${options.offset ?? 0}`;
		return rows.map(toRecord);
	}

	/**
	 * 1-based rank by balance (ties share a rank), or null without a row. Read from
	 * `point_rank_counts` (viewers per balance, per 1,024 and per 1,048,576 points): at most a few
	 * thousand rows, however many viewers the server has.
	 */
	public async rankOf(kickUsername: string): Promise<number | null> {
		const rows = await this.client.$queryRaw<{ rank: number }[]>`
			SELECT 1
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${this.guildId} AND level = 2 AND bucket > own.points >> 20), 0)
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${this.guildId} AND level = 1
					AND bucket > own.points >> 10 AND bucket < ((own.points::bigint >> 20) + 1) << 10), 0)
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${this.guildId} AND level = 0
					AND bucket > own.points AND bucket < ((own.points::bigint >> 10) + 1) << 10), 0) AS rank
			FROM user_points AS own WHERE own.discord_server_id = ${this.guildId} AND own.kick_username = ${nameOf(kickUsername)}`;
		return rows[0] === undefined ? null : Number(rows[0].rank);
	}

	/**
	 * A viewer's balance and rank in one statement, for chat variables. A Kick chatter counts as the
	 * account one of this server's links holds with their Kick user id (renamed since linking), else
	 * as the name they chat with (a link by that name holds that very name); a Discord member as the
	 * account they linked here. `name` is null for a member who linked none; `balance` and `rank` are
	 * null without a row. The rank is read from `point_rank_counts`, as `rankOf` reads it.
	 */
	public async standingOfViewer(viewer: ChatVariableViewer): Promise<{ name: string | null; balance: number | null; rank: number | null }> {
		const kickUserId = viewer.kickUserId === null ? null : BigInt(viewer.kickUserId);
		const discordId = viewer.discordUserId === null ? null : BigInt(viewer.discordUserId);
		const rows = await this.client.$queryRaw<{ name: string | null; balance: number | null; rank: bigint | null }[]>`
			WITH who AS (
				SELECT COALESCE((
					SELECT lower(kick_name) FROM links
					WHERE discord_server_id = ${this.guildId} AND kick_name IS NOT NULL
						AND (discord_id = ${discordId}::bigint OR kick_user_id = ${kickUserId}::bigint)
					ORDER BY linked_at ASC NULLS LAST LIMIT 1
				), lower(${viewer.kickName}::text)) AS name
			)
			SELECT who.name, own.points AS balance, CASE WHEN own.points IS NOT NULL THEN 1
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${this.guildId} AND level = 2 AND bucket > own.points >> 20), 0)
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${this.guildId} AND level = 1
					AND bucket > own.points >> 10 AND bucket < ((own.points::bigint >> 20) + 1) << 10), 0)
				+ COALESCE((SELECT sum(viewers) FROM point_rank_counts WHERE discord_server_id = ${this.guildId} AND level = 0
					AND bucket > own.points AND bucket < ((own.points::bigint >> 10) + 1) << 10), 0) END AS rank
			FROM who LEFT JOIN user_points AS own ON own.discord_server_id = ${this.guildId} AND own.kick_username = who.name`;
		const row = rows[0]!;
		return { name: row.name, balance: row.balance, rank: row.rank === null ? null : Number(row.rank) };
	}

	/** How many viewers have a balance row here (from `point_rank_counts`). */
	public async count(): Promise<number> {
		const rows = await this.client.$queryRaw<{ count: bigint | null }[]>`
			SELECT sum(viewers) AS count FROM point_rank_counts WHERE discord_server_id = ${this.guildId} AND level = 2`;
		return Number(rows[0]?.count ?? 0);
	}

	/** The Kick name a member linked in this server (lower-cased), or null. */
	public async kickNameOfMember(discordId: bigint): Promise<string | null> {
		const rows = await this.client.$queryRaw<{ kickName: string }[]>`
			SELECT lower(kick_name) AS "kickName" FROM links WHERE discord_server_id = ${this.guildId} AND discord_id = ${discordId} AND kick_name IS NOT NULL`;
		return rows[0]?.kickName ?? null;
	}

	/** The member who linked a Kick name in this server, or null. */
	public async memberOfKickName(kickUsername: string): Promise<bigint | null> {
		const rows = await this.client.$queryRaw<{ discordId: bigint }[]>`
			SELECT discord_id AS "discordId" FROM links WHERE discord_server_id = ${this.guildId} AND lower(kick_name) = ${nameOf(kickUsername)}`;
		return rows[0]?.discordId ?? null;
	}
}

interface CheckedChange {
	readonly amount: number;
	readonly source: string;
	readonly reason: string;
	readonly actorDiscordId: bigint | null;
	readonly eventKey: string | null;
	readonly ref: string | null;
}

async function balanceIn(client: QueryClient, guildId: bigint, name: string, lock = false): Promise<number> {
	const rows = lock
		? await client.$queryRaw<{ points: number }[]>`
			SELECT points FROM user_points WHERE discord_server_id = ${guildId} AND kick_username = ${name} FOR NO KEY UPDATE`
		: await client.$queryRaw<{ points: number }[]>`SELECT points FROM user_points WHERE discord_server_id = ${guildId} AND kick_username = ${name}`;
	return rows[0]?.points ?? 0;
}

async function creditIn(client: QueryClient, guildId: bigint, name: string, change: CheckedChange): Promise<CreditOutcome> {
	// The ledger row first: an event counted already claims nothing, and then nothing is added.
	const rows = await client.$queryRaw<{ balance: number | null }[]>`
		WITH logged AS (
			INSERT INTO point_ledger (discord_server_id, kick_username, source, amount, reason, actor_discord_id, event_key, ref)
			VALUES (${guildId}, ${name}, ${change.source}, ${change.amount}::int, ${change.reason}, ${change.actorDiscordId}, ${change.eventKey}, ${change.ref})
			ON CONFLICT (discord_server_id, event_key) WHERE event_key IS NOT NULL DO NOTHING
			RETURNING amount
		),
		credited AS (
			INSERT INTO user_points (discord_server_id, kick_username, points, total_earned, last_updated)
			SELECT ${guildId}, ${name}, amount, CASE WHEN ${change.source} = 'refund' THEN 0 ELSE amount END, now() FROM logged
			ON CONFLICT (discord_server_id, kick_username) DO UPDATE SET
				points = user_points.points + EXCLUDED.points,
				total_earned = LEAST(COALESCE(user_points.total_earned, 0)::bigint + EXCLUDED.total_earned, 2147483647)::int,
				total_spent = CASE WHEN ${change.source} = 'refund' THEN GREATEST(COALESCE(user_points.total_spent, 0) - EXCLUDED.points, 0) ELSE user_points.total_spent END,
				last_updated = now()
			RETURNING points
		)
		SELECT (SELECT points FROM credited) AS balance`.catch(rethrowOverflow);
	const balance = rows[0]?.balance ?? null;
	return balance === null ? { status: 'already counted', balance: await balanceIn(client, guildId, name) } : { status: 'credited', balance };
}

async function spendIn(client: QueryClient, guildId: bigint, name: string, change: CheckedChange): Promise<SpendOutcome> {
	const rows = await client.$queryRaw<{ balance: number | null }[]>`
		WITH spent AS (
			UPDATE user_points SET points = points - ${change.amount}::int, total_spent = LEAST(COALESCE(total_spent, 0)::bigint + CASE WHEN ${change.source} IN ('remove', 'set') THEN 0 ELSE ${change.amount}::int END, 2147483647)::int, last_updated = now()
			WHERE discord_server_id = ${guildId} AND kick_username = ${name} AND points >= ${change.amount}::int
			RETURNING points
		),
		logged AS (
			INSERT INTO point_ledger (discord_server_id, kick_username, source, amount, reason, actor_discord_id, event_key, ref)
			SELECT ${guildId}, ${name}, ${change.source}, -${change.amount}::int, ${change.reason}, ${change.actorDiscordId}, ${change.eventKey}, ${change.ref} FROM spent
			RETURNING 1
		)
		SELECT (SELECT points FROM spent) AS balance`;
	const balance = rows[0]?.balance ?? null;
	return balance === null ? { status: 'insufficient', balance: await balanceIn(client, guildId, name) } : { status: 'spent', balance };
}

function readChange(change: PointsChange): CheckedChange {
	if (!Number.isSafeInteger(change.amount) || change.amount <= 0 || change.amount > MAX_POINTS_CHANGE)
		throw new InvalidInputError(`An amount is a whole number from 1 to ${MAX_POINTS_CHANGE.toLocaleString('en-US')}`);
	if (!/^[a-z_]{1,20}$/u.test(change.source)) throw new InvalidInputError('A source is 1 to 20 lower-case letters or _');
	return {
		amount: change.amount,
		source: change.source,
		reason: readReason(change.reason),
		actorDiscordId: change.actorDiscordId ?? null,
		eventKey: change.eventKey ?? null,
		ref: change.ref ?? null
	};
}

function readReason(reason: string): string {
	const trimmed = reason.trim();
	if (trimmed.length === 0 || trimmed.length > 200) throw new InvalidInputError('A reason is 1 to 200 characters');
	return trimmed;
}

/** Kick names are held lower-cased. */
function nameOf(kickUsername: string): string {
	const name = kickUsername.trim().toLowerCase();
	if (name.length === 0 || name.length > 64) throw new InvalidInputError('A Kick name is 1 to 64 characters');
	return name;
}

function rethrowOverflow(error: unknown): never {
	const text = error instanceof Error ? error.message : String(error);
	if (/22003|out of range/iu.test(text)) throw new InvalidInputError(`A balance cannot go over ${MAX_BALANCE.toLocaleString('en-US')}`);
	throw error;
}

function toRecord(row: PointsRow): PointsRecord {
	return {
		kickUsername: row.kickUsername,
		discordId: row.discordId,
		points: row.points,
		totalEarned: row.totalEarned ?? 0,
		totalSpent: row.totalSpent ?? 0,
		watchMinutes: row.watchMinutes,
		lastUpdated: row.lastUpdated
	};
}
