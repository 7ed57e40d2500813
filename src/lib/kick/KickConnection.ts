import type { KeyObject } from 'node:crypto';
import { container } from '@sapphire/framework';
import type { ILogger } from '@sapphire/framework';
import type { KickConfig } from '#lib/config/environment';
import type { Database } from '#lib/database/Database';
import type { KickLink } from '#lib/database/SystemRepository';
import { guildContextOf, loadGuildContext, type GuildContext } from '#lib/guild/GuildContext';
import { KickApiClient } from '#lib/kick/api/KickApiClient';
import { KickApiError } from '#lib/kick/api/KickApiError';
import { KickOAuthClient } from '#lib/kick/api/KickOAuthClient';
import { KickChatSender } from '#lib/kick/chat/KickChatSender';
import { SUBSCRIBED_EVENT_TYPES, type KickChatMessageEvent, type KickEvent } from '#lib/kick/events/KickEvent';
import { KickEventRouter, MAX_EVENT_ATTEMPTS, type RouteOutcome } from '#lib/kick/events/KickEventRouter';
import { KickAuthorizations, type CompletedAuthorization } from '#lib/kick/KickAuthorizations';
import { KickTokenKeeper } from '#lib/kick/KickTokenKeeper';
import { KickChatSocket } from '#lib/kick/socket/KickChatSocket';
import { loadKickPublicKey } from '#lib/kick/webhooks/verifyKickWebhook';
import { coreSettings } from '#lib/settings/coreSettings';
import { kickEventsFailed, kickEventsParked, kickEventsReceived } from '#lib/metrics/metrics';
import type { Outbox, OutboxAcceptance } from '#lib/outbox/Outbox';
import { FRESHNESS_MS, type OutboxKind } from '#lib/outbox/OutboxMessage';

export interface KickConnectionOptions {
	readonly config: KickConfig;
	/** Undefined without PUBLIC_URL: no authorisation callback, so /kick connect says what to set. */
	readonly publicUrl: string | undefined;
	readonly database: Database;
	readonly logger: ILogger;
	/** Tells a server's moderators something about its Kick link (alerts channel, else system channel); `key` names the occasion, so it is told once. */
	readonly alertModerators: (guildId: bigint, message: string, key: string) => Promise<void>;
	/** Runs one server's listeners for an event: undefined when they were done at once, else a promise of their end. */
	readonly emit: (name: string, event: KickEvent, context: GuildContext) => Promise<void> | undefined;
	/** Where everything the bot posts goes; the connection adds its Kick chat courier to it. */
	readonly outbox: Outbox;
	/** How a member starts a feature's sign-in again (its KickSignInHandler says), for the pages refusing an expired link. */
	readonly signInStartAgain?: (purpose: string) => string | undefined;
}

/** What a feature says in a server's Kick chat. */
export interface KickChatPost {
	/** Names the work that produced it, unique in the server (e.g. the chat message a command answers and the command): doing that work again posts nothing more. */
	readonly key: string;
	/** A reply (the default) is worth sending for the server's kick_reply_max_age_seconds after `about`; other kinds as FRESHNESS_MS says. */
	readonly kind?: OutboxKind;
	/** The chat message it answers, shown as a reply in Kick's chat. */
	readonly replyTo?: string;
	/** The moment it is about (the chat message it answers): freshness counts from there. Now by default. */
	readonly about?: Date;
}

/** How often the connection looks for Kick events a stopped process left, and renews the leases of those it is handing over. */
const RECOVER_EVERY_MS = 5_000;
const RENEW_EVERY_MS = 10_000;

/** How long the bot remembers the text of its own messages per channel, to never answer itself. */
const OWN_MESSAGE_MEMORY_MS = 60_000;

/**
 * The bot's side of Kick (`container.kick`): the API clients, streamer authorisation, token
 * refresh, the event readers (signed webhooks, or the chat socket as the fallback; never both
 * for one channel), the router that hands events to the linked servers, and the outgoing chat.
 */
export class KickConnection {
	public readonly authorizations: KickAuthorizations | undefined;
	public readonly webhookPublicKey: KeyObject;
	private readonly oauth: KickOAuthClient;
	private readonly api: KickApiClient;
	private readonly tokens: KickTokenKeeper;
	private readonly router: KickEventRouter;
	private readonly socket: KickChatSocket | undefined;
	private readonly chat: KickChatSender;
	/** Per channel, the text of each message the bot sent → when, to ignore its own messages if Kick echoes them before the receipt is in (by channel first: most chat is in channels the bot did not just speak in, and costs one lookup). */
	private readonly ownMessages = new Map<string, Map<string, number>>();
	/** Answers given to one chat message, so servers sharing a channel do not post the same answer twice. */
	private readonly recentAnswers = new Map<string, number>();
	private lastSweep = 0;
	private readonly timers: NodeJS.Timeout[] = [];
	private recovering: Promise<void> | null = null;

