import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener } from '@sapphire/framework';
import type { Guild } from 'discord.js';

/** The bot was removed from a server (not an outage: those are `guildUnavailable`): mark it left, keep its data. */
@ApplyOptions<Listener.Options>({ event: Events.GuildDelete })
export class RecordLeftServer extends Listener<typeof Events.GuildDelete> {
	public override async run(guild: Guild): Promise<void> {
		await this.container.db.forGuild(guild.id).server.markLeft();
		this.container.logger.info(`Left server ${guild.name} (${guild.id}); its data is kept.`);
	}
}
