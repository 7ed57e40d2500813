import { randomUUID } from 'node:crypto';
import type { ChatLog } from './ChatLog.js';
import { rfc3339 } from './eventPayloads.js';
import type { KickDirectory, KickUserRecord } from './KickDirectory.js';
import { ApiError, badRequest, bearerToken, type Routes, type StandInRequest } from './standInHttp.js';
import { KICK_EVENT_TYPES, type EventSubscription, type SubscriptionStore } from './SubscriptionStore.js';
import type { IssuedToken, TokenStore } from './TokenStore.js';

export const API_PREFIX = '/public/v1';

export interface ApiRouteDependencies {
	readonly tokens: TokenStore;
	readonly directory: KickDirectory;
	readonly subscriptions: SubscriptionStore;
	readonly chat: ChatLog;
	readonly now: () => number;
	readonly publicKeyPem: () => string;
}

const CHAT_MAX_LENGTH = 500;
// Go's zero time, which Kick sends as start_time of a channel that is not live.
const NEVER = '0001-01-01T00:00:00Z';

/** api.kick.com/public/v1: users, channels, chat, event subscriptions, public key. */
export function apiRoutes(dependencies: ApiRouteDependencies): Routes {
	const { tokens, directory, subscriptions, chat, now } = dependencies;

	const authenticate = (request: StandInRequest): IssuedToken => {
		const bearer = bearerToken(request);
		const issued = bearer === null ? undefined : tokens.activeToken(bearer);
		if (!issued) throw new ApiError(401, 'Unauthorized');
		return issued;
	};

	/** User tokens need the scope; app tokens carry none and reach what Kick lets apps read. */
	const requireScope = (token: IssuedToken, scope: string): void => {
		if (token.user !== null && !token.scopes.includes(scope)) throw new ApiError(403, 'Forbidden', `missing scope ${scope}`);
	};

	const requireUser = (token: IssuedToken, scope: string): KickUserRecord => {
		if (token.user === null) throw new ApiError(403, 'Forbidden', `an app token cannot do this; it needs a user token with ${scope}`);
		requireScope(token, scope);
		return token.user;
	};

	/** The channel a subscription request is for: the one named, else the user token's own. */
	const subscriptionChannel = (broadcasterUserId: unknown, token: IssuedToken): KickUserRecord => {
		if (broadcasterUserId === undefined) {
			if (token.user === null) throw badRequest('broadcaster_user_id is required with an app token');
			return token.user;
		}
		if (typeof broadcasterUserId !== 'number') throw badRequest('broadcaster_user_id must be a number');
		const broadcaster = directory.byId(String(broadcasterUserId));
		if (!broadcaster) throw badRequest('Channel not found');
		return broadcaster;
	};

	return {
		[`${API_PREFIX}/users`]: {
			GET: (request) => {
				const token = authenticate(request);
				requireScope(token, 'user:read');
				const ids = request.query.getAll('id');
				if (ids.length === 0 && token.user === null) throw badRequest('an app token has no user of its own: pass id');
				const users = ids.length === 0 ? [token.user!] : ids.map((id) => directory.byId(id)).filter((user) => user !== undefined);
				return ok(
					users.map((user) => ({
						user_id: Number(user.userId),
						name: user.username,
						// Kick shows the email to its owner only.
						email: user === token.user ? user.email : '',
						profile_picture: user.profilePicture
					}))
				);
			}
		},
		[`${API_PREFIX}/channels`]: {
			GET: (request) => {
				const token = authenticate(request);
				requireScope(token, 'channel:read');
				const slugs = request.query.getAll('slug');
				const ids = request.query.getAll('broadcaster_user_id');
				if (slugs.length > 0 && ids.length > 0) throw badRequest('pass either slug or broadcaster_user_id, not both');
				if (ids.some((id) => !/^\d+$/.test(id))) throw badRequest('broadcaster_user_id must be a number');
				if (slugs.length === 0 && ids.length === 0 && token.user === null)
					throw badRequest('an app token has no channel of its own: pass slug or broadcaster_user_id');
				const found =
					slugs.length > 0 ? slugs.map((slug) => directory.bySlug(slug)) : ids.length > 0 ? ids.map((id) => directory.byId(id)) : [token.user!];
				return ok(found.filter((user) => user !== undefined).map((user) => channelBody(user, token)));
			}
		},
		[`${API_PREFIX}/chat`]: {
			POST: (request) => {
				const token = authenticate(request);
				const poster = requireUser(token, 'chat:write');
				const body = jsonObject(request);
				if (body.type !== 'bot' && body.type !== 'user') throw badRequest('type must be bot or user');
				if (typeof body.content !== 'string' || body.content === '') throw badRequest('content is required');
				if ([...body.content].length > CHAT_MAX_LENGTH) throw badRequest(`content is longer than ${CHAT_MAX_LENGTH} characters`);
				if (body.reply_to_message_id !== undefined && typeof body.reply_to_message_id !== 'string')
					throw badRequest('reply_to_message_id must be a string');
				let channel = poster;
				if (body.type === 'user') {
					if (typeof body.broadcaster_user_id !== 'number') throw badRequest('broadcaster_user_id is required for type user');
					const broadcaster = directory.byId(String(body.broadcaster_user_id));
					if (!broadcaster) throw badRequest('Channel not found');
					channel = broadcaster;
				}
				const messageId = randomUUID();
				chat.record({
					messageId,
					channel: channel.username,
					broadcasterUserId: channel.userId,
					type: body.type,
					postedBy: poster.username,
					content: body.content,
					replyToMessageId: body.reply_to_message_id ?? null,
					at: new Date(now())
				});
				return ok({ is_sent: true, message_id: messageId });
			}
		},
		[`${API_PREFIX}/events/subscriptions`]: {
			GET: (request) => {
				const token = authenticate(request);
				requireScope(token, 'events:subscribe');
				const broadcaster = request.query.get('broadcaster_user_id') ?? undefined;
				return ok(subscriptions.list(token.clientId, broadcaster).map(subscriptionBody));
			},
			POST: (request) => {
				const token = authenticate(request);
				requireScope(token, 'events:subscribe');
				const body = jsonObject(request);
				if (body.method !== undefined && body.method !== 'webhook') throw badRequest('method must be webhook');
				if (!Array.isArray(body.events) || body.events.length === 0) throw badRequest('events must list at least one event');
				const channel = subscriptionChannel(body.broadcaster_user_id, token);
				return ok(
					(body.events as unknown[]).map((event) => {
						const { name, version } = (typeof event === 'object' && event !== null ? event : {}) as { name?: unknown; version?: unknown };
						if (typeof name !== 'string' || !(KICK_EVENT_TYPES as readonly string[]).includes(name) || version !== 1) {
							return {
								name: String(name),
								version: typeof version === 'number' ? version : 0,
								subscription_id: '',
								error: 'unknown event name or version'
							};
						}
						const subscription = subscriptions.subscribe(token.clientId, channel.userId, name, version);
						return { name, version, subscription_id: subscription.id, error: '' };
					})
				);
			},
			DELETE: (request) => {
				const token = authenticate(request);
				requireScope(token, 'events:subscribe');
				const ids = request.query.getAll('id');
				if (ids.length === 0) throw badRequest('id is required');
				subscriptions.delete(token.clientId, ids);
				return { status: 204 };
			}
		},
		[`${API_PREFIX}/public-key`]: {
			GET: () => ok({ public_key: dependencies.publicKeyPem() })
		}
	};
}

