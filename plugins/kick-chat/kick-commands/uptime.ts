import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { describeUptime } from '../lib/describeUptime.js';

/** !uptime: how long the stream has been live, from the live status Kick reported for this server's channel. */
@ApplyOptions<KickCommand.Options>({ description: 'Says how long the stream has been live.', commandCooldownSeconds: 10 })
export class UptimeCommand extends KickCommand {
	public override async run(message: KickCommand.Message, _args: KickCommand.Args, context: GuildContext): Promise<void> {
		const connection = await context.db.kickConnection.get();
		if (connection === null) return;
		await message.reply(describeUptime(connection, new Date()));
	}
}
