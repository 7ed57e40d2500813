import { GuildRepository, InvalidInputError } from '#core';

/** A watch-time tier: members who watched at least `minutes` get `roleId` (null: no role yet). */
export interface RoleTier {
	readonly minutes: number;
	readonly roleId: string | null;
}

/** The thresholds a server starts with, without roles until a moderator sets them (FEATURES.md). */
export const DEFAULT_TIER_MINUTES = [120, 600, 2000] as const;
/** Tiers per server: enough for any ladder, and /roles tiers list fits one message. */
export const MAX_TIERS = 25;
/** The highest threshold: about 19 years of watching, well inside PostgreSQL's INTEGER. */
export const MAX_TIER_MINUTES = 10_000_000;

/** A server's tiers, and whether they are the defaults (the server never set one). */
export interface RoleTiers {
	readonly tiers: readonly RoleTier[];
	readonly defaults: boolean;
}

/** What setting a tier's role did. */
export type TierSetOutcome =
	| { readonly outcome: 'set'; readonly previousRoleId: string | null; readonly added: boolean }
	| { readonly outcome: 'role taken'; readonly byMinutes: number }
	| { readonly outcome: 'too many' };

/**
 * This server's watch-time tiers. A server without rows has the default thresholds (120, 600,
 * 2000 minutes) without roles; its first change writes them, so they stay listed until removed.
 */
export class RoleTiersRepository extends GuildRepository {
	public async list(): Promise<RoleTiers> {
		const rows = await this.client.$queryRaw<{ minutes: number; roleId: bigint | null }[]>`
			SELECT minutes, role_id AS "roleId" FROM role_tiers WHERE discord_server_id = ${this.guildId} ORDER BY minutes`;
		if (rows.length === 0) return { tiers: DEFAULT_TIER_MINUTES.map((minutes) => ({ minutes, roleId: null })), defaults: true };
		return { tiers: rows.map((row) => ({ minutes: row.minutes, roleId: row.roleId === null ? null : row.roleId.toString() })), defaults: false };
	}

	/**
	 * Gives the tier at `minutes` this role (adding the threshold when new). Refused when another
	 * threshold has the role, or when the server has MAX_TIERS thresholds already.
	 * @throws {InvalidInputError} for minutes outside 1 to MAX_TIER_MINUTES.
	 */
	public async set(minutes: number, roleId: string): Promise<TierSetOutcome> {
		assertMinutes(minutes);
		const role = BigInt(roleId);
		return this.scope.transaction(async (client) => {
			// One change to a server's tiers at a time: the defaults are written once, the count and the role checked against what is there.
			await client.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`role_tiers:${this.guildId}`}, 0))`;
			const rows = await client.$queryRaw<{ minutes: number; roleId: bigint | null }[]>`
				SELECT minutes, role_id AS "roleId" FROM role_tiers WHERE discord_server_id = ${this.guildId}`;
			const holder = rows.find((row) => row.roleId === role && row.minutes !== minutes);
			if (holder !== undefined) return { outcome: 'role taken', byMinutes: holder.minutes };
			const thresholds = new Set(rows.length === 0 ? DEFAULT_TIER_MINUTES : rows.map((row) => row.minutes));
			const added = !thresholds.has(minutes);
			if (added && thresholds.size >= MAX_TIERS) return { outcome: 'too many' };
			if (rows.length === 0) {
				await client.$executeRaw`
					INSERT INTO role_tiers (discord_server_id, minutes, role_id)
					SELECT ${this.guildId}, defaults.minutes, NULL FROM unnest(${[...DEFAULT_TIER_MINUTES]}::int[]) AS defaults(minutes)
					ON CONFLICT DO NOTHING`;
			}
			const previous = rows.find((row) => row.minutes === minutes)?.roleId ?? null;
			await client.$executeRaw`
				INSERT INTO role_tiers (discord_server_id, minutes, role_id) VALUES (${this.guildId}, ${minutes}, ${role})
				ON CONFLICT (discord_server_id, minutes) DO UPDATE SET role_id = EXCLUDED.role_id`;
			return { outcome: 'set', previousRoleId: previous === null ? null : previous.toString(), added };
		});
	}

	/**
	 * Removes the threshold at `minutes`; the tier it removed, or null when there was none. Removing
	 * one of the defaults before any change writes the other defaults, so only it goes.
	 */
	public async remove(minutes: number): Promise<RoleTier | null> {
		assertMinutes(minutes);
		return this.scope.transaction(async (client) => {
			await client.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`role_tiers:${this.guildId}`}, 0))`;
			const rows = await client.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM role_tiers WHERE discord_server_id = ${this.guildId}`;
			if (rows[0]!.count === 0n) {
				if (!(DEFAULT_TIER_MINUTES as readonly number[]).includes(minutes)) return null;
				await client.$executeRaw`
					INSERT INTO role_tiers (discord_server_id, minutes, role_id)
					SELECT ${this.guildId}, defaults.minutes, NULL FROM unnest(${DEFAULT_TIER_MINUTES.filter((tier) => tier !== minutes)}::int[]) AS defaults(minutes)`;
				return { minutes, roleId: null };
			}
			const removed = await client.$queryRaw<{ minutes: number; roleId: bigint | null }[]>`
				DELETE FROM role_tiers WHERE discord_server_id = ${this.guildId} AND minutes = ${minutes} RETURNING minutes, role_id AS "roleId"`;
			const tier = removed[0];
			return tier === undefined ? null : { minutes: tier.minutes, roleId: tier.roleId === null ? null : tier.roleId.toString() };
		});
	}
}

function assertMinutes(minutes: number): void {
	if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TIER_MINUTES)
		throw new InvalidInputError(`A tier is a whole number of minutes from 1 to ${MAX_TIER_MINUTES.toLocaleString('en-US')}`);
}
