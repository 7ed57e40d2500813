import { randomBytes } from 'node:crypto';
import { ChannelType, GatewayDispatchEvents, MessageFlags, type APIAttachment, type APIMessage, type APIUser } from 'discord-api-types/v10';
import { ApplicationCommandRegistry } from './ApplicationCommandRegistry.js';
import { GuildState, type ChannelState } from './GuildState.js';
import { dmChannelPayload } from './interactionPayloads.js';
import { InteractionTracker } from './InteractionTracker.js';
import { applyEdit, buildAttachments, buildMessage, resolveMentions, type MessageBody, type UploadedFile } from './messagePayloads.js';
import { requireNotEmpty } from './messageLimits.js';
import { MessageStore } from './MessageStore.js';
import type { GuildSeed, MemberSeed, RoleSeed, StandInSeed } from './seed.js';
import { SnowflakeGenerator } from './snowflake.js';
import { UserDirectory } from './UserDirectory.js';
import { DEFAULT_TIMEOUT_MS } from './waitFor.js';

export type Dispatcher = (type: string, data: unknown) => void;

/** Where a channel id points: a guild channel, or a DM with one user. */
export type ChannelLocation =
	| { readonly guild: GuildState; readonly channel: ChannelState; readonly dm?: undefined }
	| { readonly guild: null; readonly dm: { readonly id: string; readonly recipient: APIUser } };

/** Options of a message the stand-in creates (for the bot through REST, or for a user in a test). */
export interface NewMessage {
	readonly channelId: string;
	readonly author: APIUser;
	readonly body: MessageBody;
	readonly files?: readonly UploadedFile[];
	/** Set for interaction responses and webhook messages. */
	readonly webhookId?: string;
	readonly extra?: Partial<APIMessage>;
}

/**
 * Everything the fake Discord holds (users, guilds, DMs, messages, commands, interactions) and the
 * changes that Discord announces over the gateway, which this class dispatches as it makes them.
 */
export class StandInState {
	public readonly snowflakes = new SnowflakeGenerator();
	public readonly users = new UserDirectory(this.snowflakes);
	public readonly guilds = new Map<string, GuildState>();
	public readonly messages = new MessageStore();
	public readonly botUser: APIUser;
	public readonly token: string;
	public readonly commands: ApplicationCommandRegistry;
	public readonly interactions: InteractionTracker;
	private readonly dmChannels = new Map<string, { readonly id: string; readonly recipient: APIUser }>();
	/** Users who do not take DMs from the bot (Discord's privacy setting): the bot's DMs to them are refused with 50007. */
	public readonly closedDirectMessages = new Set<string>();