	public constructor(private readonly options: KickConnectionOptions) {
		const { config, database, logger } = options;
		this.oauth = new KickOAuthClient({ authUrl: config.authUrl, clientId: config.clientId, clientSecret: config.clientSecret });
		this.api = new KickApiClient({ apiUrl: config.apiUrl });
		this.webhookPublicKey = loadKickPublicKey(config.webhookPublicKey);
		this.tokens = new KickTokenKeeper({
			database,
			oauth: this.oauth,
			onReauthorizationNeeded: async (guildId, reason) => {
				logger.warn(`Kick: server ${guildId} must authorise again (${reason}).`);
				await options.alertModerators(
					guildId,
					`The Kick connection of this server stopped working: ${reason}. A moderator runs \`/kick connect\` again to fix it.`,
					`kick-reauthorization:${Date.now()}`
				);
			}
		});
		this.authorizations =
			options.publicUrl === undefined
				? undefined
				: new KickAuthorizations({
						database,
						oauth: this.oauth,
						api: this.api,
						publicUrl: options.publicUrl,
						startAgain: options.signInStartAgain
					});
		this.router = new KickEventRouter({
			database,
			loadContext: (guildId) => {
				const guild = container.client?.guilds.cache.get(String(guildId)) ?? null;
				// Settings in the cache (the usual case): the context at once, nothing to wait for.
				const settings = container.settings.cached(guildId);
				return settings === undefined ? loadGuildContext(guildId, guild) : guildContextOf(settings, guild);
			},
			emit: options.emit,
			onServerFailure: (guildId, event, error) => logger.error(`Kick: could not hand ${event.type} to server ${guildId}:`, error),
			onEventFailure: (event, error, parked) => {
				(parked ? kickEventsParked : kickEventsFailed).inc();
				logger.error(
					parked
						? `Kick: ${event.type} ${event.eventKey} failed ${MAX_EVENT_ATTEMPTS} times and is parked (it stays in kick_event_receipts; /kick status shows it):`
						: `Kick: could not hand over ${event.type} ${event.eventKey}; it is tried again shortly:`,
					error
				);
			}
		});
		this.socket =
			config.eventsVia === 'socket'
				? new KickChatSocket({
						key: config.pusher.key,
						cluster: config.pusher.cluster,
						...(config.pusher.host === undefined ? {} : { host: { ...config.pusher.host, forceTLS: false } }),
						logger,
						onEvent: (event) => {
							kickEventsReceived.inc('socket');
							void this.accept(event);
						}
					})
				: undefined;
		this.chat = new KickChatSender({
			send: async (message) => {
				const guildId = BigInt(message.guildId);
				const broadcasterUserId = BigInt(message.broadcasterUserId);
				// Its text remembered for a minute before it goes: Kick's echo can arrive before the send's answer or the claim below.
				let sentInChannel = this.ownMessages.get(message.broadcasterUserId);
				if (sentInChannel === undefined) this.ownMessages.set(message.broadcasterUserId, (sentInChannel = new Map<string, number>()));
				sentInChannel.set(message.content, Date.now());
				const sent = await this.tokens.withToken(guildId, broadcasterUserId, (token) =>
					this.api.sendChat(token, {
						type: 'bot',
						content: message.content,
						...(message.replyToMessageId === undefined ? {} : { replyToMessageId: message.replyToMessageId })
					})
				);
				// Claimed at once, before Kick echoes it back, so the readers drop the bot's own message.
				if (sent.messageId !== null) await database.kickEventReceipts.claimHandled(`chat:${sent.messageId}`).catch(() => false);
				return { messageId: sent.messageId };
			},
			// The server's own setting, from the settings cache; its default while the database cannot be read.
			minIntervalMs: async (message) =>
				(await container.settings.forGuild(message.guildId).catch(() => null))?.get('kick_chat_min_interval_ms') ??
				coreSettings.kick_chat_min_interval_ms.defaultValue,
			logger
		});
		options.outbox.register(this.chat);
	}

	/** Webhooks or the chat socket, as configured. */
	public get eventsVia(): 'webhook' | 'socket' {
		return this.options.config.eventsVia;
	}

