import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall } from '#core';

@ApplyOptions<GuildCommand.Options>({ description: 'Checks that the bot is alive and how fast it answers.', alsoInDirectMessages: true })
export class PingCommand extends GuildCommand {
	public override async run(call: CommandCall): Promise<void> {
		const sent = Date.now();
		const answer = await call.reply({ content: 'Pinging…', visibility: 'channel' });
		await answer.edit({ content: this.pong(Date.now() - sent) });
	}

	private pong(roundTripMs: number): string {
		const heartbeat = this.container.client.ws.ping;
		return `Pong! Round trip ${roundTripMs} ms${heartbeat >= 0 ? `, gateway heartbeat ${heartbeat} ms` : ''}.`;
	}
}