	public constructor(
		seed: StandInSeed,
		private readonly dispatch: Dispatcher,
		timeoutMs = DEFAULT_TIMEOUT_MS,
		/** Where attachments' urls point: the stand-in's HTTP server. */
		private readonly baseUrl: () => string = () => 'http://127.0.0.1'
	) {
		this.botUser = this.users.ensure({ id: seed.botUser?.id, username: seed.botUser?.username ?? 'StandInBot', bot: true });
		this.token =
			seed.token ??
			`${Buffer.from(this.botUser.id).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
		this.commands = new ApplicationCommandRegistry(this.botUser.id, this.snowflakes);
		this.interactions = new InteractionTracker(this.messages, timeoutMs);
		for (const guild of seed.guilds ?? []) this.createGuild(guild);
	}

	/** The application id; as for most bots, the bot user's id. */
	public get applicationId(): string {
		return this.botUser.id;
	}

	/** A guild by name or id; throws naming the known guilds when there is none. */
	public guild(nameOrId: string): GuildState {
		const guild = this.findGuild(nameOrId);
		if (!guild) throw new Error(`No guild '${nameOrId}' (guilds: ${[...this.guilds.values()].map((known) => known.name).join(', ') || 'none'})`);
		return guild;
	}

	public findGuild(nameOrId: string): GuildState | undefined {
		return this.guilds.get(nameOrId) ?? [...this.guilds.values()].find((guild) => guild.name === nameOrId);
	}

	public locateChannel(channelId: string): ChannelLocation | undefined {
		for (const guild of this.guilds.values()) {
			const channel = guild.channels.get(channelId);
			if (channel) return { guild, channel };
		}
		const dm = this.dmChannels.get(channelId);
		return dm ? { guild: null, dm } : undefined;
	}

	/** The bot's DM channel with a user, opened on first use as Discord does. */
	public dmChannelWith(userId: string): { readonly id: string; readonly recipient: APIUser } {
		for (const dm of this.dmChannels.values()) if (dm.recipient.id === userId) return dm;
		const recipient = this.users.get(userId);
		if (!recipient) throw new Error(`Unknown user ${userId}`);
		const dm = { id: this.snowflakes.next(), recipient };
		this.dmChannels.set(dm.id, dm);
		return dm;
	}

	public apiChannel(channelId: string): Readonly<Record<string, unknown>> | undefined {
		const location = this.locateChannel(channelId);
		if (!location) return undefined;
		return location.guild ? location.guild.toApiChannel(location.channel) : dmChannelPayload(location.dm.id, location.dm.recipient);
	}

	public createGuild(seed: GuildSeed): GuildState {
		const guild = GuildState.fromSeed(seed, { users: this.users, snowflakes: this.snowflakes, botUser: this.botUser });
		this.guilds.set(guild.id, guild);
		return guild;
	}

	/** The bot joined a server after it was ready: GUILD_CREATE. */
	public addGuild(seed: GuildSeed): GuildState {
		const guild = this.createGuild(seed);
		this.dispatch(GatewayDispatchEvents.GuildCreate, guild.toGuildCreate());
		return guild;
	}

	/** The bot was removed from a server: GUILD_DELETE without `unavailable`. */
	public removeGuild(nameOrId: string): void {
		const guild = this.guild(nameOrId);
		this.guilds.delete(guild.id);
		this.dispatch(GatewayDispatchEvents.GuildDelete, { id: guild.id });
	}

	public addMember(guild: GuildState, seed: MemberSeed): string {
		const member = guild.addMember(seed);
		this.dispatch(GatewayDispatchEvents.GuildMemberAdd, { ...guild.toApiMember(member.userId), guild_id: guild.id });
		return member.userId;
	}

	public removeMember(guild: GuildState, userId: string): void {
		guild.members.delete(userId);
		this.dispatch(GatewayDispatchEvents.GuildMemberRemove, { guild_id: guild.id, user: guild.user(userId) });
	}

	public setMemberRoles(guild: GuildState, userId: string, roleIds: readonly string[], nick?: string | null): void {
		const member = guild.members.get(userId);
		if (!member) throw new Error(`User ${userId} is not a member of guild '${guild.name}'`);
		member.roleIds = [...new Set(roleIds)].filter((roleId) => roleId !== guild.id);
		if (nick !== undefined) member.nick = nick;
		this.dispatch(GatewayDispatchEvents.GuildMemberUpdate, { ...guild.toApiMember(userId), guild_id: guild.id });
	}

	public createRole(guild: GuildState, seed: RoleSeed): string {
		const role = guild.addRole(seed);
		this.dispatch(GatewayDispatchEvents.GuildRoleCreate, { guild_id: guild.id, role: guild.toApiRole(role) });
		return role.id;
	}

	public deleteRole(guild: GuildState, roleId: string): void {
		guild.roles.delete(roleId);
		for (const member of guild.members.values()) member.roleIds = member.roleIds.filter((id) => id !== roleId);
		this.dispatch(GatewayDispatchEvents.GuildRoleDelete, { guild_id: guild.id, role_id: roleId });
	}

	/** The bytes of the files attached (by the bot, by users, to slash commands), by attachment id. */
	public readonly attachmentData = new Map<string, Buffer>();
	private readonly attachments = new Map<string, APIAttachment>();

	/** Makes attachments of uploaded files in a channel and keeps their bytes, which the stand-in serves at each one's `url`. */
	public storeAttachments(channelId: string, files: readonly UploadedFile[], body: MessageBody = {}): APIAttachment[] {
		const attachments = buildAttachments(channelId, files, body, () => this.snowflakes.next(), this.baseUrl());
		attachments.forEach((attachment, index) => {
			this.attachmentData.set(attachment.id, files[index]!.data);
			this.attachments.set(attachment.id, attachment);
		});
		return attachments;
	}

	/** A stored attachment by its url's path (`/attachments/<channel>/<id>/<filename>`), as Discord's CDN serves it. */
	public attachmentAt(path: string): { readonly attachment: APIAttachment; readonly data: Buffer } | undefined {
		const attachment = this.attachments.get(path.split('/')[3] ?? '');
		if (attachment === undefined || new URL(attachment.url).pathname !== path) return undefined;
		return { attachment, data: this.attachmentData.get(attachment.id)! };
	}

	/** Stores a message and announces it (MESSAGE_CREATE), unless it is ephemeral. */
	public createMessage(options: NewMessage): APIMessage {
		const id = this.snowflakes.next();
		const message = buildMessage({
			id,
			channelId: options.channelId,
			author: options.author,
			body: options.body,
			mentions: resolveMentions(options.body.content ?? '', options.body.allowed_mentions, (userId) => this.users.get(userId)),
			attachments: this.storeAttachments(options.channelId, options.files ?? [], options.body),
			...(options.webhookId === undefined ? {} : { webhookId: options.webhookId, applicationId: this.applicationId }),
			...(options.extra === undefined ? {} : { extra: options.extra })
		});
		this.messages.add(message);
		if (!isEphemeral(message)) this.dispatch(GatewayDispatchEvents.MessageCreate, this.gatewayMessage(message));
		return message;
	}

	/**
	 * Applies an edit, announces it (MESSAGE_UPDATE) unless ephemeral, and counts it for interactions showing that message.
	 * An edit that would leave the message with nothing to show is refused (400, 50006), as Discord does.
	 */
	public editMessage(messageId: string, body: MessageBody, files: readonly UploadedFile[] = []): APIMessage | undefined {
		const current = this.messages.get(messageId);
		if (!current) return undefined;
		const mentions =
			body.content === undefined ? undefined : resolveMentions(body.content ?? '', body.allowed_mentions, (userId) => this.users.get(userId));
		const keptIds = body.attachments?.map((attachment) => String(attachment.id));
		const kept = keptIds === undefined ? current.attachments : current.attachments.filter((attachment) => keptIds.includes(attachment.id));
		const added = this.storeAttachments(current.channel_id, files, body);
		const edited = applyEdit(current, body, mentions, keptIds === undefined && files.length === 0 ? undefined : [...kept, ...added]);
		requireNotEmpty(edited);
		this.messages.replace(edited);
		if (!isEphemeral(edited)) this.dispatch(GatewayDispatchEvents.MessageUpdate, this.gatewayMessage(edited));
		this.interactions.messageEdited(messageId);
		return edited;
	}

	public deleteMessage(messageId: string): boolean {
		const message = this.messages.remove(messageId);
		if (!message) return false;
		const guild = this.locateChannel(message.channel_id)?.guild;
		if (!isEphemeral(message))
			this.dispatch(GatewayDispatchEvents.MessageDelete, { id: message.id, channel_id: message.channel_id, ...(guild ? { guild_id: guild.id } : {}) });
		return true;
	}

	/**
	 * A message as MESSAGE_CREATE/UPDATE carry it: with `channel_type` (discord.js needs it to open a DM
	 * channel it has not seen), and guild_id and the author's member in guilds.
	 */
	public gatewayMessage(message: APIMessage): APIMessage & { readonly channel_type?: number; readonly guild_id?: string; readonly member?: unknown } {
		const location = this.locateChannel(message.channel_id);
		if (!location) return message;
		if (!location.guild) return { ...message, channel_type: ChannelType.DM };
		const { guild } = location;
		const typed = { ...message, channel_type: location.channel.type };
		const member = message.webhook_id === undefined ? guild.members.get(message.author.id) : undefined;
		const mentions = message.mentions.map((user) => {
			if (!guild.members.has(user.id)) return user;
			const { user: _user, ...mentionedMember } = guild.toApiMember(user.id);
			return { ...user, member: mentionedMember };
		});
		if (!member) return { ...typed, mentions, guild_id: guild.id };
		const { user: _user, ...withoutUser } = guild.toApiMember(member.userId);
		return { ...typed, mentions, guild_id: guild.id, member: withoutUser };
	}
}

function isEphemeral(message: APIMessage): boolean {
	return ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}
