import { ApplyOptions } from '@sapphire/decorators';
import { Command } from '@sapphire/framework';
import type { Message } from 'discord.js';
import { replyInChannel } from '#lib/commands/prefixAnswers';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

@ApplyOptions<Command.Options>({ description: 'Checks that the bot is alive and how fast it answers.' })
export class PingCommand extends Command {
	public override registerApplicationCommands(registry: Command.Registry): void {
		registry.registerChatInputCommand((command) => command.setName(this.name).setDescription(this.description));
	}

	public override async chatInputRun(interaction: Command.ChatInputCommandInteraction): Promise<void> {
		const sent = Date.now();
		await interaction.reply(withinDiscordLimits({ content: 'Pinging…' }));
		await interaction.editReply(withinDiscordLimits({ content: this.pong(Date.now() - sent) }));
	}

	public override async messageRun(message: Message): Promise<void> {
		const sent = Date.now();
		const reply = await replyInChannel(message, { content: 'Pinging…' });
		await reply.edit(withinDiscordLimits({ content: this.pong(Date.now() - sent) }));
	}

	private pong(roundTripMs: number): string {
		const heartbeat = this.container.client.ws.ping;
		return `Pong! Round trip ${roundTripMs} ms${heartbeat >= 0 ? `, gateway heartbeat ${heartbeat} ms` : ''}.`;
	}
}
