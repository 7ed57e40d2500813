import { SharedState } from '#lib/shared/SharedState';

/** The Redis the tests share (never flushed by them: each test uses key prefixes of its own). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A bot process's shared state (what `context.shared` reaches), over a test's Redis and key prefix; close it after. */
export function testSharedState(keyPrefix: string, redisUrl: string = TEST_REDIS_URL): SharedState {
	return new SharedState({ redisUrl, keyPrefix });
}

export type { SharedState };
