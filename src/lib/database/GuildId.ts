/** A Discord server id as the database stores it (BIGINT). */
export type GuildId = bigint;

const MAX_BIGINT = 2n ** 63n - 1n;

/**
 * Validates a Discord server id (a snowflake as bigint or digit string).
 * @throws {TypeError} for anything that is not a positive 64-bit id.
 */
export function toGuildId(value: bigint | string): GuildId {
	const id = typeof value === 'bigint' ? value : /^\d{1,20}$/.test(value) ? BigInt(value) : -1n;
	if (id <= 0n || id > MAX_BIGINT) throw new TypeError(`${String(value)} is not a Discord server id`);
	return id;
}
