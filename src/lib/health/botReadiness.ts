import type { ILogger } from '@sapphire/framework';
import { Status, type Client } from 'discord.js';
import { Redis } from 'ioredis';
import type { Database } from '#lib/database/Database';
import { readMigrationFiles } from '#lib/database/migrations/MigrationFiles';
import { ReadinessProbe } from '#lib/health/ReadinessProbe';
import { redisErrorCounter } from '#lib/metrics/metrics';
import { migrationsDirectory } from '#lib/paths';
import { whenBotStops } from '#lib/setup/botStopping';
import { redisOptionsFromUrl } from '#lib/startup/redis';

/**
 * The bot's readiness: every Discord shard of this process ready, the migrations of this build
 * applied (one query, which is also the database check), and a PING on a Redis connection of its
 * own that fails at once while Redis is away (no offline queue). Changes are logged once each.
 */
export function createBotReadiness(options: {
	readonly client: Client;
	readonly database: Database;
	readonly redisUrl: string;
	readonly logger: ILogger;
}): ReadinessProbe {
	const { client, database, logger } = options;
	const redis = new Redis({
		...redisOptionsFromUrl(options.redisUrl),
		connectionName: `kickbot-readiness-${process.pid}`,
		lazyConnect: true,
		enableOfflineQueue: false,
		maxRetriesPerRequest: 0,
		connectTimeout: 2000,
		retryStrategy: (attempt) => Math.min(attempt * 200, 2000)
	});
	redis.on('error', redisErrorCounter('readiness'));
	void redis.connect().catch(() => undefined);
	const forget = whenBotStops(async () => {
		redis.disconnect();
		forget();
	});
	return new ReadinessProbe({
		checks: {
			discordConnected: () => client.isReady() && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready),
			pendingMigrations: (names) => database.system.pendingMigrations(names),
			pingRedis: async () => {
				if (redis.status !== 'ready') throw new Error(`not connected (${redis.status})`);
				return redis.ping();
			}
		},
		migrations: readMigrationFiles(migrationsDirectory).map((migration) => migration.name),
		onChange: (readiness, reasons) => {
			if (readiness.ready) logger.info('Readiness: ready (Discord connected, database and Redis reachable, migrations applied).');
			else logger.warn(`Readiness: not ready (${reasons.join('; ')}).`);
		}
	});
}