	/** At ready: webhook subscriptions reconciled for every linked channel, or the chat socket watching them. */
	public async start(): Promise<void> {
		const links = await this.options.database.system.kickLinks();
		for (const link of links) {
			if (link.eventsVia === this.eventsVia) continue;
			// Switched to the socket: the webhook subscriptions go, or Kick would keep posting to a route that refuses them.
			if (link.eventsVia === 'webhook') await this.removeSubscriptionsOf(link.guildId, link.broadcasterUserId);
			await this.options.database.forGuild(link.guildId).kickConnection.setEventsVia(this.eventsVia);
		}
		const channels = groupByChannel(links);
		for (const [broadcasterUserId, guildIds] of channels) await this.activate(broadcasterUserId, guildIds);
		// In the process, not a scheduled task: events are handed over even while Redis is away.
		this.timers.push(
			setInterval(() => void this.recoverEvents(), RECOVER_EVERY_MS),
			setInterval(
				() =>
					void this.router
						.renewLeases()
						.catch((error: unknown) => this.options.logger.warn('Kick: could not renew the leases of events being handed over:', error)),
				RENEW_EVERY_MS
			)
		);
		await this.recoverEvents();
		this.options.logger.info(
			`Kick: ${links.length} server(s) linked to ${channels.size} channel(s); events via ${this.eventsVia === 'webhook' ? 'signed webhooks' : 'the chat socket'}.`
		);
	}

	/** A server was linked (the authorisation callback): recorded for that server, then its channel's events switched on. */
	public async linkServer(completed: CompletedAuthorization): Promise<void> {
		const { database } = this.options;
		const repositories = database.forGuild(completed.guildId);
		const previous = await repositories.kickConnection.get();
		// Linked to another channel before: that link is undone first (its tokens revoked, its events stopped).
		if (previous !== null && previous.broadcasterUserId !== completed.broadcasterUserId) await this.unlinkServer(completed.guildId);
		await repositories.kickConnection.connect({
			broadcasterUserId: completed.broadcasterUserId,
			channelSlug: completed.channelSlug,
			connectedBy: completed.discordUserId,
			eventsVia: this.eventsVia
		});
		this.tokens.forget(completed.guildId);
		await container.settings.setManaged(completed.guildId, {
			kick_channel: completed.channelSlug,
			kick_broadcaster_user_id: completed.broadcasterUserId.toString()
		});
		this.router.forgetLinks(completed.broadcasterUserId);
		await this.activate(completed.broadcasterUserId, await database.system.guildIdsLinkedToKickChannel(completed.broadcasterUserId));
		this.options.logger.info(`Kick: server ${completed.guildId} linked to kick.com/${completed.channelSlug} by Discord user ${completed.discordUserId}.`);
	}

	/**
	 * Unlinks a server: its tokens revoked at Kick and forgotten, its link and Kick settings
	 * removed. Subscriptions stay while another server follows the same channel.
	 * @returns the channel it was linked to, or null when it was not linked.
	 */
	public async unlinkServer(guildId: bigint): Promise<{ channelSlug: string; revoked: boolean } | null> {
		const { database, logger } = this.options;
		const repositories = database.forGuild(guildId);
		const connection = await repositories.kickConnection.get();
		if (connection === null) return null;
		const broadcasterUserId = connection.broadcasterUserId;
		const others = (await database.system.guildIdsLinkedToKickChannel(broadcasterUserId)).filter((id) => id !== guildId);
		let revoked = true;
		const tokens = await repositories.kickTokens.get(broadcasterUserId).catch(() => null);
		if (tokens !== null) {
			if (others.length === 0 && this.eventsVia === 'webhook') await this.removeSubscriptions(guildId, broadcasterUserId, tokens.accessToken);
			for (const [token, hint] of [
				[tokens.accessToken, 'access_token'],
				[tokens.refreshToken, 'refresh_token']
			] as const) {
				if (token === null) continue;
				await this.oauth.revoke(token, hint).catch((error: unknown) => {
					revoked = false;
					logger.warn(
						`Kick: could not revoke a token of server ${guildId} (${error instanceof Error ? error.message : String(error)}); it is forgotten anyway.`
					);
				});
			}
		}
		await repositories.kickTokens.delete(broadcasterUserId);
		this.tokens.forget(guildId);
		await repositories.kickConnection.disconnect();
		await container.settings.setManaged(guildId, { kick_channel: null, kick_broadcaster_user_id: null });
		this.router.forgetLinks(broadcasterUserId);
		if (others.length === 0) await this.stopReading(guildId);
		logger.info(`Kick: server ${guildId} unlinked from kick.com/${connection.channelSlug}.`);
		return { channelSlug: connection.channelSlug, revoked };
	}

