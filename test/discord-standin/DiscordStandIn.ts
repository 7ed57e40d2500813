import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	ApplicationCommandType,
	GatewayDispatchEvents,
	type APIMessage,
	type ApplicationFlags,
	type APIUser,
	type GatewayGuildMembersChunkDispatchData,
	type GatewayReadyDispatchData,
	type GatewayRequestGuildMembersData
} from 'discord-api-types/v10';
import type { ApplicationCommandRegistry } from './ApplicationCommandRegistry.js';
import { ControlApi } from './ControlApi.js';
import { GatewayServer, shardOfGuild, type DisconnectOptions, type GatewaySessionInfo, type Reconnection, type Shard } from './GatewayServer.js';
import type { GuildState } from './GuildState.js';
import {
	buildAutocompleteInteraction,
	buildChatInputInteraction,
	buildComponentInteraction,
	buildModalSubmitInteraction,
	buildContextMenuInteraction,
	dmChannelPayload,
	type InteractionPlace,
	type SlashCommandInput
} from './interactionPayloads.js';
import type { InteractionAnswer } from './InteractionTracker.js';
import { userUpload, type UserFile } from './messagePayloads.js';
import { RateLimitSwitch, type RateLimitOptions } from './RateLimitSwitch.js';
import { API_PREFIX, RestApi, writeJson } from './RestApi.js';
import { RestLog, type RestCall, type RestCallPredicate } from './RestLog.js';
import { createRestRouter } from './restRoutes.js';
import type { GuildSeed, MemberSeed, StandInSeed } from './seed.js';
import { StandInState } from './StandInState.js';
import { DEFAULT_TIMEOUT_MS, waitFor } from './waitFor.js';

export interface DiscordStandInOptions {
	readonly seed?: StandInSeed;
	/** 0 (the default) picks a free port. The stand-in listens on 127.0.0.1 only. */
	readonly port?: number;
	/** How long helpers wait for the bot before failing; 10 s by default. */
	readonly timeoutMs?: number;
	/** The heartbeat interval HELLO announces; 41.25 s by default, as Discord's. */
	readonly heartbeatIntervalMs?: number;
	/**
	 * The shard count `GET /gateway/bot` recommends; 1 by default. Whatever it says, a session gets
	 * the guilds of the shard it identified with, `(guild id >> 22) % count === id` (DMs on shard 0).
	 */
	readonly shards?: number;
}

/** Where a member acts: guild and member by name or id, channel by name or id (the first text channel when absent). */
export interface MemberPlace {
	readonly guild: string;
	readonly member: string;
	readonly channel?: string;
}

export interface SlashCommandRun extends MemberPlace, SlashCommandInput {
	readonly timeoutMs?: number;
}

export interface DmSlashCommandRun extends SlashCommandInput {
	/** Username or id of the user who runs the command in their DM with the bot. */
	readonly user: string;
	readonly timeoutMs?: number;
}

/** Apps → `name` used by a member: on a message (then in its channel), or on a user (in `channel`, the first text channel when absent). */
export type ContextMenuRun = MemberPlace & {
	/** The menu's name as registered ("Save as quote"). */
	readonly name: string;
	readonly timeoutMs?: number;
} & ({ readonly targetMessage: APIMessage | string; readonly targetUser?: never } | { readonly targetUser: string; readonly targetMessage?: never });

export interface ChatMessage extends MemberPlace {
	readonly content: string;
	/** Files the member attaches to the message. */
	readonly files?: readonly UserFile[];
	readonly timeoutMs?: number;
}

export interface DirectMessage {
	/** Username or id of the user who writes to the bot in their DM with it. */
	readonly user: string;
	readonly content: string;
	readonly timeoutMs?: number;
}

export interface ButtonClick {
	readonly guild: string;
	readonly member: string;
	/** The message carrying the component, or its id. */
	readonly message: APIMessage | string;
	readonly customId: string;
	/** For a string select: the chosen values (otherwise a button is clicked). */
	readonly values?: readonly string[];
	readonly timeoutMs?: number;
}

/** A modal the bot showed, submitted by a member with its text inputs filled (custom id → value). */
export interface ModalSubmission extends MemberPlace {
	readonly customId: string;
	readonly fields: Readonly<Record<string, string>>;
	readonly timeoutMs?: number;
}

