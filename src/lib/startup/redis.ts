import { Redis, type RedisOptions } from 'ioredis';
import { StartupError } from '#lib/startup/StartupError';

/** ioredis options for a redis:// or rediss:// URL; BullMQ needs maxRetriesPerRequest null. */
export function redisOptionsFromUrl(url: string): RedisOptions {
	const parsed = new URL(url);
	const database = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
	return {
		host: parsed.hostname,
		port: Number(parsed.port || 6379),
		username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
		password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
		db: database,
		tls: parsed.protocol === 'rediss:' ? {} : undefined,
		maxRetriesPerRequest: null
	};
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
	const parsed = new URL(url);
	if (parsed.password) parsed.password = '***';
	return parsed.toString();
}

/**
 * Connects once to Redis before anything depends on it.
 * @throws {StartupError} in one line: where Redis was expected and how to start it.
 */
export async function assertRedisReachable(url: string): Promise<void> {
	const redis = new Redis({
		...redisOptionsFromUrl(url),
		lazyConnect: true,
		connectTimeout: 3000,
		disconnectTimeout: 0,
		maxRetriesPerRequest: 0,
		retryStrategy: () => null
	});
	// The socket error says why (ECONNREFUSED, ...); connect() itself only says the connection closed.
	let socketError: unknown;
	redis.on('error', (error: unknown) => {
		socketError ??= error;
	});
	try {
		await redis.connect();
		await redis.ping();
	} catch (error) {
		const cause = socketError ?? error;
		const reason = cause instanceof Error ? cause.message : String(cause);
		throw new StartupError(
			`Redis is not reachable at ${redactUrl(url)} (${reason}). Start it (for example \`redis-server --daemonize yes\`) or point REDIS_URL at a running Redis.`,
			{ cause: error }
		);
	} finally {
		redis.disconnect();
	}
}
