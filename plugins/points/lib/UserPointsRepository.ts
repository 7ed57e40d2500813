import { GuildRepository, assertPositiveInteger } from '#core';

export interface PointsRecord {
	readonly kickUsername: string;
	readonly discordId: bigint | null;
	readonly points: number;
	readonly totalEarned: number;
	readonly totalSpent: number;
	readonly lastUpdated: Date | null;
}

interface PointsRow {
	kickUsername: string;
	discordId: bigint | null;
	points: number | null;
	totalEarned: number | null;
	totalSpent: number | null;
	lastUpdated: Date | null;
}

/** Viewers' point balances in this server (`user_points`, one row per Kick user and server). */
export class UserPointsRepository extends GuildRepository {
	public async get(kickUsername: string): Promise<PointsRecord | null> {
		const row = await this.client.userPoints.findUnique({
			where: { discordServerId_kickUsername: { discordServerId: this.guildId, kickUsername } }
		});
		return row && toRecord(row);
	}

	/** Adds earned points (creating the viewer's row on first earn). */
	public async award(kickUsername: string, amount: number): Promise<PointsRecord> {
		assertPositiveInteger(amount, 'The points to award');
		const row = await this.client.userPoints.upsert({
			where: { discordServerId_kickUsername: { discordServerId: this.guildId, kickUsername } },
			create: { discordServerId: this.guildId, kickUsername, points: amount, totalEarned: amount },
			update: { points: { increment: amount }, totalEarned: { increment: amount }, lastUpdated: new Date() }
		});
		return toRecord(row);
	}

	/**
	 * Spends points if the balance covers them, in one conditional update (safe under races).
	 * @returns the new balance, or null when the balance was too low (nothing changed).
	 */
	public async spend(kickUsername: string, amount: number): Promise<number | null> {
		assertPositiveInteger(amount, 'The points to spend');
		const rows = await this.client.$queryRaw<{ points: number }[]>`
			UPDATE user_points SET points = points - ${amount}, total_spent = COALESCE(total_spent, 0) + ${amount}, last_updated = now()
			WHERE discord_server_id = ${this.guildId} AND kick_username = ${kickUsername} AND points >= ${amount}
			RETURNING points`;
		return rows[0]?.points ?? null;
	}

	/**
	 * A moderator's removal: takes up to `amount`, never below zero.
	 * @returns the new balance, or null when the viewer has no points row.
	 */
	public async remove(kickUsername: string, amount: number): Promise<number | null> {
		assertPositiveInteger(amount, 'The points to remove');
		const rows = await this.client.$queryRaw<{ points: number }[]>`
			UPDATE user_points SET points = GREATEST(COALESCE(points, 0) - ${amount}, 0), last_updated = now()
			WHERE discord_server_id = ${this.guildId} AND kick_username = ${kickUsername}
			RETURNING points`;
		return rows[0]?.points ?? null;
	}

	public async setDiscordId(kickUsername: string, discordId: bigint | null): Promise<boolean> {
		const { count } = await this.client.userPoints.updateMany({
			where: { discordServerId: this.guildId, kickUsername },
			data: { discordId }
		});
		return count > 0;
	}

	/** Highest balances first; ties by who had a row first. */
	public async leaderboard(options: { limit: number; offset?: number }): Promise<PointsRecord[]> {
		const rows = await this.client.userPoints.findMany({
			where: { discordServerId: this.guildId },
			orderBy: [{ points: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }],
			take: options.limit,
			skip: options.offset ?? 0
		});
		return rows.map(toRecord);
	}

	/** 1-based rank by balance (ties share a rank), or null without a row. */
	public async rankOf(kickUsername: string): Promise<number | null> {
		// Ranks by balance with NULL (legacy rows) as 0. `other.points > own` is a range on
		// idx_user_points_server_points, so only the viewers above are read; NULL rows can only
		// be above a negative balance, which just legacy data may hold.
		const rows = await this.client.$queryRaw<{ rank: number }[]>`
			WITH own AS (
				SELECT COALESCE(points, 0) AS points FROM user_points
				WHERE discord_server_id = ${this.guildId} AND kick_username = ${kickUsername}
			)
			SELECT 1
				+ (SELECT count(*)::int FROM user_points other WHERE other.discord_server_id = ${this.guildId} AND other.points > own.points)
				+ CASE WHEN own.points < 0
					THEN (SELECT count(*)::int FROM user_points other WHERE other.discord_server_id = ${this.guildId} AND other.points IS NULL)
					ELSE 0 END AS rank
			FROM own`;
		return rows[0]?.rank ?? null;
	}

	public async count(): Promise<number> {
		return this.client.userPoints.count({ where: { discordServerId: this.guildId } });
	}
}

function toRecord(row: PointsRow): PointsRecord {
	return {
		kickUsername: row.kickUsername,
		discordId: row.discordId,
		points: row.points ?? 0,
		totalEarned: row.totalEarned ?? 0,
		totalSpent: row.totalSpent ?? 0,
		lastUpdated: row.lastUpdated
	};
}