export interface DmButtonClick extends Omit<ButtonClick, 'guild' | 'member'> {
	/** Username or id of the user who clicks in their DM with the bot. */
	readonly user: string;
}

/** Options for a discord.js / Sapphire client pointed at this stand-in. */
export interface StandInClientOptions {
	readonly rest: { readonly api: string; readonly retries: number; readonly timeout: number; readonly globalRequestsPerSecond: number };
	readonly waitGuildTimeout: number;
}

/**
 * A local stand-in for Discord's gateway and REST API that the real discord.js client (and a
 * Sapphire bot) runs against: seeded guilds, members, roles and channels; helpers that act as
 * users and wait for the bot's answers; a log of every REST call.
 */
export class DiscordStandIn {
	public readonly state: StandInState;
	public readonly restLog = new RestLog();
	public readonly rateLimits = new RateLimitSwitch();
	private readonly gateway: GatewayServer;
	private readonly rest: RestApi;
	private readonly control: ControlApi;
	private readonly server: Server;
	private readonly timeoutMs: number;
	private listeningPort: number | null = null;

	public constructor(private readonly options: DiscordStandInOptions = {}) {
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.state = new StandInState(
			options.seed ?? {},
			(type, data) => this.dispatch(type, data),
			this.timeoutMs,
			() => this.baseUrl
		);
		this.gateway = new GatewayServer({
			token: this.state.token,
			botUserId: this.state.botUser.id,
			timeoutMs: this.timeoutMs,
			...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
			ready: (sessionId, shard) => this.readyPayload(sessionId, shard),
			guildCreates: (shard) => this.guildsOf(shard).map((guild) => guild.toGuildCreate()),
			membersChunk: (request) => this.membersChunk(request)
		});
		this.rest = new RestApi(
			createRestRouter({ state: this.state, gatewayUrl: () => this.gatewayUrl, shardCount: options.shards ?? 1 }),
			this.restLog,
			this.rateLimits,
			this.state.token
		);
		this.control = new ControlApi(this);
		this.server = createServer((request, response) => void this.onRequest(request, response));
		this.server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
			if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname === '/gateway') this.gateway.handleUpgrade(request, socket, head);
			else socket.destroy();
		});
	}

	/** Creates a stand-in and starts listening. */
	public static async start(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
		return new DiscordStandIn(options).listen();
	}

	public async listen(): Promise<this> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
		});
		this.listeningPort = (this.server.address() as AddressInfo).port;
		return this;
	}

	/** Closes every socket and the server; destroy clients first, or they keep reconnecting. */
	public async stop(): Promise<void> {
		this.gateway.close();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	public get port(): number {
		if (this.listeningPort === null) throw new Error('The stand-in is not listening; call listen() or DiscordStandIn.start()');
		return this.listeningPort;
	}

	public get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** The value for discord.js' `rest.api`. */
	public get apiUrl(): string {
		return `${this.baseUrl}/api`;
	}

	public get gatewayUrl(): string {
		return `ws://127.0.0.1:${this.port}/gateway`;
	}

	public get token(): string {
		return this.state.token;
	}

	public get botUser(): APIUser {
		return this.state.botUser;
	}

	public get applicationId(): string {
		return this.state.applicationId;
	}

	public get commands(): ApplicationCommandRegistry {
		return this.state.commands;
	}

	/** Client options that point discord.js at this stand-in and keep tests fast. */
	public clientOptions(): StandInClientOptions {
		return { rest: { api: this.apiUrl, retries: 0, timeout: 2_000, globalRequestsPerSecond: 1e6 }, waitGuildTimeout: 1_000 };
	}

	/** A guild by name or id. */
	public guild(nameOrId: string): GuildState {
		return this.state.guild(nameOrId);
	}

	/** The shard a guild (by name or id) is on when the bot runs `count` shards (by default the count `/gateway/bot` recommends). */
	public shardOf(guild: string, count = this.options.shards ?? 1): number {
		return shardOfGuild(this.guild(guild).id, count);
	}

	/** A user by username or id. */
	public user(usernameOrId: string): APIUser {
		return this.state.users.resolve(usernameOrId);
	}

	public sessions(): GatewaySessionInfo[] {
		return this.gateway.sessionInfos();
	}

	/** Sends a gateway dispatch to the bot (filtered by its intents, as Discord does); returns how many sessions got it. */
	public dispatch(type: string, data: unknown): number {
		if (type === GatewayDispatchEvents.InteractionCreate) this.trackInteraction(data);
		return this.gateway.dispatch(type, data);
	}

	/** Closes the bot's connection (4000, resumable, by default) and resolves once it has resumed or identified again. */
	public disconnect(options: DisconnectOptions = {}): Promise<Reconnection> {
		return this.gateway.disconnect({ timeoutMs: this.timeoutMs, ...options });
	}

	/** Answers 429 to the next `count` requests matching `method`/`path`. */
	public rateLimitNext(options: RateLimitOptions = {}): void {
		this.rateLimits.limitNext(options);
	}

	public waitForRestCall(
		predicate: RestCallPredicate,
		options: { readonly from?: number; readonly timeoutMs?: number; readonly description?: string } = {}
	): Promise<RestCall> {
		return this.restLog.waitFor(predicate, { timeoutMs: this.timeoutMs, ...options });
	}

	/** The bot joined a new server: GUILD_CREATE after ready. */
	public addGuild(seed: GuildSeed): GuildState {
		return this.state.addGuild(seed);
	}

	/** The bot was removed from a server: GUILD_DELETE. */
	public removeGuild(nameOrId: string): void {
		this.state.removeGuild(nameOrId);
	}

	/** Someone joined a guild: GUILD_MEMBER_ADD; returns the user id. */
	public addMember(guild: string, seed: MemberSeed): string {
		return this.state.addMember(this.guild(guild), seed);
	}

	/** Someone left a guild: GUILD_MEMBER_REMOVE. */
	public removeMember(guild: string, member: string): void {
		const state = this.guild(guild);
		this.state.removeMember(state, state.member(member).userId);
	}

	/** Runs a slash command as a member and resolves with the bot's first visible answer (see InteractionAnswer). */
	public runSlashCommand(run: SlashCommandRun): Promise<InteractionAnswer> {
		const guild = this.guild(run.guild);
		const place: InteractionPlace = { guild, channelId: this.channelOf(guild, run.channel).id, userId: guild.member(run.member).userId };
		const command = this.state.commands.resolveForInteraction(run.name, guild.id);
		const payload = buildChatInputInteraction(this.interactionContext(), place, run, command);
		return this.sendInteraction(payload, `/${describeCommand(run)} by ${run.member} in '${guild.name}'`, run.timeoutMs);
	}

	/** Runs a slash command in a user's DM with the bot (no guild_id, `user` instead of `member`, context 1). */
	public runSlashCommandInDm(run: DmSlashCommandRun): Promise<InteractionAnswer> {
		const user = this.user(run.user);
		const dm = this.state.dmChannelWith(user.id);
		const place: InteractionPlace = { guild: null, channel: dmChannelPayload(dm.id, user), user };
		const payload = buildChatInputInteraction(this.interactionContext(), place, run, this.state.commands.resolveForInteraction(run.name, null));
		return this.sendInteraction(payload, `/${describeCommand(run)} by ${user.username} in a DM`, run.timeoutMs);
	}

	/** Types in the string option `focused` of a slash command as a member; resolves with the bot's answer, whose `choices` are the suggestions. */
	public runAutocomplete(run: SlashCommandRun & { readonly focused: string }): Promise<InteractionAnswer> {
		const guild = this.guild(run.guild);
		const place: InteractionPlace = { guild, channelId: this.channelOf(guild, run.channel).id, userId: guild.member(run.member).userId };
		const payload = buildAutocompleteInteraction(
			this.interactionContext(),
			place,
			run,
			this.state.commands.resolveForInteraction(run.name, guild.id),
			run.focused
		);
		return this.sendInteraction(payload, `autocomplete of '${run.focused}' in /${describeCommand(run)} by ${run.member} in '${guild.name}'`, run.timeoutMs);
	}

	/**
	 * Uses a context menu as a member: a message command on `targetMessage` (a stored message of
	 * this guild) or a user command on `targetUser` (username or id). The command must be
	 * registered, as Discord shows only those; `data.id` is its id. Resolves with the bot's answer.
	 */
	public runContextMenu(run: ContextMenuRun): Promise<InteractionAnswer> {
		const guild = this.guild(run.guild);
		const userId = guild.member(run.member).userId;
		const type = run.targetMessage === undefined ? ApplicationCommandType.User : ApplicationCommandType.Message;
		const command = this.state.commands.resolveForInteraction(run.name, guild.id, type);
		const kind = type === ApplicationCommandType.User ? 'user' : 'message';
		if (!command) throw new Error(`No ${kind} command '${run.name}' is registered for '${guild.name}': Discord would not show it under Apps`);
		if (run.targetMessage === undefined) {
			const place: InteractionPlace = { guild, channelId: this.channelOf(guild, run.channel).id, userId };
			const payload = buildContextMenuInteraction(this.interactionContext(), place, command, { user: run.targetUser });
			return this.sendInteraction(payload, `Apps → '${run.name}' on ${run.targetUser} by ${run.member} in '${guild.name}'`, run.timeoutMs);
		}
		const messageId = typeof run.targetMessage === 'string' ? run.targetMessage : run.targetMessage.id;
		const message = this.state.messages.get(messageId);
		if (!message || !guild.channels.has(message.channel_id)) throw new Error(`No message ${messageId} in '${guild.name}' to use '${run.name}' on`);
		const place: InteractionPlace = { guild, channelId: message.channel_id, userId };
		const payload = buildContextMenuInteraction(this.interactionContext(), place, command, { message });
		return this.sendInteraction(payload, `Apps → '${run.name}' on message ${messageId} by ${run.member} in '${guild.name}'`, run.timeoutMs);
	}

	/** A user closes their DMs to the bot: its messages to them are refused (403, code 50007), as Discord does. */
	public closeDirectMessages(user: string): void {
		this.state.closedDirectMessages.add(this.user(user).id);
	}

	/** The bot's DM channel with a user (opened on first use), to read or wait for what the bot sent them. */
	public directMessageChannel(user: string): string {
		return this.state.dmChannelWith(this.user(user).id).id;
	}

	/** Clicks a button (or picks values of a string select) on a message as a member; resolves with the bot's answer. */
	public clickButton(click: ButtonClick): Promise<InteractionAnswer> {
		const guild = this.guild(click.guild);
		const messageId = typeof click.message === 'string' ? click.message : click.message.id;
		const message = this.state.messages.get(messageId);
		if (!message) throw new Error(`No message ${messageId} to click on`);
		const place: InteractionPlace = { guild, channelId: message.channel_id, userId: guild.member(click.member).userId };
		const payload = buildComponentInteraction(this.interactionContext(), place, message, click.customId, click.values);
		return this.sendInteraction(payload, `a click on '${click.customId}' by ${click.member} in '${guild.name}'`, click.timeoutMs);
	}

	/** Submits a modal as a member (in `channel`, the first text channel when absent); resolves with the bot's answer. */
	public submitModal(submission: ModalSubmission): Promise<InteractionAnswer> {
		const guild = this.guild(submission.guild);
		const place: InteractionPlace = { guild, channelId: this.channelOf(guild, submission.channel).id, userId: guild.member(submission.member).userId };
		const payload = buildModalSubmitInteraction(this.interactionContext(), place, submission.customId, submission.fields);
		return this.sendInteraction(payload, `modal '${submission.customId}' submitted by ${submission.member} in '${guild.name}'`, submission.timeoutMs);
	}

	/** Clicks a button (or picks values of a string select) on a message in a user's DM with the bot. */
	public clickButtonInDm(click: DmButtonClick): Promise<InteractionAnswer> {
		const user = this.user(click.user);
		const messageId = typeof click.message === 'string' ? click.message : click.message.id;
		const message = this.state.messages.get(messageId);
		if (!message) throw new Error(`No message ${messageId} to click on`);
		const place: InteractionPlace = { guild: null, channel: dmChannelPayload(this.state.dmChannelWith(user.id).id, user), user };
		const payload = buildComponentInteraction(this.interactionContext(), place, message, click.customId, click.values);
		return this.sendInteraction(payload, `a click on '${click.customId}' by ${user.username} in a DM`, click.timeoutMs);
	}

	/** Posts a chat message as a member (MESSAGE_CREATE) without waiting for anything; returns the message. */
	public postMessage(message: Omit<ChatMessage, 'timeoutMs'>): APIMessage {
		const guild = this.guild(message.guild);
		const member = guild.member(message.member);
		return this.state.createMessage({
			channelId: this.channelOf(guild, message.channel).id,
			author: guild.user(member.userId),
			body: { content: message.content },
			files: (message.files ?? []).map(userUpload)
		});
	}

	/** Posts a chat message as a member and resolves with the bot's next message in that channel. */
	public async sendMessage(message: ChatMessage): Promise<APIMessage> {
		this.requireSession();
		const from = this.restLog.mark();
		const posted = this.postMessage(message);
		try {
			return await this.waitForBotMessage({ channelId: posted.channel_id, after: posted.id, timeoutMs: message.timeoutMs ?? this.timeoutMs });
		} catch (error) {
			throw new Error(
				`${(error as Error).message} after '${message.content}' by ${message.member} in '${message.guild}'. ${this.restLog.describe(from)}`
			);
		}
	}

	/** Posts a message as a user in their DM with the bot (MESSAGE_CREATE without a guild) without waiting; returns the message. */
	public postDirectMessage(message: Omit<DirectMessage, 'timeoutMs'>): APIMessage {
		const user = this.user(message.user);
		return this.state.createMessage({ channelId: this.state.dmChannelWith(user.id).id, author: user, body: { content: message.content } });
	}

	/** Posts a message as a user in their DM with the bot and resolves with the bot's next message in that DM. */
	public async sendDirectMessage(message: DirectMessage): Promise<APIMessage> {
		this.requireSession();
		const from = this.restLog.mark();
		const posted = this.postDirectMessage(message);
		try {
			return await this.waitForBotMessage({ channelId: posted.channel_id, after: posted.id, timeoutMs: message.timeoutMs ?? this.timeoutMs });
		} catch (error) {
			throw new Error(`${(error as Error).message} after '${message.content}' by ${message.user} in a DM. ${this.restLog.describe(from)}`);
		}
	}

	/** Resolves with the bot's first message in a channel created after the message `after` (any time, when absent). */
	public waitForBotMessage(options: { readonly channelId: string; readonly after?: string; readonly timeoutMs?: number }): Promise<APIMessage> {
		const find = () =>
			this.state.messages
				.inChannel(options.channelId, { limit: Number.MAX_SAFE_INTEGER, ...(options.after === undefined ? {} : { after: options.after }) })
				.reverse()
				.find((message) => message.author.id === this.state.botUser.id && message.webhook_id === undefined);
		return waitFor({
			emitter: this.state.messages.events,
			event: 'change',
			check: find,
			timeoutMs: options.timeoutMs ?? this.timeoutMs,
			describe: () => `a message from the bot in channel ${options.channelId}`
		});
	}

	/** The URLs of the link buttons the bot showed, in messages and interaction answers (ephemeral ones too), newest first. */
	public linkButtonUrls(): string[] {
		return this.state.messages
			.newestFirst()
			.flatMap((message) => (message.components ?? []) as readonly { readonly components?: readonly { readonly url?: unknown }[] }[])
			.flatMap((row) => row.components ?? [])
			.flatMap((component) => (typeof component.url === 'string' ? [component.url] : []));
	}

	/** A channel's messages, newest first. */
	public messagesIn(guild: string, channel: string): APIMessage[] {
		return this.state.messages.inChannel(this.guild(guild).channel(channel).id, { limit: Number.MAX_SAFE_INTEGER });
	}

	private async sendInteraction(
		payload: { readonly id: string; readonly guild_id?: string },
		what: string,
		timeoutMs: number | undefined
	): Promise<InteractionAnswer> {
		this.requireSession();
		const guildId = payload.guild_id ?? null;
		if (!this.gateway.hasSessionFor(guildId))
			throw new Error(`No bot session runs the shard of ${guildId === null ? 'DMs (shard 0)' : `guild ${guildId}`}, so nothing would get ${what}`);
		const from = this.restLog.mark();
		this.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
		const tracked = this.state.interactions.get(payload.id)!;
		try {
			return await tracked.waitForAnswer(timeoutMs ?? this.timeoutMs);
		} catch (error) {
			throw new Error(`${(error as Error).message} for ${what}. ${this.restLog.describe(from)}`);
		}
	}

	private trackInteraction(data: unknown): void {
		const interaction = (data ?? {}) as { id?: unknown; token?: unknown; channel_id?: string; message?: { id: string } };
		if (typeof interaction.id !== 'string' || typeof interaction.token !== 'string' || this.state.interactions.get(interaction.id)) return;
		this.state.interactions.track({
			id: interaction.id,
			token: interaction.token,
			channelId: interaction.channel_id ?? null,
			targetMessageId: interaction.message?.id ?? null
		});
	}

	private requireSession(): void {
		if (!this.gateway.hasSession()) throw new Error('No bot is connected to the stand-in gateway (log a client in first)');
	}

	private channelOf(guild: GuildState, channel: string | undefined) {
		return channel === undefined ? guild.defaultTextChannel() : guild.channel(channel);
	}

	private interactionContext() {
		return {
			applicationId: this.state.applicationId,
			users: this.state.users,
			nextId: () => this.state.snowflakes.next(),
			attach: (channelId: string, file: UserFile) => this.state.storeAttachments(channelId, [userUpload(file, 0)])[0]!
		};
	}

	/** The guilds a session of `shard` gets (all without one). */
	private guildsOf(shard: Shard | undefined): GuildState[] {
		const guilds = [...this.state.guilds.values()];
		return shard === undefined ? guilds : guilds.filter((guild) => shardOfGuild(guild.id, shard[1]) === shard[0]);
	}

	private readyPayload(sessionId: string, shard: Shard | undefined): GatewayReadyDispatchData {
		return {
			v: 10,
			user: { ...this.state.botUser, verified: true, mfa_enabled: false },
			guilds: this.guildsOf(shard).map((guild) => ({ id: guild.id, unavailable: true })),
			session_id: sessionId,
			resume_gateway_url: this.gatewayUrl,
			...(shard === undefined ? {} : { shard: [shard[0], shard[1]] }),
			application: { id: this.state.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' }
		};
	}

	private membersChunk(request: GatewayRequestGuildMembersData): GatewayGuildMembersChunkDispatchData | undefined {
		const guild = this.state.guilds.get(request.guild_id);
		if (!guild) return undefined;
		const { limit } = request as { readonly limit?: number };
		const query = 'query' in request ? (request.query ?? '').toLowerCase() : '';
		const wanted = 'user_ids' in request && request.user_ids !== undefined ? [request.user_ids].flat() : undefined;
		const userIds = [...guild.members.keys()]
			.filter((userId) => (wanted ? wanted.includes(userId) : guild.user(userId).username.toLowerCase().startsWith(query)))
			.slice(0, limit === 0 || limit === undefined ? undefined : limit);
		return {
			guild_id: guild.id,
			members: userIds.map((userId) => guild.toApiMember(userId)),
			chunk_index: 0,
			chunk_count: 1,
			...(wanted ? { not_found: wanted.filter((userId) => !guild.members.has(userId)) } : {}),
			...(request.nonce === undefined ? {} : { nonce: request.nonce })
		};
	}

	private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		if (url.pathname.startsWith(`${API_PREFIX}/`)) await this.rest.handle(request, response, url);
		else if (url.pathname.startsWith('/_control/')) await this.control.handle(request, response, url);
		else if (url.pathname.startsWith('/attachments/') && request.method === 'GET') this.serveAttachment(url.pathname, response);
		else writeJson(response, { status: 404, body: { message: '404: Not Found', code: 0 } });
	}

	/** An attachment's bytes at its url, as Discord's CDN serves them (no token needed); 404 for anything else. */
	private serveAttachment(path: string, response: ServerResponse): void {
		const stored = this.state.attachmentAt(path);
		if (stored === undefined) return writeJson(response, { status: 404, body: { message: '404: Not Found', code: 0 } });
		response.writeHead(200, { 'content-type': stored.attachment.content_type ?? 'application/octet-stream', 'content-length': stored.data.length });
		response.end(stored.data);
	}
}

function describeCommand(run: SlashCommandInput): string {
	return [run.name, run.subcommandGroup, run.subcommand].filter((part) => part !== undefined).join(' ');
}
