import { GuildRepository } from '#core';

/** A Kick account's subscription to the server's channel, as the latest events left it. */
export interface KickSubscriptionRecord {
	readonly kickUserId: string;
	/** As the latest event spelt it. */
	readonly kickUsername: string;
	readonly expiresAt: Date;
}

/** One subscription an event tells of: a new sub, a renewal, or one gift's recipient. */
export interface SubscriptionEvent {
	readonly kickUserId: string;
	readonly kickUsername: string;
	readonly expiresAt: Date;
	/** When the event happened. */
	readonly at: Date;
}

interface SubscriptionRow {
	kickUserId: bigint;
	kickUsername: string;
	expiresAt: Date;
}

/**
 * This server's Kick subscribers, from sub, renewal and gift events: one row per Kick account,
 * keeping the latest expiry, so an event delivered twice, late or out of order changes nothing more.
 */
export class KickSubscriptionsRepository extends GuildRepository {
	/** Records the subscriptions events tell of, in one statement; the records as they now stand. */
	public async record(events: readonly SubscriptionEvent[]): Promise<KickSubscriptionRecord[]> {
		if (events.length === 0) return [];
		// One row per account in the statement (ON CONFLICT cannot touch a row twice): the latest expiry, the latest event's name.
		const latest = new Map<string, SubscriptionEvent>();
		for (const event of events) {
			const seen = latest.get(event.kickUserId);
			latest.set(event.kickUserId, {
				kickUserId: event.kickUserId,
				kickUsername: seen === undefined || event.at >= seen.at ? event.kickUsername : seen.kickUsername,
				expiresAt: seen === undefined || event.expiresAt > seen.expiresAt ? event.expiresAt : seen.expiresAt,
				at: seen === undefined || event.at > seen.at ? event.at : seen.at
			});
		}
		const rows = [...latest.values()];
		const found = await this.client.$queryRaw<SubscriptionRow[]>`
			INSERT INTO kick_subscriptions (discord_server_id, kick_user_id, kick_username, expires_at, last_event_at)
			SELECT ${this.guildId}, event.user_id, event.username, event.expires_at, event.at
			FROM unnest(${rows.map((row) => row.kickUserId)}::bigint[], ${rows.map((row) => row.kickUsername)}::text[],
			            ${rows.map((row) => row.expiresAt)}::timestamptz[], ${rows.map((row) => row.at)}::timestamptz[])
			     AS event(user_id, username, expires_at, at)
			ON CONFLICT (discord_server_id, kick_user_id) DO UPDATE SET
				expires_at = GREATEST(kick_subscriptions.expires_at, EXCLUDED.expires_at),
				kick_username = CASE WHEN EXCLUDED.last_event_at >= kick_subscriptions.last_event_at THEN EXCLUDED.kick_username ELSE kick_subscriptions.kick_username END,
				last_event_at = GREATEST(kick_subscriptions.last_event_at, EXCLUDED.last_event_at)
			RETURNING kick_user_id AS "kickUserId", kick_username AS "kickUsername", expires_at AS "expiresAt"`;
		return found.map(toRecord).sort((a, b) => compareIds(a.kickUserId, b.kickUserId));
	}

	/** The subscriptions not expired at `now`, by Kick user id. */
	public async active(now: Date): Promise<KickSubscriptionRecord[]> {
		const rows = await this.client.$queryRaw<SubscriptionRow[]>`
			SELECT kick_user_id AS "kickUserId", kick_username AS "kickUsername", expires_at AS "expiresAt"
			FROM kick_subscriptions WHERE discord_server_id = ${this.guildId} AND expires_at > ${now} ORDER BY kick_user_id`;
		return rows.map(toRecord);
	}

	/** A Kick account's subscription, expired or not: by its user id, else (an account linked before user ids were kept) by its name in any case. */
	public async of(account: { readonly kickUserId: string | null; readonly kickUsername: string }): Promise<KickSubscriptionRecord | null> {
		const userId = account.kickUserId === null ? null : BigInt(account.kickUserId);
		const rows = await this.client.$queryRaw<SubscriptionRow[]>`
			SELECT kick_user_id AS "kickUserId", kick_username AS "kickUsername", expires_at AS "expiresAt"
			FROM kick_subscriptions
			WHERE discord_server_id = ${this.guildId}
			  AND (kick_user_id = ${userId}::bigint OR (${userId}::bigint IS NULL AND lower(kick_username) = lower(${account.kickUsername})))
			ORDER BY expires_at DESC LIMIT 1`;
		return rows[0] === undefined ? null : toRecord(rows[0]);
	}
}

function toRecord(row: SubscriptionRow): KickSubscriptionRecord {
	return { kickUserId: row.kickUserId.toString(), kickUsername: row.kickUsername, expiresAt: row.expiresAt };
}

function compareIds(a: string, b: string): number {
	return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
