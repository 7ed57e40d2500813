import { ApplyOptions } from '@sapphire/decorators';
import { Command } from '@sapphire/framework';
import type { APIEmbed, Message } from 'discord.js';
import { replyInChannel } from '#lib/commands/prefixAnswers';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import { botVersion } from '#lib/version';
import { describeBot } from '#plugins/core-info/lib/describeBot';

@ApplyOptions<Command.Options>({ description: 'Tells what this bot is: version, servers, uptime and plugins.' })
export class AboutCommand extends Command {
	public override registerApplicationCommands(registry: Command.Registry): void {
		registry.registerChatInputCommand((command) => command.setName(this.name).setDescription(this.description));
	}

	public override async chatInputRun(interaction: Command.ChatInputCommandInteraction): Promise<void> {
		await interaction.reply(withinDiscordLimits({ embeds: [this.embed()] }));
	}

	public override async messageRun(message: Message): Promise<void> {
		await replyInChannel(message, { embeds: [this.embed()] });
	}

	/** A plain embed, not a builder: the builder throws on a field over Discord's limits (many plugins), which the reply helper cuts instead. */
	private embed(): APIEmbed {
		const { client, db, plugins } = this.container;
		return {
			title: 'Kick community bot',
			description: 'Watches a Kick channel’s chat and runs its community: points, raffles, commands and more, separately in every server.',
			fields: describeBot({ version: botVersion, serverCount: client.guilds.cache.size, uptimeMs: client.uptime ?? 0, databaseKind: db.connection.kind, plugins })
		};
	}
}
