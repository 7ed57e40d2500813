import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener } from '@sapphire/framework';
import type { Client } from 'discord.js';

/** At start, records every server the bot is in (new rows for servers joined while it was offline). */
@ApplyOptions<Listener.Options>({ event: Events.ClientReady, once: true })
export class RecordServersAtReady extends Listener<typeof Events.ClientReady> {
	public override async run(client: Client<true>): Promise<void> {
		for (const guild of client.guilds.cache.values()) {
			await this.container.db.forGuild(guild.id).server.ensure({ name: guild.name, ownerId: BigInt(guild.ownerId) });
		}
		this.container.logger.info(`Ready as ${client.user.tag} in ${client.guilds.cache.size} server(s).`);
	}
}