	/** An event from either reader: claimed once, then routed to the linked servers. */
	public accept(event: KickEvent, options: { readonly claimed?: boolean } = {}): Promise<RouteOutcome> {
		return this.router.route(event, options);
	}

	/** Resolves once every event this process started handing over (from either reader) is done. */
	public idle(): Promise<void> {
		return this.router.idle();
	}

	/** Whether a chat message is the bot's own (it never answers itself). */
	public isOwnMessage(event: KickChatMessageEvent): boolean {
		const sentInChannel = this.ownMessages.get(event.broadcasterUserId);
		const sentAt = sentInChannel?.get(event.content);
		if (sentAt === undefined) return false;
		if (Date.now() - sentAt > OWN_MESSAGE_MEMORY_MS) {
			sentInChannel!.delete(event.content);
			return false;
		}
		return true;
	}

	/**
	 * Posts in a server's Kick chat: recorded in the outbox (resolves once it is), then sent
	 * through the channel's throttled queue, at most once; what became of it shows in /kick status.
	 */
	public async say(context: GuildContext, content: string, post: KickChatPost): Promise<OutboxAcceptance | { readonly status: 'not linked' }> {
		const broadcasterUserId = context.settings.get('kick_broadcaster_user_id');
		if (broadcasterUserId === null) return { status: 'not linked' };
		this.forgetOldOwnMessages();
		// Servers sharing a channel each run the command; the chat sees one copy of the same answer.
		const answer = `${broadcasterUserId}\n${post.replyTo ?? ''}\n${content}`;
		if (post.replyTo !== undefined && this.recentAnswers.has(answer)) return { status: 'duplicate' };
		this.recentAnswers.set(answer, Date.now());
		const kind = post.kind ?? 'reply';
		const freshMs = kind === 'reply' ? context.settings.get('kick_reply_max_age_seconds') * 1000 : FRESHNESS_MS[kind];
		return this.options.outbox.post({
			guildId: context.guildId,
			destination: 'kick_chat',
			targetId: BigInt(broadcasterUserId),
			kind,
			dedupeKey: `kick:${post.key}`,
			content,
			replyTo: post.replyTo,
			expiresAt: new Date((post.about ?? new Date()).getTime() + freshMs)
		});
	}

	/** Events of a channel parked in the last `sinceMs` because handing them over kept failing. */
	public parkedEvents(broadcasterUserId: bigint, since: Date) {
		return this.options.database.kickEventReceipts.parked(broadcasterUserId.toString(), since);
	}

	/** Hands over events a stopped bot process (or a failed attempt) left, every few seconds and at start. */
	public async recoverEvents(): Promise<void> {
		this.recovering ??= this.router
			.recoverUnhandled()
			.then(({ recovered, failed, parked, abandoned }) => {
				const { logger } = this.options;
				if (recovered > 0) logger.info(`Kick: handed over ${recovered} event(s) left by a stopped bot process or a failed attempt.`);
				if (failed > parked) logger.warn(`Kick: ${failed - parked} left event(s) failed again; they are tried again shortly.`);
				if (parked > 0) logger.warn(`Kick: parked ${parked} event(s) that failed ${MAX_EVENT_ATTEMPTS} times.`);
				if (abandoned > 0) logger.warn(`Kick: gave up ${abandoned} event(s) not handed over in time, now too old to act on.`);
			})
			.catch((error: unknown) =>
				this.options.logger.warn(
					`Kick: could not look for events left by stopped bot processes (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); trying again shortly.`
				)
			)
			.finally(() => (this.recovering = null));
		return this.recovering;
	}

	/** Refreshes every token that expires soon (scheduled task). */
	public async refreshTokens(): Promise<number> {
		return this.tokens.refreshExpiring(await this.options.database.system.kickLinks());
	}

	/** Stops reading and recovering events; the chat courier is closed with the outbox, which drains it. */
	public async close(): Promise<void> {
		for (const timer of this.timers.splice(0)) clearInterval(timer);
		this.socket?.close();
		await this.recovering;
		await this.router.idle();
	}

	/** Switches a channel's events on: webhook subscriptions reconciled with a linked server's token, or the socket watching its chatroom. */
	private async activate(broadcasterUserId: bigint, guildIds: readonly bigint[]): Promise<void> {
		if (this.socket !== undefined) {
			await this.watchChatroom(broadcasterUserId, guildIds);
			return;
		}
		// One set of subscriptions per channel, made with the first linked server whose tokens work.
		for (const guildId of guildIds) {
			if (await this.reconcileSubscriptions(guildId, broadcasterUserId)) {
				for (const other of guildIds)
					if (other !== guildId)
						await this.options.database.forGuild(other).kickConnection.recordSubscription('subscribed', `through server ${guildId}`);
				return;
			}
		}
	}

