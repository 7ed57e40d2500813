import { ApplyOptions } from '@sapphire/decorators';
import { CommandOptionsRunTypeEnum, type Args } from '@sapphire/framework';
import { Subcommand } from '@sapphire/plugin-subcommands';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, escapeMarkdown, InteractionContextType, MessageFlags, type Message } from 'discord.js';
import { replyInChannel, sendByDirectMessage, type PrefixAnswer } from '#lib/commands/prefixAnswers';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import { guildContext, type GuildContext } from '#lib/guild/GuildContext';
import { describeKickStatus, describeUnlinked, explainKickUnavailable } from '#lib/kick/describeKickStatus';
import { disconnectButtons } from '#lib/kick/disconnectButtons';
import { explainSettingError } from '#lib/settings/describeSettings';

const KICK_SLUG = /^[A-Za-z0-9_-]{1,64}$/;
const DAY_MS = 24 * 60 * 60_000;

type LinkStart = { readonly refusal: string } | { readonly url: string; readonly slug: string };

/**
 * Links this server to a Kick channel. The authorisation link is the moderator's alone: the slash
 * form shows it ephemerally, the prefix form sends it by DM.
 */
@ApplyOptions<Subcommand.Options>({
	description: 'Links this server to a Kick channel, shows the link, or removes it (moderators).',
	runIn: CommandOptionsRunTypeEnum.GuildAny,
	preconditions: ['Moderator'],
	subcommands: [
		{ name: 'connect', chatInputRun: 'chatInputConnect', messageRun: 'messageConnect' },
		{ name: 'status', chatInputRun: 'chatInputStatus', messageRun: 'messageStatus' },
		{ name: 'disconnect', chatInputRun: 'chatInputDisconnect', messageRun: 'messageDisconnect' }
	]
})
export class KickCommand extends Subcommand {
	public override registerApplicationCommands(registry: Subcommand.Registry): void {
		// No default member permissions: Discord would hide the command from members who only hold the moderator role; the Moderator precondition decides.
		registry.registerChatInputCommand((command) =>
			command
				.setName(this.name)
				.setDescription(this.description)
				.setContexts(InteractionContextType.Guild)
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
		const { options } = interaction;
		const start = await this.startLink(guildContext(interaction), interaction.user.id, options.getString('channel', true), options.getString('chatroom'));
		const answer = 'refusal' in start ? { content: start.refusal } : linkAnswer(start);
		await interaction.reply(withinDiscordLimits({ ...answer, flags: MessageFlags.Ephemeral }));
	}

	public async messageConnect(message: Message, args: Args): Promise<void> {
		const channel = await args.pick('string').catch(() => null);
		const chatroom = await args.pick('string').catch(() => null);
		if (channel === null) {
			await replyInChannel(message, { content: `Usage: \`${args.commandContext.commandPrefix}kick connect <channel> [chatroom]\`. Nothing was changed.` });
			return;
		}
		const context = guildContext(message);
		const start = await this.startLink(context, message.author.id, channel, chatroom);
		if ('refusal' in start) await replyInChannel(message, { content: start.refusal });
		else await sendByDirectMessage(message, linkAnswer(start, message.guild?.name), { what: 'the authorisation link', slashForm: '/kick connect' });
	}

	public async chatInputStatus(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const answer = await this.status(guildContext(interaction), '/kick connect <channel>', 'Kick connection');
		await interaction.reply(withinDiscordLimits({ ...answer, flags: MessageFlags.Ephemeral }));
	}

	public async messageStatus(message: Message, args: Args): Promise<void> {
		const context = guildContext(message);
		const title = `Kick connection of ${message.guild?.name ?? 'this server'}`;
		const answer = await this.status(context, `${args.commandContext.commandPrefix}kick connect <channel>`, title);
		await sendByDirectMessage(message, answer, { what: 'the Kick status of this server', slashForm: '/kick status' });
	}

	public async chatInputDisconnect(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const answer = await this.disconnectPrompt(guildContext(interaction), interaction.user.id);
		await interaction.reply(withinDiscordLimits({ ...answer, flags: MessageFlags.Ephemeral }));
	}

	/** Public, as a prefix command cannot answer one member alone; its buttons answer only the moderator who asked. */
	public async messageDisconnect(message: Message): Promise<void> {
		await replyInChannel(message, await this.disconnectPrompt(guildContext(message), message.author.id));
	}

	/** Checks the request and starts Kick's authorisation for this server and this moderator, or says why not (nothing changed then). */
	private async startLink({ guildId }: GuildContext, moderatorId: string, channel: string, chatroom: string | null): Promise<LinkStart> {
		const authorizations = this.container.kick?.authorizations;
		if (authorizations === undefined) return { refusal: explainKickUnavailable(this.container.kick !== undefined) };
		const slug = channel.trim().replace(/^(https?:\/\/)?(www\.)?kick\.com\//i, '').replace(/\/+$/, '');
		if (!KICK_SLUG.test(slug)) return { refusal: '`channel` accepts a Kick channel name (letters, digits, _ and -), as in kick.com/<name>. Nothing was changed.' };
		if (chatroom !== null) {
			try {
				await this.container.settings.set(guildId, 'kick_chatroom_id', chatroom.trim());
			} catch (error) {
				const explanation = explainSettingError(error);
				if (explanation === undefined) throw error;
				return { refusal: explanation };
			}
		}
		const { url } = await authorizations.start({ guildId, discordUserId: BigInt(moderatorId), channelSlug: slug });
		return { url, slug };
	}

	private async status({ db }: GuildContext, connectCommand: string, title: string): Promise<PrefixAnswer> {
		const kick = this.container.kick;
		const connection = await db.kickConnection.get();
		if (connection === null) return { content: describeUnlinked(kick?.authorizations === undefined ? explainKickUnavailable(kick !== undefined) : undefined, connectCommand) };
		const now = new Date();
		const since = new Date(now.getTime() - DAY_MS);
		const [chat, parked] = await Promise.all([db.outbox.summary('kick_chat', since), kick?.parkedEvents(connection.broadcasterUserId, since) ?? { count: 0, latest: null }]);
		// A link made while Kick was on receives nothing once it is off; without PUBLIC_URL only new links are off.
		const fields = describeKickStatus({ connection, chat, parked, ...(kick === undefined ? { unavailable: explainKickUnavailable(false) } : {}) });
		// A plain embed, not EmbedBuilder: the builder throws on a field over Discord's limit before withinDiscordLimits can cut it.
		return { embeds: [{ title, fields }] };
	}

	private async disconnectPrompt({ db }: GuildContext, moderatorId: string): Promise<PrefixAnswer> {
		const connection = await db.kickConnection.get();
		if (connection === null) return { content: 'This server is not linked to a Kick channel; there is nothing to disconnect.' };
		return {
			content: `Unlink **kick.com/${connection.channelSlug}** from this server? The bot stops reading and posting in its chat and its access is revoked.`,
			components: [disconnectButtons(moderatorId)]
		};
	}
}

/** The authorisation link as a button; `serverName` names the server in a DM, which is outside it. */
function linkAnswer({ url, slug }: { readonly url: string; readonly slug: string }, serverName?: string): PrefixAnswer {
	const server = serverName === undefined ? '' : ` for the Discord server **${escapeMarkdown(serverName)}**`;
	return {
		content: `Open this link signed in to Kick as the owner of **kick.com/${slug.toLowerCase()}** and allow the bot${server}. It works once, for the next 10 minutes, and only for you.`,
		components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel('Authorise on Kick'))]
	};
}
