import { ApplyOptions } from '@sapphire/decorators';
import { Command, CommandOptionsRunTypeEnum } from '@sapphire/framework';
import { InteractionContextType, type APIEmbed, type Guild, type Message } from 'discord.js';
import { replyInChannel } from '#lib/commands/prefixAnswers';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import { describeServer } from '#plugins/core-info/lib/describeServer';

@ApplyOptions<Command.Options>({
	description: 'Shows what the bot holds about this server: since when it is here and which plugins run.',
	runIn: CommandOptionsRunTypeEnum.GuildAny
})
export class ServerCommand extends Command {
	public override registerApplicationCommands(registry: Command.Registry): void {
		registry.registerChatInputCommand((command) =>
			command.setName(this.name).setDescription(this.description).setContexts(InteractionContextType.Guild)
		);
	}

	public override async chatInputRun(interaction: Command.ChatInputCommandInteraction): Promise<void> {
		await interaction.reply(withinDiscordLimits({ embeds: [await this.embed(interaction.guildId!, interaction.guild)] }));
	}

	public override async messageRun(message: Message<true>): Promise<void> {
		await replyInChannel(message, { embeds: [await this.embed(message.guildId, message.guild)] });
	}

	/** `guild` is null when the bot is not in the server (an app installed by a user): only its id is known then. */
	private async embed(guildId: string, guild: Guild | null): Promise<APIEmbed> {
		const repositories = this.container.db.forGuild(guildId);
		// The row is written at ready and on join; ensure covers a command racing the join listener.
		const server =
			(await repositories.server.get()) ?? (await repositories.server.ensure({ name: guild?.name ?? null, ownerId: guild ? BigInt(guild.ownerId) : null }));
		return { title: server.name ?? guildId, fields: describeServer(server, this.container.plugins) };
	}
}