	/** @returns whether every event type is subscribed. */
	private async reconcileSubscriptions(guildId: bigint, broadcasterUserId: bigint): Promise<boolean> {
		const connection = this.options.database.forGuild(guildId).kickConnection;
		try {
			const token = await this.tokens.accessToken(guildId, broadcasterUserId);
			const existing = await this.api.listSubscriptions(token, broadcasterUserId.toString());
			const have = new Set(existing.filter((subscription) => subscription.method === 'webhook').map((subscription) => subscription.event));
			const missing = SUBSCRIBED_EVENT_TYPES.filter((type) => !have.has(type));
			const errors =
				missing.length === 0
					? []
					: (await this.api.subscribe(token, { broadcasterUserId: broadcasterUserId.toString(), events: missing })).filter(
							(result) => result.error !== null
						);
			if (errors.length > 0) {
				await connection.recordSubscription('failed', errors.map((result) => `${result.name}: ${result.error}`).join('; '));
				return false;
			}
			await connection.recordSubscription(
				'subscribed',
				missing.length === 0 ? 'all events already subscribed' : `subscribed ${missing.length} event type(s)`
			);
			return true;
		} catch (error) {
			const detail = error instanceof Error ? error.message : String(error);
			this.options.logger.warn(`Kick: could not subscribe to the events of channel ${broadcasterUserId} for server ${guildId}: ${detail}`);
			await connection.recordSubscription('failed', detail);
			return false;
		}
	}

	private async removeSubscriptionsOf(guildId: bigint, broadcasterUserId: bigint): Promise<void> {
		try {
			await this.removeSubscriptions(guildId, broadcasterUserId, await this.tokens.accessToken(guildId, broadcasterUserId));
		} catch (error) {
			this.options.logger.warn(
				`Kick: could not remove the webhook subscriptions of server ${guildId} (${error instanceof Error ? error.message : String(error)}); Kick drops them after its deliveries keep failing.`
			);
		}
	}

	private async removeSubscriptions(guildId: bigint, broadcasterUserId: bigint, token: string): Promise<void> {
		try {
			const existing = await this.api.listSubscriptions(token, broadcasterUserId.toString());
			const ids = existing.map((subscription) => subscription.id);
			if (ids.length > 0) await this.api.unsubscribe(token, ids);
		} catch (error) {
			if (!(error instanceof KickApiError)) throw error;
			this.options.logger.warn(`Kick: could not remove the event subscriptions of server ${guildId} (${error.message}); revoking its token ends them.`);
		}
	}

	private async watchChatroom(broadcasterUserId: bigint, guildIds: readonly bigint[]): Promise<void> {
		for (const guildId of guildIds) {
			const settings = await container.settings.forGuild(guildId);
			const chatroomId = settings.get('kick_chatroom_id');
			if (chatroomId === null) {
				await this.options.database
					.forGuild(guildId)
					.kickConnection.recordSubscription('failed', 'kick_chatroom_id is not set, so the chat socket cannot read this channel');
				continue;
			}
			this.socket!.watch({ chatroomId, broadcasterUserId: broadcasterUserId.toString() });
			for (const id of guildIds)
				await this.options.database.forGuild(id).kickConnection.recordSubscription('not needed', `reading chatroom ${chatroomId} over the chat socket`);
			return;
		}
	}

	private async stopReading(guildId: bigint): Promise<void> {
		const chatroomId = (await container.settings.forGuild(guildId)).get('kick_chatroom_id');
		if (chatroomId !== null) this.socket?.unwatch(chatroomId);
	}

	private forgetOldOwnMessages(): void {
		// A sweep walks both memories: once a second at most, so a reply costs the same however many are remembered.
		if (Date.now() - this.lastSweep < 1000) return;
		this.lastSweep = Date.now();
		const cutoff = Date.now() - OWN_MESSAGE_MEMORY_MS;
		for (const [key, at] of this.recentAnswers) if (at < cutoff) this.recentAnswers.delete(key);
		for (const [channel, sentInChannel] of this.ownMessages) {
			for (const [content, at] of sentInChannel) if (at < cutoff) sentInChannel.delete(content);
			if (sentInChannel.size === 0) this.ownMessages.delete(channel);
		}
	}
}

function groupByChannel(links: readonly KickLink[]): Map<bigint, bigint[]> {
	const channels = new Map<bigint, bigint[]>();
	for (const link of links) channels.set(link.broadcasterUserId, [...(channels.get(link.broadcasterUserId) ?? []), link.guildId]);
	return channels;
}
