/** Milliseconds since the Unix epoch at Discord's epoch (2015-01-01), the base of every snowflake. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Makes Discord-style snowflakes: the time since Discord's epoch shifted left by 22 bits plus a
 * counter, so ids are unique, increase over time and have 18–19 digits like real ones.
 */
export class SnowflakeGenerator {
	private increment = 0n;

	public next(at: number = Date.now()): string {
		this.increment = (this.increment + 1n) & 0xfffn;
		return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | this.increment).toString();
	}
}
