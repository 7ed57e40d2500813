import { ApplyOptions } from '@sapphire/decorators';
import { botFacts, GuildCommand, type CommandCall, type GuildContext } from '#core';
import { describeServer } from '../lib/describeServer.js';

@ApplyOptions<GuildCommand.Options>({ description: 'Shows what the bot holds about this server: since when it is here and which plugins run.' })
export class ServerCommand extends GuildCommand {
	public override async run(call: CommandCall, context: GuildContext): Promise<void> {
		const { guild, guildId, db } = context;
		// The row is written at ready and on join; ensure covers a command racing the join listener.
		const server = (await db.server.get()) ?? (await db.server.ensure({ name: guild?.name ?? null, ownerId: guild ? BigInt(guild.ownerId) : null }));
		const plugins = (await botFacts()).plugins.map((plugin) => plugin.name);
		await call.reply({ embeds: [{ title: server.name ?? String(guildId), fields: describeServer(server, plugins) }], visibility: 'channel' });
	}
}
