import { ApplyOptions } from '@sapphire/decorators';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, escapeMarkdown } from 'discord.js';
import type { CommandAnswer } from '#lib/commands/answerCall';
import { GuildCommand, type CommandCall } from '#lib/commands/GuildCommand';
import type { GuildContext } from '#lib/guild/GuildContext';
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
@ApplyOptions<GuildCommand.Options>({
	description: 'Links this server to a Kick channel, shows the link, or removes it (moderators).',
	moderatorsOnly: true,
	guildSubcommands: [
		{
			name: 'connect',
			description: 'Links this server to a Kick channel: its owner authorises the bot on Kick.',
			run: 'connect',
			options: [
				{ type: 'string', name: 'channel', description: 'The Kick channel name, as in kick.com/<name>', required: true, maxLength: 64 },
				{
					type: 'string',
					name: 'chatroom',
					description: 'Its chatroom id, for bots that read chat over Kick’s chat socket (kick_chatroom_id)',
					maxLength: 20
				}
			]
		},
		{ name: 'status', description: 'Shows the Kick link: channel, live status, events, chat failures.', run: 'status' },
		{ name: 'disconnect', description: 'Unlinks the Kick channel and revokes the bot’s access to it.', run: 'disconnect' }
	]
})
export class KickCommand extends GuildCommand {
	public async connect(call: CommandCall, context: GuildContext): Promise<void> {
		const start = await this.startLink(context, call.user.id, call.options.string('channel') ?? '', call.options.string('chatroom'));
		if ('refusal' in start) await call.reply({ content: start.refusal });
		// In a DM, outside the server, the link names the server it is for.
		else
			await call.reply({
				...linkAnswer(start, call.form === 'prefix' ? context.guild?.name : undefined),
				visibility: 'caller-only',
				about: 'the authorisation link'
			});
	}

	public async status(call: CommandCall, context: GuildContext): Promise<void> {
		const prefix = context.settings.get('prefix');
		const answer = await this.describeStatus(
			context,
			call.form === 'slash' ? '/kick connect <channel>' : `${prefix}kick connect <channel>`,
			call.form === 'slash' ? 'Kick connection' : `Kick connection of ${context.guild?.name ?? 'this server'}`
		);
		await call.reply({ ...answer, visibility: 'caller-only', about: 'the Kick status of this server' });
	}

	/** The prefix form's prompt is public, as a prefix command cannot answer one member alone; its buttons answer only the moderator who asked. */
	public async disconnect(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await this.disconnectPrompt(context, call.user.id));
	}

	/** Checks the request and starts Kick's authorisation for this server and this moderator, or says why not (nothing changed then). */
	private async startLink(context: GuildContext, moderatorId: string, channel: string, chatroom: string | null): Promise<LinkStart> {
		const authorizations = this.container.kick?.authorizations;
		if (authorizations === undefined) return { refusal: explainKickUnavailable(this.container.kick !== undefined) };
		const slug = channel
			.trim()
			.replace(/^(https?:\/\/)?(www\.)?kick\.com\//i, '')
			.replace(/\/+$/, '');
		if (!KICK_SLUG.test(slug))
			return { refusal: '`channel` accepts a Kick channel name (letters, digits, _ and -), as in kick.com/<name>. Nothing was changed.' };
		if (chatroom !== null) {
			try {
				await context.setSetting('kick_chatroom_id', chatroom.trim());
			} catch (error) {
				const explanation = explainSettingError(error);
				if (explanation === undefined) throw error;
				return { refusal: explanation };
			}
		}
		const { url } = await authorizations.start({ guildId: context.guildId, discordUserId: BigInt(moderatorId), channelSlug: slug });
		return { url, slug };
	}

	private async describeStatus({ db }: GuildContext, connectCommand: string, title: string): Promise<CommandAnswer> {
		const kick = this.container.kick;
		const connection = await db.kickConnection.get();
		if (connection === null)
			return { content: describeUnlinked(kick?.authorizations === undefined ? explainKickUnavailable(kick !== undefined) : undefined, connectCommand) };
		const now = new Date();
		const since = new Date(now.getTime() - DAY_MS);
		const [chat, parked] = await Promise.all([
			db.outbox.summary('kick_chat', since),
			kick?.parkedEvents(connection.broadcasterUserId, since) ?? { count: 0, latest: null }
		]);
		// A link made while Kick was on receives nothing once it is off; without PUBLIC_URL only new links are off.
		const fields = describeKickStatus({ connection, chat, parked, ...(kick === undefined ? { unavailable: explainKickUnavailable(false) } : {}) });
		return { embeds: [{ title, fields }] };
	}

	private async disconnectPrompt({ db }: GuildContext, moderatorId: string): Promise<CommandAnswer> {
		const connection = await db.kickConnection.get();
		if (connection === null) return { content: 'This server is not linked to a Kick channel; there is nothing to disconnect.' };
		return {
			content: `Unlink **kick.com/${connection.channelSlug}** from this server? The bot stops reading and posting in its chat and its access is revoked.`,
			components: [disconnectButtons(moderatorId)]
		};
	}
}

/** The authorisation link as a button; `serverName` names the server in a DM, which is outside it. */
function linkAnswer({ url, slug }: { readonly url: string; readonly slug: string }, serverName?: string): CommandAnswer {
	const server = serverName === undefined ? '' : ` for the Discord server **${escapeMarkdown(serverName)}**`;
	return {
		content: `Open this link signed in to Kick as the owner of **kick.com/${slug.toLowerCase()}** and allow the bot${server}. It works once, for the next 10 minutes, and only for you.`,
		components: [
			new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel('Authorise on Kick'))
		]
	};
}
