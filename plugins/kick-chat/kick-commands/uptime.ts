import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand } from '#lib/kick/commands/KickCommand';
import { describeUptime } from '#plugins/kick-chat/lib/describeUptime';

/** !uptime: how long the stream has been live, from the live status Kick reported for this server's channel. */
@ApplyOptions<KickCommand.Options>({ description: 'Says how long the stream has been live.', commandCooldownSeconds: 10 })
export class UptimeCommand extends KickCommand {
	public override async run(message: KickCommand.Message): Promise<void> {
		const connection = await message.context.db.kickConnection.get();
		if (connection === null) return;
		await message.reply(describeUptime(connection, new Date()));
	}
}
