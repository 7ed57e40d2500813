import PusherModule, { type Channel } from 'pusher-js';
import { z } from 'zod';
import type { KickEvent, KickUser } from '#lib/kick/events/KickEvent';
import { readSocketChatMessage } from '#lib/kick/events/readChatMessage';
import { describeIssue, kickBadgeSchema, kickEventIdSchema, kickIdSchema, kickTextSchema } from '#lib/kick/webhooks/parseWebhookEvent';
import { parseRfc3339 } from '#lib/kick/webhooks/verifyKickWebhook';

// pusher-js' node build sets module.exports to the class while its typings declare an ES default export, so the default import is the class.
const Pusher = PusherModule as unknown as typeof PusherModule.default;
type PusherClient = InstanceType<typeof Pusher>;

export interface KickChatSocketLogger {
	info(message: string): void;
	warn(message: string): void;
	error(message: string): void;
	debug?(message: string): void;
}

export interface KickChatSocketOptions {
	/** Kick's Pusher app key (it has changed over time, so it is configuration). */
	readonly key: string;
	/** Kick's Pusher cluster, `us2` so far. */
	readonly cluster: string;
	/** Another server than Pusher's own for the cluster (tests point this at a local one). */
	readonly host?: { readonly wsHost: string; readonly wsPort: number; readonly forceTLS: boolean };
	readonly logger: KickChatSocketLogger;
	readonly onEvent: (event: KickEvent) => void;
}

export interface KickChatroomWatch {
	/** The chatroom id (not the channel id), digits. */
	readonly chatroomId: string;
	/** The channel id, digits: when given, live/offline events of `channel.<channelId>` are read too. */
	readonly channelId?: string;
	/** The Kick channel the events are attributed to. */
	readonly broadcasterUserId: string;
}

/** pusher-js' connection states. */
export type KickChatSocketState = 'initialized' | 'connecting' | 'connected' | 'unavailable' | 'failed' | 'disconnected';

interface Watch extends KickChatroomWatch {
	readonly subscriptions: { readonly channel: Channel; readonly handler: (eventName: string, data: unknown) => void }[];
}

const DIGITS = /^\d+$/;

/** The by-name callback of chat messages: they are read by the global one. */
function ignore(): void {
	// Nothing: see watch().
}

/**
 * The fallback reader: Kick's unofficial Pusher chat socket, through pusher-js (which connects at
 * once, reconnects with its own backoff and subscribes its channels again after each reconnection).
 * Chat messages get the key `chat:<message id>` the webhook reader uses, so either reader may deliver them.
 */
export class KickChatSocket {
	private readonly pusher: PusherClient;
	private readonly watches = new Map<string, Watch>();
	/** States already logged since the last connection, so a retry loop logs each state once. */
	private readonly loggedSinceConnected = new Set<string>();
	private everConnected = false;
	private closing = false;

	public constructor(private readonly options: KickChatSocketOptions) {
		const host = options.host;
		this.pusher = new Pusher(options.key, {
			cluster: options.cluster,
			// Kick's chat is served over WebSocket only; the HTTP fallbacks would try Pusher's sockjs hosts for nothing.
			enabledTransports: ['ws'],
			...(host && { wsHost: host.wsHost, wsPort: host.wsPort, wssPort: host.wsPort, forceTLS: host.forceTLS })
		});
		this.pusher.connection.bind('state_change', (change: { previous: string; current: string }) => this.logState(change.current));
		this.pusher.connection.bind('error', (error: unknown) => this.logError(error));
		// Runs after pusher-js has subscribed its channels again: drop any it kept that nobody watches any more.
		this.pusher.connection.bind('connected', () => this.dropUnwatchedChannels());
	}

	public get state(): KickChatSocketState {
		return this.pusher.connection.state as KickChatSocketState;
	}

