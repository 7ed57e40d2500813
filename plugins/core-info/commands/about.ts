import { ApplyOptions } from '@sapphire/decorators';
import { Command } from '@sapphire/framework';
import { EmbedBuilder, type Message } from 'discord.js';
import { botVersion } from '#lib/version';
import { describeBot } from '#plugins/core-info/lib/describeBot';

@ApplyOptions<Command.Options>({ description: 'Tells what this bot is: version, servers, uptime and plugins.' })
export class AboutCommand extends Command {
	public override registerApplicationCommands(registry: Command.Registry): void {
		registry.registerChatInputCommand((command) => command.setName(this.name).setDescription(this.description));
	}

	public override async chatInputRun(interaction: Command.ChatInputCommandInteraction): Promise<void> {
		await interaction.reply({ embeds: [this.embed()] });
	}

	public override async messageRun(message: Message): Promise<void> {
		await message.reply({ embeds: [this.embed()], allowedMentions: { repliedUser: false } });
	}

	private embed(): EmbedBuilder {
		const { client, db, plugins } = this.container;
		return new EmbedBuilder()
			.setTitle('Kick community bot')
			.setDescription('Watches a Kick channel’s chat and runs its community: points, raffles, commands and more, separately in every server.')
			.addFields(
				describeBot({ version: botVersion, serverCount: client.guilds.cache.size, uptimeMs: client.uptime ?? 0, databaseKind: db.connection.kind, plugins })
			);
	}
}
