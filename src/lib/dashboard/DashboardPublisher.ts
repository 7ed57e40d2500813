import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { GuildId } from '#lib/database/GuildId';
import { DEFAULT_KEY_PREFIX, signDashboardMessage, type DashboardPayload, type MessageToSign } from '#lib/dashboard/protocol';
import { redisErrorCounter } from '#lib/metrics/metrics';
import { redisOptionsFromUrl } from '#lib/startup/redis';

export interface PublishResult {
	readonly channel: string;
	readonly payload: DashboardPayload;
	/** The exact text the signature covers. */
	readonly signingInput: string;
	/** How many Redis clients received it (PUBLISH's answer; every bot process counts one). */
	readonly receivers: number;
}

export interface DashboardPublisherOptions {
	readonly redisUrl: string;
	readonly secret: string;
	/** The REDIS_KEY_PREFIX of the deployment it publishes for, which names the channels. */
	readonly keyPrefix: string;
	/** Milliseconds since the epoch; Date.now by default. */
	readonly now?: () => number;
}

/**
 * Publishes signed dashboard messages on its own Redis connection (connected at the first
 * publish). The bot uses it to tell its other processes that it changed a server's settings;
 * the CLI and tests use it as the dashboard would.
 */
export class DashboardPublisher {
	private readonly redis: Redis;
	private readonly now: () => number;

	public constructor(private readonly options: DashboardPublisherOptions) {
		this.now = options.now ?? Date.now;
		this.redis = new Redis({
			...redisOptionsFromUrl(options.redisUrl),
			lazyConnect: true,
			connectionName: `kickbot-dashboard-publisher-${process.pid}`,
			// A publish while Redis is away fails after a couple of attempts instead of waiting forever.
			maxRetriesPerRequest: 2,
			retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt - 1, 10), 5000)
		});
		// Failures reach the caller through publish(); without a listener ioredis would print them too.
		this.redis.on('error', redisErrorCounter('dashboard'));
	}

	/**
	 * Signs the message with the secret and PUBLISHes it on its area's channel of this deployment.
	 * @throws {TypeError} for a malformed message; Redis errors as they come.
	 */
	public async publish(message: Omit<MessageToSign, 'keyPrefix'>): Promise<PublishResult> {
		const signed = signDashboardMessage(this.options.secret, { ...message, keyPrefix: this.options.keyPrefix }, this.now());
		const receivers = await this.redis.publish(signed.channel, signed.text);
		return { channel: signed.channel, payload: signed.payload, signingInput: signed.signingInput, receivers };
	}

	/**
	 * Tells the other bot processes that this one changed a server's settings (`bot_settings`
	 * `reload`). The random id in data keeps changes made within one second distinct: identical
	 * messages would share a signature, and receivers would take all but the first for replays.
	 */
	public publishSettingsReload(guildId: GuildId): Promise<PublishResult> {
		return this.publish({ area: 'bot_settings', action: 'reload', guildId, data: { id: randomUUID() } });
	}

	public async close(): Promise<void> {
		if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
		this.redis.disconnect();
	}
}

export interface PublishDashboardMessageOptions extends MessageToSign {
	readonly secret: string;
	/** redis://127.0.0.1:6379 when omitted. */
	readonly redisUrl?: string;
}

/**
 * Publishes one signed dashboard message on a connection of its own, then closes it: what a
 * test (or script) does to act as the dashboard. The bot must run with the same
 * DASHBOARD_SECRET, REDIS_URL and REDIS_KEY_PREFIX (`keyPrefix`, DEFAULT_KEY_PREFIX when omitted).
 *
 * @example
 * await publishDashboardMessage({ secret, redisUrl, keyPrefix, area: 'bot_settings', action: 'update', guildId: '1100000000000000001', data: { key: 'prefix' } });
 */
export async function publishDashboardMessage(options: PublishDashboardMessageOptions): Promise<PublishResult> {
	const { secret, redisUrl = 'redis://127.0.0.1:6379', keyPrefix = DEFAULT_KEY_PREFIX, ...message } = options;
	const publisher = new DashboardPublisher({ redisUrl, secret, keyPrefix });
	try {
		return await publisher.publish(message);
	} finally {
		await publisher.close();
	}
}
