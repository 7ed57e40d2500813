import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener } from '@sapphire/framework';
import type { Guild } from 'discord.js';

/** The bot joined a server while running: record it. */
@ApplyOptions<Listener.Options>({ event: Events.GuildCreate })
export class RecordJoinedServer extends Listener<typeof Events.GuildCreate> {
	public override async run(guild: Guild): Promise<void> {
		await this.container.db.forGuild(guild.id).server.ensure({ name: guild.name, ownerId: BigInt(guild.ownerId) });
		this.container.logger.info(`Joined server ${guild.name} (${guild.id}).`);
	}
}