	/** Subscribes the chatroom (and channel) once; watching a chatroom already watched changes nothing. */
	public watch(watch: KickChatroomWatch): void {
		for (const [name, id] of [
			['chatroomId', watch.chatroomId],
			['channelId', watch.channelId],
			['broadcasterUserId', watch.broadcasterUserId]
		] as const) {
			if (id !== undefined && !DIGITS.test(id)) throw new TypeError(`KickChatSocket.watch: ${name} must be digits, got ${JSON.stringify(id)}`);
		}
		const existing = this.watches.get(watch.chatroomId);
		if (existing !== undefined) {
			if (existing.broadcasterUserId !== watch.broadcasterUserId || existing.channelId !== watch.channelId) {
				this.options.logger.warn(
					`Kick chat socket: chatroom ${watch.chatroomId} is already watched for channel ${existing.broadcasterUserId}; the new watch is ignored`
				);
			}
			return;
		}
		const names = [`chatrooms.${watch.chatroomId}.v2`];
		if (watch.channelId !== undefined) {
			const channelName = `channel.${watch.channelId}`;
			// Two watches on one Pusher channel would deliver its events twice.
			if (this.subscribedNames().has(channelName))
				this.options.logger.warn(`Kick chat socket: ${channelName} is already watched; not subscribing it again`);
			else names.push(channelName);
		}
		const entry: Watch = { ...watch, subscriptions: [] };
		for (const name of names) {
			const channel = this.pusher.subscribe(name);
			const handler = (eventName: string, data: unknown) => this.receive(entry, name, eventName, data);
			channel.bind_global(handler);
			// Bound by name too: for an event nothing is bound to by name, pusher-js builds a "no callbacks" debug line, every chat message.
			channel.bind(CHAT_MESSAGE_EVENT, ignore);
			entry.subscriptions.push({ channel, handler });
		}
		this.watches.set(watch.chatroomId, entry);
	}

	/** Stops reading the chatroom (and its channel); false when it was not watched. */
	public unwatch(chatroomId: string): boolean {
		const entry = this.watches.get(chatroomId);
		if (entry === undefined) return false;
		this.watches.delete(chatroomId);
		for (const { channel, handler } of entry.subscriptions) {
			channel.unbind_global(handler);
			channel.unbind(CHAT_MESSAGE_EVENT, ignore);
			this.pusher.unsubscribe(channel.name);
		}
		return true;
	}

	/** The chatroom ids watched. */
	public watching(): string[] {
		return [...this.watches.keys()];
	}

	public close(): void {
		this.closing = true;
		for (const chatroomId of this.watching()) this.unwatch(chatroomId);
		this.pusher.disconnect();
		// pusher-js keeps every client in a static list; a closed one would never be freed.
		Pusher.instances = Pusher.instances.filter((instance) => instance !== this.pusher);
	}

	private subscribedNames(): Set<string> {
		return new Set([...this.watches.values()].flatMap((entry) => entry.subscriptions.map(({ channel }) => channel.name)));
	}

	private dropUnwatchedChannels(): void {
		const wanted = this.subscribedNames();
		for (const channel of this.pusher.allChannels()) if (!wanted.has(channel.name)) this.pusher.unsubscribe(channel.name);
	}

