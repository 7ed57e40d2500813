import { randomUUID } from 'node:crypto';
import { container } from '@sapphire/framework';
import type { Guild } from 'discord.js';
import type { GuildId } from '#lib/database/GuildId';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import type { KickChatMessageEvent } from '#lib/kick/events/KickEvent';
import type { KickChatPost } from '#lib/kick/KickConnection';
import type { OutboxAcceptance } from '#lib/outbox/Outbox';
import { FRESHNESS_MS, type OutboxKind } from '#lib/outbox/OutboxMessage';
import type { GuildSettings } from '#lib/settings/GuildSettings';
import type { GuildShared } from '#lib/shared/SharedState';
import { changeMemberRole, roleProblem, type MemberRoleChange, type RoleChangeOutcome, type RoleProblem } from '#lib/guild/changeMemberRole';
import { editChannelMessage, fetchDiscordGuild, guildIdOfChannel } from '#lib/guild/discordGuild';
import { recordModeratorAlert, type ModeratorAlert } from '#lib/kick/alertModerators';
import { explainKickUnavailable } from '#lib/kick/describeKickStatus';

/** A message for one of this server's Discord channels. */
export interface ChannelPost {
	/** Names the work that produced it, unique in the server: doing that work again posts nothing more. */
	readonly key: string;
	/** Default 'announcement' (fresh for an hour). */
	readonly kind?: OutboxKind;
}

/** A message for one of this server's Discord channels: text, embeds, and buttons or selects (as JSON action rows). */
export interface ChannelMessage {
	readonly content: string;
	readonly embeds?: readonly object[];
	readonly components?: readonly object[];
}

/** A member's sign-in with Kick, asked for by a feature: the link to give them alone, or why there is none. */
export type KickSignInStart =
	| { readonly status: 'started'; readonly url: string; readonly expiresAt: Date }
	/** `reason`: what the bot's operator must set first. */
	| { readonly status: 'unavailable'; readonly reason: string };

/**
 * What every piece that acts for a server receives, as an argument: that server, its settings,
 * its repositories, and the ways to act for it and for no other server. Built once per settings
 * snapshot of the server and shared by its events: the repositories are made the first time `db` reads them.
 */
export interface GuildContext {
	readonly guildId: GuildId;
	/**
	 * From this process's cache: null when the bot is not in the server (an app a user installed),
	 * or its shard runs in another process (that process alone gets its Discord events). What a
	 * feature does in Discord goes through the methods below, which work from any process.
	 */
	readonly guild: Guild | null;
	/** This server's settings, as loaded for this event (cached per server). */
	readonly settings: GuildSettings;
	/** This server's repositories: the core's and those of the plugins that are on. */
	readonly db: GuildRepositories;
	/** State this server's features share with the other bot processes, in Redis (keys under `<prefix>:guild:<id>:`). */
	readonly shared: GuildShared;
	/** Whether a plugin is on in this server: neither it nor a plugin it depends on is in the server's `plugins_off`; 'core' always is. */
	pluginIsOn(plugin: string): boolean;
	/**
	 * Validates and stores one of this server's settings; other bot processes are told.
	 * @throws {UnknownSettingError | InvalidSettingValueError | ManagedSettingError} saying what is wrong; nothing is written.
	 */
	setSetting(key: string, value: string): Promise<GuildSettings>;
	/** Puts one of this server's settings back to its default. */
	resetSetting(key: string): Promise<GuildSettings>;
	/**
	 * Posts in this server's Kick chat, through the outbox: resolves once recorded, sent at most
	 * once; `{ status: 'not linked' }` when the server has no Kick channel (or Kick is off).
	 */
	sayInKickChat(content: string, post: KickChatPost): Promise<OutboxAcceptance | { readonly status: 'not linked' }>;
	/**
	 * Posts in one of this server's text channels, through the outbox (mentions never ping).
	 * @throws {TypeError} when the channel is not one of this server's.
	 */
	postInChannel(channelId: string, message: ChannelMessage, post: ChannelPost): Promise<OutboxAcceptance>;
	/**
	 * Edits a message the bot posted in one of this server's channels (a panel, an announcement)
	 * through Discord's REST API, mentions pinging nobody: false when the channel is not this
	 * server's; throws what Discord answered otherwise (e.g. the message is gone).
	 */
	editInChannel(channelId: string, messageId: string, message: ChannelMessage): Promise<boolean>;
	/**
	 * This server's `Guild`: the cached one when this process holds the server, else (its shard runs
	 * elsewhere) one read from Discord for this context, with its roles but no channels; null when the bot is not in it.
	 */
	discordGuild(): Promise<Guild | null>;
	/**
	 * Sends a Discord user a DM about this server, through the outbox (sent once, by any bot
	 * process, mentions never ping); a user whose DMs are closed leaves it `failed` in the outbox.
	 */
	sendDirectMessage(userId: string, message: ChannelMessage, post: ChannelPost): Promise<OutboxAcceptance>;
	/**
	 * Gives or takes one of this server's roles from one of its members, through this server's
	 * guild only (`discordGuild`); says what happened (a role above the bot's, a missing one, …) instead of throwing.
	 */
	changeMemberRole(change: MemberRoleChange): Promise<RoleChangeOutcome>;
	/**
	 * What would stop the bot from giving or taking one of this server's roles, whoever the member
	 * (above the bot's highest role, managed, @everyone, missing, Manage Roles missing), read from
	 * the bot's cache without asking Discord (from `discordGuild` when another process holds the server); null when nothing would.
	 */
	roleProblem(roleId: string): Promise<RoleProblem | null>;
	/**
	 * Tells this server's moderators something that needs them, in `kick_alerts_channel_id`, else
	 * the server's system channel, through the outbox; `key` names the occasion (told once per key).
	 * @throws when the outbox cannot record it.
	 */
	alertModerators(content: string, post: { readonly key: string }): Promise<ModeratorAlert>;
	/**
	 * Asks a member of this server to sign in with Kick for a feature: the link to give them alone
	 * (single-use, bound to this server, the member and the purpose, 10 minutes, PKCE; Kick's
	 * `user:read` only). Once they signed in, the core reads which Kick account it was, revokes the
	 * tokens, and hands it to the purpose's KickSignInHandler with this server's context.
	 * @throws {TypeError} when no loaded KickSignInHandler completes `purpose`.
	 */
	startKickSignIn(request: { readonly discordUserId: string; readonly purpose: string }): Promise<KickSignInStart>;
	/**
	 * Tells every bot process (this one too) that this server's data of a dashboard area changed,
	 * as the dashboard would (`dashboard:<area>` `reload`), so each drops what it caches of it.
	 * Resolves false when it cannot (no DASHBOARD_SECRET, Redis away): the others then see the change when their cache expires.
	 */
	announceChange(area: string): Promise<boolean>;
	/**
	 * Tells the open pages of this server's overlay `name` (in every bot process) that its state
	 * changed: each fetches it again, changes close together coalesced. Returns at once; never throws.
	 */
	overlayChanged(name: string): void;
	/** Whether a chat message is one the bot itself sent (whose echo reached the listeners): it never counts as a chatter's. */
	isOwnKickMessage(event: KickChatMessageEvent): boolean;
}

