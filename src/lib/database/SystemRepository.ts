import { Prisma, type PrismaClient } from '#generated/prisma/client';
import type { KickOAuthPurpose, PendingKickAuthorization } from '#lib/database/repositories/KickOAuthStatesRepository';
import type { ServerRecord } from '#lib/database/repositories/ServerRepository';
import { TokenCipher } from '#lib/database/TokenCipher';
import { shardOfGuild } from '#lib/discord/shards';

/** One Discord shard: the servers with (id >> 22) % count = id. */
export interface GuildShard {
	readonly id: number;
	readonly count: number;
}

/** The condition "on this shard" for a server id column (nothing without a shard); the column name comes from the code. */
function onShard(column: string, shard: GuildShard | undefined): Prisma.Sql {
	return shard === undefined ? Prisma.empty : Prisma.sql` AND (${Prisma.raw(column)} >> 22) % ${shard.count} = ${shard.id}`;
}

/** A server linked to a Kick channel, as the event readers need it. */
export interface KickLink {
	readonly guildId: bigint;
	readonly broadcasterUserId: bigint;
	readonly channelSlug: string;
	readonly eventsVia: 'webhook' | 'socket';
}

/** Servers recorded per statement at start. */
const RECORD_SERVERS_BATCH = 1000;

/**
 * The few reads that span servers by nature (which servers exist, which servers follow a
 * Kick channel). Each is a named method returning server ids or server rows, never another
 * server's data; it uses the unguarded client because it must not filter on one server.
 */
export class SystemRepository {
	public constructor(private readonly client: PrismaClient) {}

	public async servers(): Promise<ServerRecord[]> {
		return this.client.$queryRaw<ServerRecord[]>`
			SELECT discord_server_id AS "guildId", server_name AS name, owner_discord_id AS "ownerId", created_at AS "createdAt", left_at AS "leftAt"
			FROM servers ORDER BY created_at ASC NULLS LAST, discord_server_id ASC`;
	}

	/**
	 * At start: records every server the bot is in, as `ServerRepository.ensure` does one (a new row,
	 * or the name and owner brought up to date and a departure cleared; the first `created_at` kept),
	 * `batchSize` servers per statement. Rows that would not change are not written.
	 */
	public async recordServers(
		servers: readonly { readonly guildId: bigint; readonly name: string | null; readonly ownerId: bigint | null }[],
		batchSize = RECORD_SERVERS_BATCH
	): Promise<void> {
		for (let start = 0; start < servers.length; start += batchSize) {
			const batch = servers.slice(start, start + batchSize);
			await this.client.$executeRaw`
				INSERT INTO servers (discord_server_id, server_name, owner_discord_id)
				SELECT * FROM unnest(${batch.map((server) => String(server.guildId))}::bigint[], ${batch.map((server) => server.name)}::text[],
					${batch.map((server) => (server.ownerId === null ? null : String(server.ownerId)))}::bigint[])
				ON CONFLICT (discord_server_id) DO UPDATE SET server_name = EXCLUDED.server_name, owner_discord_id = EXCLUDED.owner_discord_id, left_at = NULL
				WHERE servers.server_name IS DISTINCT FROM EXCLUDED.server_name OR servers.owner_discord_id IS DISTINCT FROM EXCLUDED.owner_discord_id
					OR servers.left_at IS NOT NULL`;
		}
	}

	/**
	 * At start: the servers of this process's shards that the bot is no longer in (removed while
	 * it was offline) are marked left; their data stays. Returns their ids.
	 */
	public async markAbsentServersLeft(present: Iterable<bigint>, shards: { readonly ids: readonly number[]; readonly count: number }): Promise<bigint[]> {
		const presentIds = new Set(present);
		const absent = (await this.servers())
			.filter((server) => server.leftAt === null && !presentIds.has(server.guildId) && shards.ids.includes(shardOfGuild(server.guildId, shards.count)))
			.map((server) => server.guildId);
		if (absent.length > 0) {
			await this.client.$executeRaw`UPDATE servers SET left_at = now() WHERE left_at IS NULL AND discord_server_id IN (${Prisma.join(absent)})`;
		}
		return absent;
	}

