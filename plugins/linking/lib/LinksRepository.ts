import { GuildRepository, InvalidInputError, Prisma } from '#core';

/** A Discord member's linked Kick account in one server. */
export interface LinkRecord {
	readonly discordId: bigint;
	/** The Kick username as Kick spelt it when linked (legacy rows: as the old bot stored it). */
	readonly kickName: string;
	/** Null for legacy rows, linked before the bot read Kick user ids. */
	readonly kickUserId: bigint | null;
	readonly linkedAt: Date | null;
}

/** What linking a Kick account to a member did. */
export type LinkOutcome =
	| { readonly outcome: 'linked'; readonly link: LinkRecord; readonly replaced: LinkRecord | null }
	| { readonly outcome: 'unchanged'; readonly link: LinkRecord }
	| { readonly outcome: 'taken'; readonly by: LinkRecord };

interface LinkRow {
	discordId: bigint;
	kickName: string | null;
	kickUserId: bigint | null;
	linkedAt: Date | null;
}

const COLUMNS = Prisma.raw('discord_id AS "discordId", kick_name AS "kickName", kick_user_id AS "kickUserId", linked_at AS "linkedAt"');
/** Kick usernames: letters, digits and underscores (Kick allows 3 to 25; legacy rows may hold others, which are only read). */
const KICK_NAME = /^[A-Za-z0-9_]{1,25}$/;

/**
 * This server's links between Discord members and Kick accounts (the legacy `links` table).
 * A member has at most one Kick account here, and a Kick account (whatever the case of its name)
 * belongs to at most one member here; another server links independently.
 */
export class LinksRepository extends GuildRepository {
	public async ofMember(discordId: bigint): Promise<LinkRecord | null> {
		const rows = await this.client.$queryRaw<LinkRow[]>`
			SELECT ${COLUMNS} FROM links WHERE discord_server_id = ${this.guildId} AND discord_id = ${discordId} AND kick_name IS NOT NULL`;
		return rows[0] === undefined ? null : toRecord(rows[0]);
	}

	/** The link of a Kick account, by its user id when known, else by its name in any case. */
	public async ofKickAccount(account: { readonly name: string; readonly userId?: bigint | null }): Promise<LinkRecord | null> {
		const rows = await this.client.$queryRaw<LinkRow[]>`
			SELECT ${COLUMNS} FROM links
			WHERE discord_server_id = ${this.guildId}
			  AND (lower(kick_name) = lower(${account.name}) OR (${account.userId ?? null}::bigint IS NOT NULL AND kick_user_id = ${account.userId ?? null}::bigint))
			ORDER BY (kick_user_id = ${account.userId ?? null}::bigint) DESC NULLS LAST, linked_at ASC NULLS LAST
			LIMIT 1`;
		return rows[0] === undefined ? null : toRecord(rows[0]);
	}

	/**
	 * Links a Kick account to a member, replacing the member's earlier link in this server.
	 * Refused ('taken') when another member of this server holds the account. Two members
	 * linking one account at once: one wins, the other is told it is taken.
	 * @throws {InvalidInputError} for a name that is no Kick username.
	 */
	public async link(discordId: bigint, account: { readonly name: string; readonly userId: bigint }): Promise<LinkOutcome> {
		if (!KICK_NAME.test(account.name)) throw new InvalidInputError('A Kick username is 1 to 25 letters, digits or underscores');
		return this.scope.transaction(async (client) => {
			// One linker of this account in this server at a time; the lock ends with the transaction.
			await client.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`links:${this.guildId}:${account.userId}`}, 0))`;
			const holders = await client.$queryRaw<LinkRow[]>`
				SELECT ${COLUMNS} FROM links
				WHERE discord_server_id = ${this.guildId} AND (kick_user_id = ${account.userId} OR lower(kick_name) = lower(${account.name}))
				FOR UPDATE`;
			const other = holders.find((holder) => holder.discordId !== discordId);
			if (other !== undefined) return { outcome: 'taken', by: toRecord(other) };
			const before = await client.$queryRaw<LinkRow[]>`
				SELECT ${COLUMNS} FROM links WHERE discord_server_id = ${this.guildId} AND discord_id = ${discordId} FOR UPDATE`;
			const previous = before[0] === undefined || before[0].kickName === null ? null : toRecord(before[0]);
			if (previous !== null && previous.kickUserId === account.userId && previous.kickName === account.name)
				return { outcome: 'unchanged', link: previous };
			const rows = await client.$queryRaw<LinkRow[]>`
				INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id, linked_at)
				VALUES (${this.guildId}, ${discordId}, ${account.name}, ${account.userId}, now())
				ON CONFLICT (discord_id, discord_server_id) DO UPDATE SET kick_name = EXCLUDED.kick_name, kick_user_id = EXCLUDED.kick_user_id, linked_at = EXCLUDED.linked_at
				RETURNING ${COLUMNS}`;
			const link = toRecord(rows[0]!);
			return {
				outcome: 'linked',
				link,
				replaced: previous !== null && previous.kickName.toLowerCase() !== link.kickName.toLowerCase() ? previous : null
			};
		});
	}

	/** Removes the member's link in this server; the link it removed, or null when there was none. */
	public async unlink(discordId: bigint): Promise<LinkRecord | null> {
		const rows = await this.client.$queryRaw<LinkRow[]>`
			DELETE FROM links WHERE discord_server_id = ${this.guildId} AND discord_id = ${discordId} RETURNING ${COLUMNS}`;
		return rows[0] === undefined || rows[0].kickName === null ? null : toRecord(rows[0]);
	}

	/** The members linked to these Kick names (any case), in one query: lower-cased name → Discord id. */
	public async membersOf(kickNames: readonly string[]): Promise<Map<string, bigint>> {
		if (kickNames.length === 0) return new Map();
		const lowered = [...new Set(kickNames.map((name) => name.toLowerCase()))];
		const rows = await this.client.$queryRaw<{ name: string; discordId: bigint }[]>`
			SELECT lower(kick_name) AS name, discord_id AS "discordId" FROM links
			WHERE discord_server_id = ${this.guildId} AND lower(kick_name) = ANY(${lowered}::text[])`;
		return new Map(rows.map((row) => [row.name, row.discordId]));
	}

	/** Every link of this server, the members with a Kick account only, oldest first (for role syncs). */
	public async all(): Promise<LinkRecord[]> {
		const rows = await this.client.$queryRaw<LinkRow[]>`
			SELECT ${COLUMNS} FROM links WHERE discord_server_id = ${this.guildId} AND kick_name IS NOT NULL ORDER BY linked_at ASC NULLS FIRST, discord_id`;
		return rows.map(toRecord);
	}

	public async count(): Promise<number> {
		const rows = await this.client.$queryRaw<{ count: bigint }[]>`
			SELECT count(*) AS count FROM links WHERE discord_server_id = ${this.guildId} AND kick_name IS NOT NULL`;
		return Number(rows[0]!.count);
	}
}

function toRecord(row: LinkRow): LinkRecord {
	return { discordId: row.discordId, kickName: row.kickName ?? '', kickUserId: row.kickUserId, linkedAt: row.linkedAt };
}
