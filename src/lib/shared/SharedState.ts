import { Redis } from 'ioredis';
import type { GuildId } from '#lib/database/GuildId';
import { redisErrorCounter } from '#lib/metrics/metrics';
import { redisOptionsFromUrl } from '#lib/startup/redis';

/** A member of a sorted set with its score. */
export interface ScoredMember {
	readonly member: string;
	readonly score: number;
}

/**
 * State one server's features share between bot processes, in Redis: every key lives under
 * `<REDIS_KEY_PREFIX>:guild:<server id>:`, so a piece holding one server's handle cannot name
 * another server's keys. For what is short-lived and shared (who chatted lately, a status
 * seen by another process), not for what must survive Redis losing it (that is the database's).
 * Calls made in the same turn of the event loop, for any servers, go to Redis in one round trip.
 */
export interface GuildShared {
	readonly guildId: GuildId;
	/**
	 * Raises each member's score in the sorted set `key` to the given one when higher (ZADD GT),
	 * adding the members it lacks, in one command; the set expires `ttlMs` after its last raise.
	 * `members` and `scores` pair up by position.
	 */
	raiseScores(key: string, members: readonly string[], scores: readonly number[], ttlMs: number): Promise<void>;
	/** The members of the sorted set `key` scored at least `min`, lowest score first. */
	membersScoredFrom(key: string, min: number): Promise<ScoredMember[]>;
	/** Removes the members of the sorted set `key` scored below `max`; how many it removed. */
	removeScoredBelow(key: string, max: number): Promise<number>;
	get(key: string): Promise<string | null>;
	/**
	 * Adds `by` (a whole number) to the counter `key` (0 when missing), in one command whichever
	 * process adds, and answers the new value; with `ttlMs` the counter expires that long after.
	 */
	increment(key: string, by: number, options?: { readonly ttlMs?: number }): Promise<number>;
	/**
	 * Cooldowns shared by every process: when none of `holds` is running at `now`, starts them all
	 * (each `ms` long) and answers null; otherwise starts none and answers the one with the most
	 * time left. One atomic command, so two processes cannot both start them. `force` starts them
	 * whatever runs (a moderator's use is never held, but starts the cooldowns all the same).
	 */
	startCooldowns(holds: readonly CooldownHold[], now: number, options?: { readonly force?: boolean }): Promise<RunningCooldown | null>;
	/** Sets `key`; with `ttlMs` it expires that long after. */
	set(key: string, value: string, options?: { readonly ttlMs?: number }): Promise<void>;
	delete(key: string): Promise<void>;
}

/** One cooldown: its key and its length. */
export interface CooldownHold {
	readonly key: string;
	readonly ms: number;
}

/** A cooldown that held a use back, and for how long yet. */
export interface RunningCooldown {
	readonly key: string;
	readonly remainingMs: number;
}

// Each key holds the moment (of the callers' clock) its cooldown ends; Redis drops it soon after.
const START_COOLDOWNS = `
local now = tonumber(ARGV[1])
if ARGV[2] ~= '1' then
	local held, longest = 0, 0
	for index, key in ipairs(KEYS) do
		local left = tonumber(redis.call('GET', key) or '0') - now
		if left > longest then held, longest = index, left end
	end
	if held > 0 then return {held, longest} end
end
for index, key in ipairs(KEYS) do
	local ms = tonumber(ARGV[2 + index])
	redis.call('SET', key, tostring(now + ms), 'PX', ms)
end
return {0, 0}`;

/** Key names a feature picks: letters, digits and `:_-.`, up to 100 (the server's part comes before it). */
const KEY = /^[A-Za-z0-9][A-Za-z0-9:_.-]{0,99}$/;

/**
 * The bot's Redis for the servers' shared state (`container.shared`): one connection that
 * pipelines the commands of a turn of the event loop together, and a `GuildShared` handle per
 * server (a few fields over that connection, made when asked: a server's context keeps its own).
 */
export class SharedState {
	private readonly redis: Redis;
	private readonly prefix: string;