/** The one implementation: plain fields, the repositories made on first read. */
class ServerContext implements GuildContext {
	private repositories: GuildRepositories | undefined;
	private sharedState: GuildShared | undefined;
	/** This server read from Discord when another process holds it: once per context (a settings snapshot, a minute at most). */
	private fetchedGuild: Promise<Guild | null> | undefined;
	private readonly channelChecks = new Map<string, Promise<boolean>>();
	/** The plugins switched off, read once: the settings of a context never change, and every listener of every chat message asks. */
	private pluginsOff: readonly string[] | undefined;

	public constructor(
		public readonly guildId: GuildId,
		public readonly guild: Guild | null,
		public readonly settings: GuildSettings
	) {}

	public get db(): GuildRepositories {
		this.repositories ??= container.db.forGuild(this.guildId);
		return this.repositories;
	}

	public get shared(): GuildShared {
		this.sharedState ??= container.shared.forGuild(this.guildId);
		return this.sharedState;
	}

	public pluginIsOn(plugin: string): boolean {
		if (plugin === 'core') return true;
		const off = (this.pluginsOff ??= this.settings.get('plugins_off'));
		return off.length === 0 || container.plugins.isOnWhereOff(plugin, off);
	}

	public setSetting(key: string, value: string): Promise<GuildSettings> {
		return container.settings.set(this.guildId, key, value);
	}

	public resetSetting(key: string): Promise<GuildSettings> {
		return container.settings.reset(this.guildId, key);
	}

	public async sayInKickChat(content: string, post: KickChatPost): Promise<OutboxAcceptance | { readonly status: 'not linked' }> {
		return container.kick === undefined ? { status: 'not linked' } : container.kick.say(this, content, post);
	}

	public async postInChannel(channelId: string, message: ChannelMessage, post: ChannelPost): Promise<OutboxAcceptance> {
		if (!(await this.ownsChannel(channelId))) throw new TypeError(`Channel ${channelId} is not a channel of server ${this.guildId}.`);
		const kind = post.kind ?? 'announcement';
		const { content, ...payload } = message;
		return container.outbox.post({
			guildId: this.guildId,
			destination: 'discord_channel',
			targetId: BigInt(channelId),
			kind,
			dedupeKey: `discord:${post.key}`,
			content,
			...(payload.embeds === undefined && payload.components === undefined ? {} : { payload }),
			expiresAt: new Date(Date.now() + FRESHNESS_MS[kind])
		});
	}

	public async sendDirectMessage(userId: string, message: ChannelMessage, post: ChannelPost): Promise<OutboxAcceptance> {
		const kind = post.kind ?? 'announcement';
		const { content, ...payload } = message;
		return container.outbox.post({
			guildId: this.guildId,
			destination: 'discord_dm',
			targetId: BigInt(userId),
			kind,
			dedupeKey: `dm:${post.key}`,
			content,
			...(payload.embeds === undefined && payload.components === undefined ? {} : { payload }),
			expiresAt: new Date(Date.now() + FRESHNESS_MS[kind])
		});
	}

