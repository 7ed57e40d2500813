import { ApplyOptions } from '@sapphire/decorators';
import { CommandOptionsRunTypeEnum } from '@sapphire/framework';
import { Subcommand } from '@sapphire/plugin-subcommands';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, InteractionContextType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import { boundGuildContext } from '#lib/guild/GuildContext';

// Until this command moves to GuildCommand (issue 11): the context the precondition bound.
const guildContext = (event: object) => boundGuildContext(event)!;
import { describeKickStatus } from '#lib/kick/describeKickStatus';
import { disconnectButtons } from '#lib/kick/disconnectButtons';
import { explainSettingError } from '#lib/settings/describeSettings';

const KICK_SLUG = /^[A-Za-z0-9_-]{1,64}$/;
const DAY_MS = 24 * 60 * 60_000;

/**
 * Links this server to a Kick channel. Slash only: the authorisation link is the moderator's
 * alone, so it is shown ephemerally, which a prefix command cannot do.
 */
@ApplyOptions<Subcommand.Options>({
	description: 'Links this server to a Kick channel, shows the link, or removes it (moderators).',
	runIn: CommandOptionsRunTypeEnum.GuildAny,
	preconditions: ['Moderator'],
	subcommands: [
		{ name: 'connect', chatInputRun: 'chatInputConnect' },
		{ name: 'status', chatInputRun: 'chatInputStatus' },
		{ name: 'disconnect', chatInputRun: 'chatInputDisconnect' }
	]
})
export class KickCommand extends Subcommand {
	public override registerApplicationCommands(registry: Subcommand.Registry): void {
		registry.registerChatInputCommand((command) =>
			command
				.setName(this.name)
				.setDescription(this.description)
				.setContexts(InteractionContextType.Guild)
				.setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
				.addSubcommand((connect) =>
					connect
						.setName('connect')
						.setDescription('Links this server to a Kick channel: its owner authorises the bot on Kick.')
						.addStringOption((channel) => channel.setName('channel').setDescription('The Kick channel name, as in kick.com/<name>').setRequired(true).setMaxLength(64))
						.addStringOption((chatroom) =>
							chatroom.setName('chatroom').setDescription('Its chatroom id, for bots that read chat over Kick’s chat socket (kick_chatroom_id)').setMaxLength(20)
						)
				)
				.addSubcommand((status) => status.setName('status').setDescription('Shows the Kick link: channel, live status, events, chat failures.'))
				.addSubcommand((disconnect) => disconnect.setName('disconnect').setDescription('Unlinks the Kick channel and revokes the bot’s access to it.'))
		);
	}

	public async chatInputConnect(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const slug = interaction.options.getString('channel', true).trim().replace(/^(https?:\/\/)?(www\.)?kick\.com\//i, '').replace(/\/+$/, '');
		const kick = this.container.kick;
		const refuse = (content: string) => interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral }));
		if (kick === undefined) {
			await refuse('The Kick connection is off on this bot: its operator sets `KICK_CLIENT_ID` and `KICK_CLIENT_SECRET` (a Kick app) and restarts it.');
			return;
		}
		if (kick.authorizations === undefined) {
			await refuse('This bot has no public address for Kick to send the authorisation back to: its operator sets `PUBLIC_URL` and restarts it.');
			return;
		}
		if (!KICK_SLUG.test(slug)) {
			await refuse('`channel` accepts a Kick channel name (letters, digits, _ and -), as in kick.com/<name>. Nothing was changed.');
			return;
		}
		const chatroom = interaction.options.getString('chatroom');
		const { guildId } = guildContext(interaction);
		if (chatroom !== null) {
			try {
				await this.container.settings.set(guildId, 'kick_chatroom_id', chatroom.trim());
			} catch (error) {
				await refuse(`${explainSettingError(error) ?? 'The chatroom id was refused.'}`);
				return;
			}
		}
		const { url } = await kick.authorizations.start({ guildId, discordUserId: BigInt(interaction.user.id), channelSlug: slug });
		await interaction.reply(withinDiscordLimits({
			content: `Open this link signed in to Kick as the owner of **kick.com/${slug.toLowerCase()}** and allow the bot. It works once, for the next 10 minutes, and only for you.`,
			components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel('Authorise on Kick'))],
			flags: MessageFlags.Ephemeral
		}));
	}

	public async chatInputStatus(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const { db } = guildContext(interaction);
		const connection = await db.kickConnection.get();
		if (connection === null) {
			await interaction.reply(
				withinDiscordLimits({ content: 'This server is not linked to a Kick channel. A moderator links it with `/kick connect <channel>`.', flags: MessageFlags.Ephemeral })
			);
			return;
		}
		const now = new Date();
		const since = new Date(now.getTime() - DAY_MS);
		const [chat, parked] = await Promise.all([
			db.outbox.summary('kick_chat', since),
			this.container.kick?.parkedEvents(connection.broadcasterUserId, since) ?? { count: 0, latest: null }
		]);
		const fields = describeKickStatus({ connection, chat, parked });
		// A plain embed, not EmbedBuilder: the builder throws on a field over Discord's limit before withinDiscordLimits can cut it.
		await interaction.reply(withinDiscordLimits({ embeds: [{ title: 'Kick connection', fields }], flags: MessageFlags.Ephemeral }));
	}

	public async chatInputDisconnect(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const connection = await guildContext(interaction).db.kickConnection.get();
		if (connection === null) {
			await interaction.reply(
				withinDiscordLimits({ content: 'This server is not linked to a Kick channel; there is nothing to disconnect.', flags: MessageFlags.Ephemeral })
			);
			return;
		}
		await interaction.reply(withinDiscordLimits({
			content: `Unlink **kick.com/${connection.channelSlug}** from this server? The bot stops reading and posting in its chat and its access is revoked.`,
			components: [disconnectButtons(interaction.user.id)],
			flags: MessageFlags.Ephemeral
		}));
	}
}