	/**
	 * Takes a pending Kick authorisation by its state, whichever server it belongs to (the
	 * callback learns the server from it). Deleted in the same statement, so a state works once
	 * even when two callbacks race; an expired one is deleted too and reported as such, with its purpose.
	 */
	public async consumeKickOAuthState(
		state: string,
		now = new Date()
	): Promise<{ outcome: 'taken'; pending: PendingKickAuthorization } | { outcome: 'expired'; purpose: KickOAuthPurpose } | { outcome: 'unknown' }> {
		const rows = await this.client.$queryRaw<
			{ state: string; guildId: bigint; discordUserId: bigint; purpose: string; codeVerifier: string; requestedSlug: string | null; expiresAt: Date }[]
		>`
			DELETE FROM kick_oauth_states WHERE state = ${state}
			RETURNING state, discord_server_id AS "guildId", discord_user_id AS "discordUserId", purpose, code_verifier AS "codeVerifier",
				requested_slug AS "requestedSlug", expires_at AS "expiresAt"`;
		const row = rows[0];
		if (row === undefined) return { outcome: 'unknown' };
		if (row.expiresAt.getTime() <= now.getTime()) return { outcome: 'expired', purpose: row.purpose };
		return { outcome: 'taken', pending: row };
	}

	/** The server (still joined) whose overlay key has this SHA-256, or null: what an overlay page's key names. */
	public async guildIdOfOverlayKey(keyHash: string): Promise<bigint | null> {
		const rows = await this.client.$queryRaw<{ guildId: bigint }[]>`
			SELECT o.discord_server_id AS "guildId" FROM overlay_keys o JOIN servers s ON s.discord_server_id = o.discord_server_id
			WHERE o.key_hash = ${keyHash} AND s.left_at IS NULL`;
		return rows[0]?.guildId ?? null;
	}

	/** Forgets authorisations nobody finished. @returns how many. */
	public async pruneExpiredKickOAuthStates(now = new Date()): Promise<number> {
		return this.client.$executeRaw`DELETE FROM kick_oauth_states WHERE expires_at <= ${now}`;
	}

	/** The migrations of `names` that `_prisma_migrations` does not record as applied (finished, not rolled back): what readiness checks, in one query. */
	public async pendingMigrations(names: readonly string[]): Promise<string[]> {
		const rows = await this.client.$queryRaw<{ name: string }[]>`
			SELECT name FROM unnest(${[...names]}::text[]) AS name
			WHERE NOT EXISTS (SELECT 1 FROM "_prisma_migrations" m WHERE m.migration_name = name AND m.finished_at IS NOT NULL AND m.rolled_back_at IS NULL)
			ORDER BY name`;
		return rows.map((row) => row.name);
	}

	/** Every server (still joined) linked to a Kick channel, for the readers and subscriptions at start. */
	public async kickLinks(): Promise<KickLink[]> {
		return this.client.$queryRaw<KickLink[]>`
			SELECT k.discord_server_id AS "guildId", k.broadcaster_user_id AS "broadcasterUserId", k.channel_slug AS "channelSlug", k.events_via AS "eventsVia"
			FROM kick_connections k JOIN servers s ON s.discord_server_id = k.discord_server_id
			WHERE s.left_at IS NULL ORDER BY k.discord_server_id`;
	}

	/** The servers (still joined) linked to one Kick channel: where its events go. */
	public async guildIdsLinkedToKickChannel(broadcasterUserId: bigint): Promise<bigint[]> {
		const rows = await this.client.$queryRaw<{ guildId: bigint }[]>`
			SELECT k.discord_server_id AS "guildId"
			FROM kick_connections k JOIN servers s ON s.discord_server_id = k.discord_server_id
			WHERE k.broadcaster_user_id = ${broadcasterUserId} AND s.left_at IS NULL ORDER BY k.discord_server_id`;
		return rows.map((row) => row.guildId);
	}