	public async editInChannel(channelId: string, messageId: string, message: ChannelMessage): Promise<boolean> {
		if (!(await this.ownsChannel(channelId))) return false;
		await editChannelMessage(container.client, channelId, messageId, message);
		return true;
	}

	public discordGuild(): Promise<Guild | null> {
		if (this.guild !== null) return Promise.resolve(this.guild);
		this.fetchedGuild ??= fetchDiscordGuild(container.client, this.guildId.toString()).catch((error: unknown) => {
			this.fetchedGuild = undefined;
			throw error;
		});
		return this.fetchedGuild;
	}

	public async changeMemberRole(change: MemberRoleChange): Promise<RoleChangeOutcome> {
		const guild = await this.discordGuild().catch((error: unknown) => error as Error);
		if (guild instanceof Error) return { status: 'failed', explanation: `The bot could not read this server from Discord just now (${guild.message}).` };
		return changeMemberRole(guild, change);
	}

	public async roleProblem(roleId: string): Promise<RoleProblem | null> {
		// Discord away: nothing known to stop a change, which then fails on its own.
		const guild = await this.discordGuild().catch(() => undefined);
		return guild === undefined ? null : roleProblem(guild, roleId);
	}

	/** Whether a channel is this server's: from the cache when this process holds the server, else asked of Discord once per context. */
	private ownsChannel(channelId: string): Promise<boolean> {
		if (this.guild !== null) return Promise.resolve(this.guild.channels.cache.has(channelId));
		let check = this.channelChecks.get(channelId);
		if (check === undefined) {
			check = guildIdOfChannel(container.client, channelId).then((guildId) => guildId === this.guildId.toString());
			void check.catch(() => this.channelChecks.delete(channelId));
			this.channelChecks.set(channelId, check);
		}
		return check;
	}

	public alertModerators(content: string, post: { readonly key: string }): Promise<ModeratorAlert> {
		return recordModeratorAlert(this.guildId, content, post.key);
	}

	public async startKickSignIn(request: { readonly discordUserId: string; readonly purpose: string }): Promise<KickSignInStart> {
		if (container.stores.get('kick-sign-ins').handlerFor(request.purpose) === undefined)
			throw new TypeError(`No Kick sign-in handler completes purpose "${request.purpose}" (a piece in a plugin's kick-sign-ins/ folder).`);
		const authorizations = container.kick?.authorizations;
		if (authorizations === undefined) return { status: 'unavailable', reason: explainKickUnavailable(container.kick !== undefined) };
		const { url, expiresAt } = await authorizations.startSignIn({
			guildId: this.guildId,
			discordUserId: BigInt(request.discordUserId),
			purpose: request.purpose
		});
		return { status: 'started', url, expiresAt };
	}

	public async announceChange(area: string): Promise<boolean> {
		const publisher = container.dashboardPublisher;
		if (publisher === undefined) return false;
		// The random id keeps two changes in one second distinct: receivers would take the second for a replay.
		return publisher.publish({ area, action: 'reload', guildId: this.guildId, data: { id: randomUUID() } }).then(
			() => true,
			(error: unknown) => {
				container.logger.warn(`Could not tell the other bot processes that ${area} of server ${this.guildId} changed:`, error);
				return false;
			}
		);
	}

	public overlayChanged(name: string): void {
		container.overlays?.changed(this.guildId, name);
	}

	public isOwnKickMessage(event: KickChatMessageEvent): boolean {
		return container.kick?.isOwnMessage(event) ?? false;
	}
}

// One context per settings snapshot: events of a server share it until its settings are loaded again.
const contexts = new WeakMap<GuildSettings, ServerContext>();

/** Loads the context of one server (settings from the cache; repositories on first use). */
export async function loadGuildContext(guildId: bigint | string, guild: Guild | null): Promise<GuildContext> {
	return guildContextOf(await container.settings.forGuild(guildId), guild);
}

/** The context of a server whose settings are at hand (one per settings snapshot and guild). */
export function guildContextOf(settings: GuildSettings, guild: Guild | null): GuildContext {
	const cached = contexts.get(settings);
	if (cached !== undefined && cached.guild === guild) return cached;
	const context = new ServerContext(settings.guildId, guild, settings);
	contexts.set(settings, context);
	return context;
}

// Keyed by the interaction or message, so a context lives exactly as long as the event it was loaded for.
const bound = new WeakMap<object, GuildContext>();

/** The GuildContext precondition binds the context it loaded to the event; the base classes hand it to the piece. */
export function bindGuildContext(event: object, context: GuildContext): void {
	bound.set(event, context);
}

/** The context the precondition bound to this event, if any (for the base classes, not for pieces). */
export function boundGuildContext(event: object): GuildContext | undefined {
	return bound.get(event);
}