function ok(data: unknown) {
	return { status: 200, json: { data, message: 'OK' } };
}

function jsonObject(request: StandInRequest): Record<string, unknown> {
	if (request.contentType !== 'application/json') throw badRequest(`expected application/json, got ${request.contentType || 'no content type'}`);
	if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) throw badRequest('expected a JSON object');
	return request.body as Record<string, unknown>;
}

function channelBody(user: KickUserRecord, token: IssuedToken) {
	const { stream } = user;
	// The stream key and ingest URL are for the owner with streamkey:read only.
	const ownsKey = token.user === user && token.scopes.includes('streamkey:read');
	return {
		banner_picture: '',
		broadcaster_user_id: Number(user.userId),
		category: stream.category === null ? { id: 0, name: '', thumbnail: '' } : { ...stream.category, thumbnail: '' },
		channel_description: '',
		slug: user.slug,
		stream: {
			url: ownsKey ? 'rtmps://stand-in.kick.invalid/app' : '',
			key: ownsKey ? `sk_${user.userId}` : '',
			is_live: stream.isLive,
			is_mature: false,
			language: 'en',
			start_time: stream.isLive && stream.startedAt !== null ? rfc3339(stream.startedAt) : NEVER,
			viewer_count: stream.isLive ? stream.viewerCount : 0,
			thumbnail: ''
		},
		stream_title: stream.title
	};
}

function subscriptionBody(subscription: EventSubscription) {
	const createdAt = subscription.createdAt.toISOString();
	return {
		id: subscription.id,
		app_id: subscription.appId,
		broadcaster_user_id: Number(subscription.broadcasterUserId),
		event: subscription.event,
		method: subscription.method,
		version: subscription.version,
		created_at: createdAt,
		updated_at: createdAt
	};
}