	/** The servers (still joined) linked to each of several Kick channels, in one statement; a channel nobody follows maps to none. */
	public async guildIdsLinkedToKickChannels(broadcasterUserIds: readonly bigint[]): Promise<Map<bigint, bigint[]>> {
		const linked = new Map<bigint, bigint[]>(broadcasterUserIds.map((id) => [id, []]));
		const rows = await this.client.$queryRaw<{ broadcasterUserId: bigint; guildId: bigint }[]>`
			SELECT k.broadcaster_user_id AS "broadcasterUserId", k.discord_server_id AS "guildId"
			FROM kick_connections k JOIN servers s ON s.discord_server_id = k.discord_server_id
			WHERE k.broadcaster_user_id = ANY(${broadcasterUserIds.map(String)}::bigint[]) AND s.left_at IS NULL ORDER BY k.discord_server_id`;
		for (const row of rows) linked.get(row.broadcasterUserId)?.push(row.guildId);
		return linked;
	}

	/** Records each server's latest Kick event (for /kick status), several servers in one statement. */
	public async recordKickEvents(events: readonly { readonly guildId: bigint; readonly type: string; readonly at: Date }[]): Promise<void> {
		const rows = JSON.stringify(events.map((event) => ({ guild: String(event.guildId), type: event.type, at: event.at.toISOString() })));
		await this.client.$executeRaw`
			UPDATE kick_connections k SET last_event_at = r.at, last_event_type = r.type
			FROM json_to_recordset(${rows}::json) AS r(guild bigint, type text, at timestamptz) WHERE k.discord_server_id = r.guild`;
	}

	/** How many servers the bot is in (not left), whichever process's shards they are on. */
	public async joinedServerCount(): Promise<number> {
		const [row] = await this.client.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM servers WHERE left_at IS NULL`;
		return row?.count ?? 0;
	}

	/** The servers the bot is in (not left), in the order they were recorded; with `shard`, only those on that Discord shard. */
	public async joinedGuildIds(shard?: GuildShard): Promise<bigint[]> {
		const rows = await this.client.$queryRaw<{ guildId: bigint }[]>`
			SELECT discord_server_id AS "guildId" FROM servers WHERE left_at IS NULL${onShard('discord_server_id', shard)}
			ORDER BY created_at ASC NULLS LAST, discord_server_id ASC`;
		return rows.map((row) => row.guildId);
	}

	/**
	 * The servers the bot is in that have a row in `table` matching `where` (column = value, all of
	 * them): what a per-server task runs for ("every server that has X"). Table and column names
	 * come from the code, never from input; they are checked to be plain identifiers anyway.
	 * @throws {TypeError} for a name that is not a plain snake_case identifier.
	 */
	public async joinedGuildIdsWithRowsIn(
		table: string,
		where: Readonly<Record<string, string | number | boolean>> = {},
		shard?: GuildShard
	): Promise<bigint[]> {
		for (const name of [table, ...Object.keys(where)])
			if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new TypeError(`"${name}" is not a table or column name`);
		const conditions = Object.entries(where).map(([column, value]) => Prisma.sql`t.${Prisma.raw(column)} = ${value}`);
		const rows = await this.client.$queryRaw<{ guildId: bigint }[]>`
			SELECT s.discord_server_id AS "guildId" FROM servers s
			WHERE s.left_at IS NULL${onShard('s.discord_server_id', shard)} AND EXISTS (
				SELECT 1 FROM ${Prisma.raw(table)} t WHERE t.discord_server_id = s.discord_server_id${conditions.length === 0 ? Prisma.empty : Prisma.sql` AND ${Prisma.join(conditions, ' AND ')}`}
			)
			ORDER BY s.discord_server_id`;
		return rows.map((row) => row.guildId);
	}

	/**
	 * Servers holding Kick tokens in plain text (left by the old bot), to secure at start: one
	 * query that finds nothing once they are done, however many servers hold tokens.
	 */
	public async guildIdsWithPlaintextKickTokens(): Promise<bigint[]> {
		const rows = await this.client.$queryRaw<{ guildId: bigint }[]>`
			SELECT DISTINCT discord_server_id AS "guildId" FROM kick_oauth_tokens
			WHERE discord_server_id IS NOT NULL
				AND ((access_token IS NOT NULL AND access_token NOT LIKE ${`${TokenCipher.PREFIX}%`}) OR (refresh_token IS NOT NULL AND refresh_token NOT LIKE ${`${TokenCipher.PREFIX}%`}))
			ORDER BY 1`;
		return rows.map((row) => row.guildId);
	}
}
