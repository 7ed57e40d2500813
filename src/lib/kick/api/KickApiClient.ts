import { z } from 'zod';
import { KickApiError } from './KickApiError.js';
import { callKick, callKickJson, DEFAULT_KICK_TIMEOUT_MS, type KickCall, type KickHttp } from './kickHttp.js';
import { envelope, kickId, kickTime, optionalText } from './kickSchemas.js';

export const KICK_API_URL = 'https://api.kick.com/public/v1';

/** Kick refuses longer chat messages; the client refuses them before sending. */
export const KICK_CHAT_MAX_LENGTH = 500;

export interface KickApiClientOptions {
	/** Kick's public API; https://api.kick.com/public/v1 unless a stand-in. */
	readonly apiUrl?: string;
	readonly fetch?: typeof fetch;
	/** How long one call may take before it fails as retryable; 10 s by default. */
	readonly timeoutMs?: number;
}

export interface KickUserProfile {
	readonly userId: string;
	/** The username; Kick has sent "" for some accounts made through OAuth sign-up. */
	readonly name: string;
	/** Only for the token's own user. */
	readonly email: string | null;
	readonly profilePicture: string | null;
}

export interface KickChannel {
	readonly broadcasterUserId: string;
	readonly slug: string;
	readonly streamTitle: string | null;
	readonly category: { readonly id: string; readonly name: string } | null;
	readonly stream: { readonly isLive: boolean; readonly viewerCount: number; readonly startTime: Date | null };
}

export interface KickChatMessage {
	readonly content: string;
	/** `bot` posts as the app's bot in the channel of the token's user; `user` as the token's user in `broadcasterUserId`'s channel. */
	readonly type: 'bot' | 'user';
	/** Required for `user`; Kick ignores it for `bot`. */
	readonly broadcasterUserId?: string;
	readonly replyToMessageId?: string;
}

export interface KickChatSendResult {
	readonly isSent: boolean;
	readonly messageId: string | null;
}

export interface KickEventSubscription {
	readonly id: string;
	readonly event: string;
	readonly version: number;
	readonly broadcasterUserId: string;
	readonly method: string;
	readonly createdAt: Date | null;
}

export interface KickSubscriptionRequest {
	readonly broadcasterUserId: string;
	/** Event names such as `chat.message.sent`; all are subscribed at version 1. */
	readonly events: readonly string[];
}

/** Kick's answer per requested event: a subscription id, or why that event was not subscribed. */
export interface KickSubscriptionResult {
	readonly name: string;
	readonly version: number;
	readonly subscriptionId: string | null;
	readonly error: string | null;
}

const userSchema = z.object({
	user_id: kickId,
	name: z.string(),
	email: optionalText,
	profile_picture: optionalText
});

const usersResponse = envelope(z.array(userSchema).min(1, 'expected the token’s user in data, got none'));

const channelSchema = z
	.object({
		broadcaster_user_id: kickId,
		slug: z.string().min(1),
		stream_title: optionalText,
		category: z.object({ id: z.number().int().nonnegative(), name: z.string() }).nullish(),
		stream: z
			.object({
				is_live: z.boolean(),
				viewer_count: z.number().int().nonnegative(),
				start_time: kickTime.nullish()
			})
			.nullish()
	})
	.transform((channel): KickChannel => ({
		broadcasterUserId: channel.broadcaster_user_id,
		slug: channel.slug,
		streamTitle: channel.stream_title,
		// Kick sends {id: 0, name: ""} for a channel that never picked a category.
		category: channel.category && channel.category.id !== 0 ? { id: String(channel.category.id), name: channel.category.name } : null,
		stream: {
			isLive: channel.stream?.is_live ?? false,
			viewerCount: channel.stream?.viewer_count ?? 0,
			startTime: channel.stream?.start_time ?? null
		}
	}));

const channelsResponse = envelope(z.array(channelSchema));

const chatResponse = envelope(
	z.object({
		is_sent: z.boolean(),
		message_id: optionalText
	})
);

const subscriptionsResponse = envelope(
	z.array(
		z.object({
			id: z.string().min(1),
			event: z.string().min(1),
			version: z.number().int(),
			broadcaster_user_id: kickId,
			method: z.string(),
			created_at: kickTime.nullish()
		})
	)
);

const subscribeResponse = envelope(
	z.array(
		z.object({
			name: z.string().min(1),
			version: z.number().int(),
			subscription_id: optionalText,
			error: optionalText
		})
	)
);

const publicKeyResponse = envelope(
	z.object({
		public_key: z.string().refine((pem) => pem.includes('-----BEGIN PUBLIC KEY-----'), 'expected a PEM public key')
	})
);

/**
 * Kick's public API (api.kick.com/public/v1). Methods take the bearer token first; answers are
 * validated, ids come back as strings of digits, and every failure is a {@link KickApiError}.
 */
export class KickApiClient {
	private readonly apiUrl: string;
	private readonly http: KickHttp;

	public constructor(options: KickApiClientOptions = {}) {
		this.apiUrl = (options.apiUrl ?? KICK_API_URL).replace(/\/+$/, '');
		this.http = { fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? DEFAULT_KICK_TIMEOUT_MS };
	}

	/** The user the token belongs to (needs `user:read`). */
	public async currentUser(token: string): Promise<KickUserProfile> {
		const response = await callKickJson(this.http, this.call(token, 'GET', '/users', 'read the token’s user'), usersResponse);
		const user = response.data[0]!;
		return { userId: user.user_id, name: user.name, email: user.email, profilePicture: user.profile_picture };
	}

	public channelBySlug(token: string, slug: string): Promise<KickChannel | null> {
		return this.channel(token, { slug }, `look up channel ${slug}`);
	}

