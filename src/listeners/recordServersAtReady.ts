import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener } from '@sapphire/framework';
import type { Client } from 'discord.js';
import { describeShards, shardsOfClient } from '#lib/discord/shards';

/**
 * At start, records every server the bot is in (new rows for servers joined while it was
 * offline) and marks left the servers of its shards it was removed from meanwhile.
 */
@ApplyOptions<Listener.Options>({ event: Events.ClientReady, once: true })
export class RecordServersAtReady extends Listener<typeof Events.ClientReady> {
	public override async run(client: Client<true>): Promise<void> {
		const { db, logger } = this.container;
		await db.system.recordServers(client.guilds.cache.map((guild) => ({ guildId: BigInt(guild.id), name: guild.name, ownerId: BigInt(guild.ownerId) })));
		// discord.js' internal sharding: the shards are the client's options (client.shard is only for its ShardingManager).
		const shards = shardsOfClient(client);
		const left = await db.system.markAbsentServersLeft(
			client.guilds.cache.map((guild) => BigInt(guild.id)),
			shards
		);
		if (left.length > 0) logger.info(`Removed from ${left.length} server(s) while offline: ${left.join(', ')} (their data is kept).`);
		logger.info(`Ready as ${client.user.tag} in ${client.guilds.cache.size} server(s) (${describeShards(shards)}).`);
	}
}