	public constructor(options: { readonly redisUrl: string; readonly keyPrefix: string }) {
		this.prefix = `${options.keyPrefix}:guild:`;
		this.redis = new Redis({
			...redisOptionsFromUrl(options.redisUrl),
			lazyConnect: true,
			enableAutoPipelining: true,
			connectionName: `kickbot-shared-${process.pid}`,
			// A command while Redis is away fails after a couple of attempts instead of waiting forever; callers decide what that means.
			maxRetriesPerRequest: 2,
			retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt - 1, 10), 5000)
		});
		// Failures reach the callers through their promises; without a listener ioredis would print them too.
		this.redis.on('error', redisErrorCounter('shared'));
		this.redis.defineCommand('startCooldowns', { lua: START_COOLDOWNS });
	}

	/** The handle of one server's shared state: its keys only, whichever handle of that server asks. */
	public forGuild(guildId: GuildId): GuildShared {
		return new ServerShared(this.redis, `${this.prefix}${guildId}:`, guildId);
	}

	public async close(): Promise<void> {
		if (this.redis.status === 'wait' || this.redis.status === 'end') {
			this.redis.disconnect();
			return;
		}
		await this.redis.quit().catch(() => this.redis.disconnect());
	}
}

class ServerShared implements GuildShared {
	public constructor(
		private readonly redis: Redis,
		private readonly prefix: string,
		public readonly guildId: GuildId
	) {}

	public async raiseScores(key: string, members: readonly string[], scores: readonly number[], ttlMs: number): Promise<void> {
		if (members.length !== scores.length)
			throw new TypeError(`raiseScores takes as many scores as members (${members.length} members, ${scores.length} scores)`);
		assertTtl(ttlMs);
		if (members.length === 0) return;
		const name = this.keyOf(key);
		const pairs = new Array<string | number>(members.length * 2);
		for (let index = 0; index < members.length; index++) {
			pairs[index * 2] = scores[index]!;
			pairs[index * 2 + 1] = members[index]!;
		}
		await Promise.all([this.redis.zadd(name, 'GT', ...pairs), this.redis.pexpire(name, ttlMs)]);
	}

	public async membersScoredFrom(key: string, min: number): Promise<ScoredMember[]> {
		const flat = await this.redis.zrangebyscore(this.keyOf(key), min, '+inf', 'WITHSCORES');
		const members = new Array<ScoredMember>(flat.length / 2);
		for (let index = 0; index < flat.length; index += 2) members[index / 2] = { member: flat[index]!, score: Number(flat[index + 1]) };
		return members;
	}

	public async removeScoredBelow(key: string, max: number): Promise<number> {
		return this.redis.zremrangebyscore(this.keyOf(key), '-inf', `(${max}`);
	}

	public async get(key: string): Promise<string | null> {
		return this.redis.get(this.keyOf(key));
	}

	public async increment(key: string, by: number, options: { readonly ttlMs?: number } = {}): Promise<number> {
		if (!Number.isSafeInteger(by)) throw new TypeError(`increment takes a whole number (got ${by})`);
		const name = this.keyOf(key);
		if (options.ttlMs === undefined) return this.redis.incrby(name, by);
		assertTtl(options.ttlMs);
		const [value] = await Promise.all([this.redis.incrby(name, by), this.redis.pexpire(name, options.ttlMs)]);
		return value;
	}

	public async startCooldowns(holds: readonly CooldownHold[], now: number, options: { readonly force?: boolean } = {}): Promise<RunningCooldown | null> {
		if (holds.length === 0) return null;
		if (!Number.isSafeInteger(now)) throw new TypeError(`startCooldowns takes the time as whole milliseconds (got ${now})`);
		for (const hold of holds) assertTtl(hold.ms);
		const redis = this.redis as Redis & { startCooldowns(...args: (string | number)[]): Promise<[number, number]> };
		const [held, remainingMs] = await redis.startCooldowns(
			holds.length,
			...holds.map((hold) => this.keyOf(hold.key)),
			now,
			options.force === true ? '1' : '0',
			...holds.map((hold) => hold.ms)
		);
		return held === 0 ? null : { key: holds[held - 1]!.key, remainingMs };
	}

	public async set(key: string, value: string, options: { readonly ttlMs?: number } = {}): Promise<void> {
		if (options.ttlMs === undefined) {
			await this.redis.set(this.keyOf(key), value);
			return;
		}
		assertTtl(options.ttlMs);
		await this.redis.set(this.keyOf(key), value, 'PX', options.ttlMs);
	}

	public async delete(key: string): Promise<void> {
		await this.redis.del(this.keyOf(key));
	}

	private keyOf(key: string): string {
		if (!KEY.test(key))
			throw new TypeError(`A shared key is 1 to 100 letters, digits or :_.- starting with a letter or digit (got ${JSON.stringify(key)})`);
		return this.prefix + key;
	}
}

function assertTtl(ttlMs: number): void {
	if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new TypeError(`A time to live is a whole number of milliseconds from 1 (got ${ttlMs})`);
}