	private receive(entry: Watch, channelName: string, eventName: string, data: unknown): void {
		if (eventName.startsWith('pusher:') || eventName.startsWith('pusher_internal:')) return;
		const reading = readSocketEvent({ eventName, data, broadcasterUserId: entry.broadcasterUserId, receivedAt: new Date() });
		if (reading.kind === 'ignored') {
			this.options.logger.debug?.(`Kick chat socket: ignored ${shorten(eventName)} on ${channelName}: ${reading.why}`);
			return;
		}
		if (reading.kind === 'dropped') {
			this.options.logger.warn(`Kick chat socket: dropped ${shorten(eventName)} on ${channelName}: ${reading.why}`);
			return;
		}
		try {
			this.options.onEvent(reading.event);
		} catch (error) {
			this.options.logger.error(
				`Kick chat socket: handling ${reading.event.eventKey} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
			);
		}
	}

	private logState(state: string): void {
		const { logger } = this.options;
		if (state === 'connected') {
			logger.info(this.everConnected ? `Kick chat socket reconnected; subscribing ${this.watches.size} chatroom(s) again` : 'Kick chat socket connected');
			this.everConnected = true;
			this.loggedSinceConnected.clear();
			return;
		}
		if (this.loggedSinceConnected.has(state)) return;
		this.loggedSinceConnected.add(state);
		if (state === 'connecting') {
			if (this.everConnected) logger.warn('Kick chat socket lost its connection; reconnecting');
			else logger.info('Kick chat socket connecting');
		} else if (state === 'unavailable') logger.warn('Kick chat socket unavailable; still retrying');
		else if (state === 'failed') logger.error('Kick chat socket failed: WebSocket is not supported here');
		else if (state === 'disconnected') {
			if (this.closing) logger.info('Kick chat socket closed');
			else logger.warn('Kick chat socket disconnected; it will not reconnect by itself');
		}
	}

	private logError(error: unknown): void {
		const pusherError = findPusherError(error);
		// 4000-4099: Pusher refuses the connection for good (wrong key, app disabled, over quota).
		if (pusherError !== null && pusherError.code !== null && pusherError.code >= 4000 && pusherError.code < 4100) {
			this.options.logger.error(`Kick chat socket refused (Pusher error ${pusherError.code}: ${pusherError.message}); check the Pusher key and cluster`);
		} else if (typeof error === 'object' && error !== null && 'type' in error && error.type === 'MessageParseError') {
			this.options.logger.warn('Kick chat socket: dropped a frame that is not JSON');
		} else {
			this.options.logger.debug?.(`Kick chat socket error: ${pusherError ? `${pusherError.code ?? '-'} ${pusherError.message}` : JSON.stringify(error)}`);
		}
	}
}

/** What one socket event comes to: a typed event, or why not (ignored: not one the bot reads; dropped: malformed). */
export type SocketEventReading =
	| { readonly kind: 'event'; readonly event: KickEvent }
	| { readonly kind: 'ignored'; readonly why: string }
	| { readonly kind: 'dropped'; readonly why: string };

/**
 * Reads one event of Kick's chat socket (a Pusher frame from the network: outside input) into the
 * typed event the webhooks give, with the same field checks; it never throws. `data` is what
 * pusher-js hands over: the parsed data, or its text when pusher-js could not parse it.
 */
export function readSocketEvent(frame: SocketFrame): SocketEventReading {
	// Most frames are chat messages: one that plainly fits is read without the schema, which would read it alike.
	if (frame.eventName === CHAT_MESSAGE_EVENT) {
		const payload = dataOf(frame);
		const event = payload === undefined ? null : readSocketChatMessage(payload, frame.broadcasterUserId, frame.receivedAt);
		if (event !== null) return { kind: 'event', event };
	}
	return readSocketEventBySchema(frame);
}

/** What the schemas alone make of a frame: every frame but a plainly fitting chat message is read so. */
export function readSocketEventBySchema(frame: SocketFrame): SocketEventReading {
	const name = frame.eventName.startsWith(EVENT_NAME_PREFIX) ? frame.eventName.slice(EVENT_NAME_PREFIX.length) : frame.eventName;
	const reader = SOCKET_READERS.get(name);
	if (reader === undefined) {
		return {
			kind: 'ignored',
			why: USERNAME_ONLY_EVENTS.has(name) ? 'it names users by username only, and events need user ids' : 'not an event the bot reads'
		};
	}
	const payload = dataOf(frame);
	if (payload === undefined) return { kind: 'dropped', why: 'its data is not JSON' };
	const parsed = reader.safeParse(payload);
	if (!parsed.success) return { kind: 'dropped', why: describeIssue(parsed.error) };
	const { at, eventKey, fields } = parsed.data;
	return { kind: 'event', event: { ...fields, broadcasterUserId: frame.broadcasterUserId, eventKey, receivedVia: 'socket', at: at ?? frame.receivedAt } };
}

/** One event of a Pusher frame, as pusher-js hands it over, and the channel it is attributed to. */
export interface SocketFrame {
	readonly eventName: string;
	readonly data: unknown;
	readonly broadcasterUserId: string;
	readonly receivedAt: Date;
}

/** The frame's data: pusher-js parses the data text when it can; a string left over is parsed here (undefined: it is not JSON, or is encoded twice). */
function dataOf(frame: SocketFrame): unknown {
	if (typeof frame.data !== 'string') return frame.data;
	try {
		return JSON.parse(frame.data) as unknown;
	} catch {
		return undefined;
	}
}

/** An event name as logged: Pusher frames come from the network, so a name is cut short rather than logged whole. */
function shorten(eventName: string): string {
	return eventName.length > 100 ? `${eventName.slice(0, 99)}…` : eventName;
}

/** pusher-js reports `{ type: 'PusherError', data: { code, message } }`, sometimes wrapped in `{ type: 'WebSocketError', error }`. */
function findPusherError(error: unknown): { code: number | null; message: string } | null {
	if (typeof error !== 'object' || error === null) return null;
	if ('data' in error && typeof error.data === 'object' && error.data !== null) {
		const data = error.data as { code?: unknown; message?: unknown };
		return { code: typeof data.code === 'number' ? data.code : null, message: typeof data.message === 'string' ? data.message : '' };
	}
	return 'error' in error ? findPusherError(error.error) : null;
}

/** An event without the fields every event has, member by member. */
type EventFields<E extends KickEvent> = E extends KickEvent ? Omit<E, 'broadcasterUserId' | 'eventKey' | 'receivedVia' | 'at'> : never;

/** What a socket event yields: the event's own fields, its key and when Kick says it happened (null: not said). */
interface SocketReading {
	readonly at: Date | null;
	readonly eventKey: string;
	readonly fields: EventFields<KickEvent>;
}

/** Kick's socket writes ISO dates, and older payloads UTC without a zone (`2024-01-01 12:00:00`). */
const socketTimestamp = z
	.string()
	.nullish()
	.transform((text) => (text ? (parseRfc3339(text) ?? parseRfc3339(`${text}Z`)) : null));

const socketUser = z
	.object({ id: kickIdSchema, username: kickTextSchema.min(1), slug: kickTextSchema.nullish() })
	.transform((user): KickUser => ({ userId: user.id, username: user.username, channelSlug: user.slug || null }));

const replySchema = z.object({
	original_sender: z.object({ id: kickIdSchema, username: kickTextSchema.min(1) }),
	original_message: z.object({ id: kickEventIdSchema, content: kickTextSchema })
});

/** Socket events that name their users by username only: KickUser needs the user id, so the webhooks carry these. */
const USERNAME_ONLY_EVENTS = new Set(['GiftedSubscriptionsEvent', 'SubscriptionEvent']);

/** The prefix Kick puts on most event names, and the full name of a chat message. */
const EVENT_NAME_PREFIX = 'App\\Events\\';
const CHAT_MESSAGE_EVENT = `${EVENT_NAME_PREFIX}ChatMessageEvent`;

/** Readers by event name, without the `App\\Events\\` prefix Kick puts on most. */
const SOCKET_READERS = new Map<string, z.ZodType<SocketReading, unknown>>(
	Object.entries({
		ChatMessageEvent: z
			.object({
				id: kickEventIdSchema,
				content: kickTextSchema,
				created_at: socketTimestamp,
				sender: z.object({
					id: kickIdSchema,
					username: kickTextSchema.min(1),
					slug: kickTextSchema.nullish(),
					identity: z.object({ badges: z.array(kickBadgeSchema).nullish() }).nullish()
				}),
				// Only replies carry this; a shape we do not know must not cost the message itself.
				metadata: replySchema.nullish().catch(null)
			})
			.transform((message) => ({
				at: message.created_at,
				eventKey: `chat:${message.id}`,
				fields: {
					type: 'chat.message.sent' as const,
					messageId: message.id,
					sender: {
						userId: message.sender.id,
						username: message.sender.username,
						channelSlug: message.sender.slug || null,
						badges: message.sender.identity?.badges ?? []
					},
					content: message.content,
					repliesTo: message.metadata
						? {
								messageId: message.metadata.original_message.id,
								content: message.metadata.original_message.content,
								sender: { userId: message.metadata.original_sender.id, username: message.metadata.original_sender.username, channelSlug: null }
							}
						: null
				}
			})),
		UserBannedEvent: z
			.object({ id: kickEventIdSchema, user: socketUser, banned_by: socketUser.nullish(), expires_at: socketTimestamp, permanent: z.boolean().nullish() })
			.transform((ban) => ({
				at: null,
				eventKey: `socket:ban:${ban.id}`,
				fields: {
					type: 'moderation.banned' as const,
					moderator: ban.banned_by ?? null,
					bannedUser: ban.user,
					reason: null,
					expiresAt: ban.permanent ? null : ban.expires_at
				}
			})),
		StreamerIsLive: z
			.object({ livestream: z.object({ id: kickIdSchema, session_title: kickTextSchema.nullish(), created_at: socketTimestamp }) })
			.transform(({ livestream }) => ({
				at: livestream.created_at,
				eventKey: `socket:live:${livestream.id}`,
				fields: {
					type: 'livestream.status.updated' as const,
					isLive: true,
					title: livestream.session_title ?? null,
					startedAt: livestream.created_at,
					endedAt: null
				}
			})),
		StopStreamBroadcast: z.object({ livestream: z.object({ id: kickIdSchema }) }).transform(({ livestream }) => ({
			at: null,
			eventKey: `socket:offline:${livestream.id}`,
			// The event carries no times; `at` (its receipt) is when the stream stopped.
			fields: { type: 'livestream.status.updated' as const, isLive: false, title: null, startedAt: null, endedAt: null }
		}))
	})
);
