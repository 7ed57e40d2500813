import type { Client, ClientOptions } from 'discord.js';
import type { ShardingConfig } from '#lib/config/environment';

/** The shards a bot process runs, out of how many the bot has in all. */
export interface ShardsOfProcess {
	/** Ascending. */
	readonly ids: readonly number[];
	readonly count: number;
}

/** Discord's shard of a server: (id >> 22) % shard count. */
export function shardOfGuild(guildId: bigint, shardCount: number): number {
	return Number((guildId >> 22n) % BigInt(shardCount));
}

/**
 * The discord.js options that make this process run the configured shards with the client's own
 * sharding (one WebSocket per shard through @discordjs/ws): `auto` asks Discord's `/gateway/bot`
 * and runs every shard; a fixed count runs the ids given, or all of them.
 */
export function clientShardOptions(sharding: ShardingConfig): Pick<ClientOptions, 'shards' | 'shardCount'> {
	if (sharding.count === 'auto') return { shards: 'auto' };
	return { shardCount: sharding.count, shards: sharding.ids === null ? Array.from({ length: sharding.count }, (_, id) => id) : [...sharding.ids] };
}

/** The shards this process runs, as the client holds them (known once it logged in; `auto` is resolved then). */
export function shardsOfClient(client: Client): ShardsOfProcess {
	const { shards, shardCount } = client.options;
	const ids = Array.isArray(shards) ? [...(shards as readonly number[])].sort((a, b) => a - b) : typeof shards === 'number' ? [shards] : [0];
	return { ids, count: shardCount ?? 1 };
}

/** "shards 0, 1 of 4" (or "shard 0 of 1"), for log lines. */
export function describeShards(shards: ShardsOfProcess): string {
	return `${shards.ids.length === 1 ? 'shard' : 'shards'} ${shards.ids.join(', ')} of ${shards.count}`;
}