	public channelByBroadcasterId(token: string, broadcasterUserId: string): Promise<KickChannel | null> {
		requireDigits('GET /channels', broadcasterUserId, 'broadcaster user id');
		return this.channel(token, { broadcaster_user_id: broadcasterUserId }, `look up the channel of broadcaster ${broadcasterUserId}`);
	}

	/** Posts in chat (needs `chat:write`); content over 500 characters is refused before sending. */
	public async sendChat(token: string, message: KickChatMessage): Promise<KickChatSendResult> {
		const endpoint = 'POST /chat';
		const length = [...message.content].length;
		if (length > KICK_CHAT_MAX_LENGTH) {
			throw KickApiError.invalidRequest(endpoint, `has ${length} characters of content; Kick takes at most ${KICK_CHAT_MAX_LENGTH}`);
		}
		if (message.type === 'user' && message.broadcasterUserId === undefined) {
			throw KickApiError.invalidRequest(endpoint, 'of type user needs the broadcaster user id of the channel to post in');
		}
		const body = {
			type: message.type,
			content: message.content,
			...(message.broadcasterUserId === undefined ? {} : { broadcaster_user_id: jsonId(endpoint, message.broadcasterUserId) }),
			...(message.replyToMessageId === undefined ? {} : { reply_to_message_id: message.replyToMessageId })
		};
		const response = await callKickJson(this.http, this.call(token, 'POST', '/chat', 'send a chat message', { body }), chatResponse);
		return { isSent: response.data.is_sent, messageId: response.data.message_id };
	}

	/** The app's event subscriptions visible to the token, optionally of one broadcaster only. */
	public async listSubscriptions(token: string, broadcasterUserId?: string): Promise<KickEventSubscription[]> {
		const query = new URLSearchParams();
		if (broadcasterUserId !== undefined) {
			requireDigits('GET /events/subscriptions', broadcasterUserId, 'broadcaster user id');
			query.set('broadcaster_user_id', broadcasterUserId);
		}
		const response = await callKickJson(
			this.http,
			this.call(token, 'GET', '/events/subscriptions', 'list event subscriptions', { query }),
			subscriptionsResponse
		);
		return response.data.map((subscription) => ({
			id: subscription.id,
			event: subscription.event,
			version: subscription.version,
			broadcasterUserId: subscription.broadcaster_user_id,
			method: subscription.method,
			createdAt: subscription.created_at ?? null
		}));
	}

	/** Subscribes the app's webhook to `events` (version 1) of a channel; Kick answers per event. */
	public async subscribe(token: string, request: KickSubscriptionRequest): Promise<KickSubscriptionResult[]> {
		const endpoint = 'POST /events/subscriptions';
		if (request.events.length === 0) throw KickApiError.invalidRequest(endpoint, 'names no event to subscribe to');
		const body = {
			broadcaster_user_id: jsonId(endpoint, request.broadcasterUserId),
			events: request.events.map((name) => ({ name, version: 1 })),
			method: 'webhook'
		};
		const response = await callKickJson(this.http, this.call(token, 'POST', '/events/subscriptions', 'subscribe to events', { body }), subscribeResponse);
		return response.data.map((result) => ({ name: result.name, version: result.version, subscriptionId: result.subscription_id, error: result.error }));
	}

	/** Deletes subscriptions by id; nothing is sent for an empty list. */
	public async unsubscribe(token: string, ids: readonly string[]): Promise<void> {
		if (ids.length === 0) return;
		const query = new URLSearchParams(ids.map((id): [string, string] => ['id', id]));
		await callKick(this.http, this.call(token, 'DELETE', '/events/subscriptions', 'delete event subscriptions', { query }));
	}

	/** The PEM key Kick signs webhooks with. */
	public async publicKey(): Promise<string> {
		const response = await callKickJson(
			this.http,
			{
				method: 'GET',
				url: new URL(`${this.apiUrl}/public-key`),
				endpoint: 'GET /public-key',
				purpose: 'read the webhook public key',
				headers: { accept: 'application/json' }
			},
			publicKeyResponse
		);
		return response.data.public_key;
	}

	private async channel(token: string, filter: Record<string, string>, purpose: string): Promise<KickChannel | null> {
		const response = await callKickJson(this.http, this.call(token, 'GET', '/channels', purpose, { query: new URLSearchParams(filter) }), channelsResponse);
		return response.data[0] ?? null;
	}

	private call(
		token: string,
		method: KickCall['method'],
		path: string,
		purpose: string,
		request: { query?: URLSearchParams; body?: unknown } = {}
	): KickCall {
		const url = new URL(`${this.apiUrl}${path}`);
		if (request.query !== undefined) url.search = request.query.toString();
		const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
		if (request.body === undefined) return { method, url, endpoint: `${method} ${path}`, purpose, headers };
		return {
			method,
			url,
			endpoint: `${method} ${path}`,
			purpose,
			headers: { ...headers, 'content-type': 'application/json' },
			body: JSON.stringify(request.body)
		};
	}
}

function requireDigits(endpoint: string, id: string, what: string): void {
	if (!/^\d+$/.test(id)) throw KickApiError.invalidRequest(endpoint, `got ${JSON.stringify(id)} as ${what}; Kick ids are digits`);
}

/** Kick reads ids in request bodies as JSON numbers. */
function jsonId(endpoint: string, id: string): number {
	requireDigits(endpoint, id, 'broadcaster user id');
	const value = Number(id);
	if (!Number.isSafeInteger(value)) throw KickApiError.invalidRequest(endpoint, `got broadcaster user id ${id}, too large for a JSON number`);
	return value;
}
