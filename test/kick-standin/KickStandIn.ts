import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_TIMEOUT_MS } from '../discord-standin/waitFor.js';
import { API_PREFIX, apiRoutes } from './apiRoutes.js';
import { ChatLog } from './ChatLog.js';
import { ControlApi, type AuthorizationLinkFinder } from './ControlApi.js';
import {
	chatMessagePayload,
	followPayload,
	kicksGiftedPayload,
	livestreamStatusPayload,
	moderationBannedPayload,
	subscriptionGiftsPayload,
	subscriptionPayload,
	type KickBadgePayload
} from './eventPayloads.js';
import { KickDirectory, type KickStreamState, type KickUserRecord, type KickUserSeed } from './KickDirectory.js';
import { oauthRoutes, redirectWithCode } from './oauthRoutes.js';
import { RequestLog } from './RequestLog.js';
import { ApiError, type RouteHandler, type Routes, type StandInRequest, type StandInResponse } from './standInHttp.js';
import { SubscriptionStore, type EventSubscription } from './SubscriptionStore.js';
import { PusherServer } from './PusherServer.js';
import { OAuthError, TokenStore, type AuthorizeRequest, type KickApp, type KickAppSeed } from './TokenStore.js';
import { ulid } from './ulid.js';
import { WebhookSender, type WebhookDelivery, type WebhookTamper } from './WebhookSender.js';

export interface KickStandInSeed {
	readonly users?: readonly KickUserSeed[];
	readonly app?: KickAppSeed;
}

export interface KickStandInOptions {
	readonly seed?: KickStandInSeed;
	/** 0 (the default) picks a free port. The stand-in listens on 127.0.0.1 only. */
	readonly port?: number;
	/** Lifetime of access tokens; 3600 s by default. */
	readonly tokenLifetimeSeconds?: number;
	/** Where webhooks go, as the app's settings on Kick hold it; also `setWebhookUrl`. */
	readonly webhookUrl?: string;
	/** How long waiting helpers and webhook deliveries wait; 10 s by default. */
	readonly timeoutMs?: number;
	/** The chat socket's app key (KICK_PUSHER_KEY); Kick's current one by default. */
	readonly pusherKey?: string;
	/** Where `POST /_control/authorize` finds the newest authorisation link a person was shown, when it is not given one. */
	readonly findAuthorizationLink?: AuthorizationLinkFinder;
}

/** Which requests a control applies to: method and full path (`/public/v1/chat`); absent matches any. */
export interface RequestMatch {
	readonly method?: string;
	readonly path?: string;
	/** How many matching requests it applies to; 1 by default. */
	readonly count?: number;
}

export interface CannedAnswer extends RequestMatch {
	readonly status: number;
	/** JSON, or a string sent as text; Kick's `{ data: {}, message: <status text> }` by default. */
	readonly body?: unknown;
	readonly headers?: Readonly<Record<string, string>>;
}

export interface EventDelivery {
	/** A Kick event name, e.g. `chat.message.sent`. */
	readonly type: string;
	/** Username of the channel the event belongs to. */
	readonly broadcaster: string;
	readonly payload: unknown;
	/** Kick-Event-Message-Id; a new ULID by default (pass an earlier one to redeliver). */
	readonly messageId?: string;
	/** Kick-Event-Message-Timestamp (RFC 3339); the stand-in's now by default. */
	readonly timestamp?: string;
	readonly tamper?: WebhookTamper;
}

/** What the bot's webhook endpoint answered. */
export interface DeliveryResult {
	readonly status: number;
	/** The response headers the bot sent, names in lower case. */
	readonly headers: Readonly<Record<string, string>>;
	/** The response body the bot sent, as text. */
	readonly body: string;
	readonly messageId: string;
}

interface Intervention {
	readonly method: string | undefined;
	readonly path: string | undefined;
	remaining: number;
	readonly answer?: CannedAnswer;
	readonly delayMs?: number;
}

const DEFAULT_CLIENT_ID = '01STANDINKICKAPPCLIENT0000';
const DEFAULT_PUSHER_KEY = '32cbd69e4b950bf97679';

/**
 * A local stand-in for Kick's OAuth server (id.kick.com) and public API (api.kick.com/public/v1)
 * that the bot's Kick clients talk to over HTTP: seeded users and channels, PKCE, rotating refresh
 * tokens, chat, event subscriptions, signed webhook deliveries, a log of every request and
 * controls for failures.
 */
export class KickStandIn {
	public readonly requestLog: RequestLog;
	/** Chat messages the bot posted; `chat.waitFor(predicate)` waits for one. */
	public readonly chat: ChatLog;
	/** Every webhook delivered, tampered or not, in order. */
	public readonly webhookDeliveries: WebhookDelivery[] = [];
	public readonly app: KickApp;
	private readonly directory: KickDirectory;
	private readonly tokens: TokenStore;
	private readonly subscriptions: SubscriptionStore;
	private readonly webhooks = new WebhookSender();
	private readonly routes: Routes;
	private readonly server: Server;
	private readonly timeoutMs: number;
	private readonly interventions: Intervention[] = [];
	private readonly control: ControlApi;
	private webhookTarget: string | null;
	private clockOffsetMs = 0;
	private signedIn: KickUserRecord | null = null;
	private listeningPort: number | null = null;
	/** Kick's chat socket (Pusher protocol) on the same port, for the bot's fallback reader. */
	public readonly pusher: PusherServer;

	public constructor(private readonly options: KickStandInOptions = {}) {
		const now = () => this.now();
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.requestLog = new RequestLog(this.timeoutMs);
		this.chat = new ChatLog(this.timeoutMs);
		this.webhookTarget = options.webhookUrl ?? null;
		const appSeed = options.seed?.app ?? {};
		this.app = {
			clientId: appSeed.clientId ?? DEFAULT_CLIENT_ID,
			clientSecret: appSeed.clientSecret ?? randomBytes(24).toString('hex'),
			redirectUris: appSeed.redirectUris ?? null
		};
		this.directory = new KickDirectory(options.seed?.users ?? [], now);
		this.tokens = new TokenStore(this.app, now, options.tokenLifetimeSeconds ?? 3600);
		this.subscriptions = new SubscriptionStore(now);
		this.routes = {
			...oauthRoutes({ tokens: this.tokens, signedInUser: () => this.signedIn }),
			...apiRoutes({
				tokens: this.tokens,
				directory: this.directory,
				subscriptions: this.subscriptions,
				chat: this.chat,
				now,
				publicKeyPem: () => this.publicKeyPem
			})
		};
		this.server = createServer((request, response) => {
			this.onRequest(request, response).catch((error: unknown) => {
				if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end(`Kick stand-in failure: ${String(error)}`);
			});
		});
		this.pusher = PusherServer.attach({ key: options.pusherKey ?? DEFAULT_PUSHER_KEY, server: this.server });
		this.control = new ControlApi(this, options.findAuthorizationLink);
	}

	/** Creates a stand-in and starts listening. */
	public static async start(options: KickStandInOptions = {}): Promise<KickStandIn> {
		return new KickStandIn(options).listen();
	}

	public async listen(): Promise<this> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
		});
		this.listeningPort = (this.server.address() as AddressInfo).port;
		return this;
	}

	public async stop(): Promise<void> {
		await this.pusher.stop();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** The HTTP server itself: the chat socket (PusherServer.ts) attaches to its 'upgrade' event. */
	public get httpServer(): Server {
		return this.server;
	}

	public get port(): number {
		if (this.listeningPort === null) throw new Error('The Kick stand-in is not listening; call listen() or KickStandIn.start()');
		return this.listeningPort;
	}

	/** The value for KickOAuthClient's `authUrl` (Kick's https://id.kick.com). */
	public get authUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** The value for KickApiClient's `apiUrl` (Kick's https://api.kick.com/public/v1). */
	public get apiUrl(): string {
		return `http://127.0.0.1:${this.port}${API_PREFIX}`;
	}

	/** The key webhooks are signed with (served at GET /public/v1/public-key). */
	public get publicKeyPem(): string {
		return this.webhooks.publicKeyPem;
	}

	/** The stand-in's clock: real time plus what `advanceClock` added. */
	public now(): number {
		return Date.now() + this.clockOffsetMs;
	}

	/** Moves the stand-in's clock: tokens and codes expire, webhook timestamps move. */
	public advanceClock(ms: number): void {
		this.clockOffsetMs += ms;
	}

	// Users and channels

	/** A seeded user (by username, slug or id), with their channel's stream state. */
	public user(nameOrId: string): KickUserRecord {
		return this.directory.get(nameOrId);
	}

	public addUser(seed: KickUserSeed): KickUserRecord {
		return this.directory.add(seed);
	}

	/** Every user the stand-in knows, seeded or added as a viewer, in order. */
	public users(): readonly KickUserRecord[] {
		return this.directory.all();
	}

	/** Changes what GET /channels reports of a channel's stream; going live sets the start time to now. */
	public setStream(username: string, change: Partial<Omit<KickStreamState, 'startedAt'>>): void {
		const { stream } = this.directory.get(username);
		if (change.isLive === true && !stream.isLive) stream.startedAt = new Date(this.now());
		if (change.isLive === false) stream.startedAt = null;
		Object.assign(stream, change);
	}

	// OAuth

	/** The user a browser visiting GET /oauth/authorize is signed in as (it consents at once). */
	public signIn(username: string): void {
		this.signedIn = this.directory.get(username);
	}

	/**
	 * The consenting user's browser, without a browser: checks the authorize URL as Kick does and
	 * returns where Kick would redirect it (redirect_uri with `code` and `state`).
	 */
	public async consent(authorizeUrl: string, asUser: string): Promise<string> {
		const request = this.authorizeRequestOf(authorizeUrl);
		return redirectWithCode(request.redirectUri, this.tokens.issueCode(request, this.directory.get(asUser)), request.state);
	}

	/** The user refuses: the redirect carries `error=access_denied` and the state. */
	public async deny(authorizeUrl: string): Promise<string> {
		const request = this.authorizeRequestOf(authorizeUrl);
		const url = new URL(request.redirectUri);
		url.searchParams.set('error', 'access_denied');
		url.searchParams.set('error_description', 'The resource owner or authorization server denied the request.');
		url.searchParams.set('state', request.state);
		return url.toString();
	}

	/** The access tokens of a user that still work. */
	public activeTokensOf(username: string): string[] {
		return this.tokens.activeTokensOf(this.directory.get(username)).map((issued) => issued.accessToken);
	}

	public expireAccessToken(accessToken: string): void {
		this.tokens.expireAccessToken(accessToken);
	}

	public expireAccessTokensOf(username: string): void {
		this.tokens.expireAccessTokensOf(this.directory.get(username));
	}

	/** The user's next refresh fails (400 invalid_grant) and their grant ends, as when they disconnect the app on Kick. */
	public refuseRefreshFor(username: string): void {
		this.tokens.refuseNextRefresh(this.directory.get(username));
	}

	// Failures

	/** The next matching requests get this answer instead of being handled (nothing changes). */
	public answerNext(answer: CannedAnswer): void {
		this.interventions.push({ method: answer.method, path: answer.path, remaining: answer.count ?? 1, answer });
	}

	/** The next chat sends fail with `status` (500 by default), e.g. 429 with a Retry-After to test throttling. */
	public failChatNext(failure: { readonly count?: number; readonly status?: number; readonly retryAfterSeconds?: number } = {}): void {
		this.answerNext({
			method: 'POST',
			path: `${API_PREFIX}/chat`,
			count: failure.count,
			status: failure.status ?? 500,
			...(failure.retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(failure.retryAfterSeconds) } })
		});
	}

	/** The next matching requests are answered `ms` later (handled as usual). */
	public delayNext(delay: RequestMatch & { readonly ms: number }): void {
		this.interventions.push({ method: delay.method, path: delay.path, remaining: delay.count ?? 1, delayMs: delay.ms });
	}

	// Event subscriptions and webhooks

	/** The app's subscriptions, optionally for one channel (by username). */
	public subscriptionsOf(broadcaster?: string): EventSubscription[] {
		return this.subscriptions.list(this.app.clientId, broadcaster === undefined ? undefined : this.directory.get(broadcaster).userId);
	}

	/** Where webhooks go (the app's setting on Kick); null when none is set. */
	public get webhookUrl(): string | null {
		return this.webhookTarget;
	}

	public setWebhookUrl(url: string | null): void {
		this.webhookTarget = url;
	}

	/**
	 * POSTs an event to the webhook URL as Kick does: Kick's headers, signed RSA-SHA256 over
	 * `${messageId}.${timestamp}.${body}`. Throws when the bot did not subscribe the app to this
	 * event for this channel, since Kick would not deliver it.
	 */
	public async deliverEvent(event: EventDelivery): Promise<DeliveryResult> {
		const broadcaster = this.directory.get(event.broadcaster);
		const subscription = this.subscriptions.find(this.app.clientId, broadcaster.userId, event.type);
		if (!subscription) {
			const held = this.subscriptionsOf(event.broadcaster).map((held) => held.event);
			throw new Error(
				`Kick would not deliver ${event.type} for ${broadcaster.username}: the app is not subscribed to it (subscribed: ${held.join(', ') || 'nothing'})`
			);
		}
		if (this.webhookTarget === null) throw new Error('Kick would not deliver events: the app has no webhook URL (options.webhookUrl or setWebhookUrl)');
		const delivery = await this.webhooks.send({
			url: this.webhookTarget,
			type: event.type,
			version: subscription.version,
			messageId: event.messageId ?? ulid(this.now()),
			subscriptionId: subscription.id,
			timestamp: event.timestamp ?? new Date(this.now()).toISOString(),
			body: JSON.stringify(event.payload),
			tamper: event.tamper ?? null,
			timeoutMs: this.timeoutMs
		});
		this.webhookDeliveries.push(delivery);
		return { status: delivery.status, headers: delivery.responseHeaders, body: delivery.responseBody, messageId: delivery.messageId };
	}

	/**
	 * Signs any body text with Kick's key and POSTs it, as a compromised or buggy Kick would: no
	 * subscription is needed and nothing is checked, so tests can send hostile bodies and headers.
	 */
	public async deliverSignedBody(delivery: {
		readonly type: string;
		readonly body: string;
		readonly messageId?: string;
		readonly timestamp?: string;
	}): Promise<DeliveryResult> {
		if (this.webhookTarget === null) throw new Error('Kick would not deliver events: the app has no webhook URL (options.webhookUrl or setWebhookUrl)');
		const sent = await this.webhooks.send({
			url: this.webhookTarget,
			type: delivery.type,
			version: 1,
			messageId: delivery.messageId ?? ulid(this.now()),
			subscriptionId: ulid(this.now()),
			timestamp: delivery.timestamp ?? new Date(this.now()).toISOString(),
			body: delivery.body,
			tamper: null,
			timeoutMs: this.timeoutMs
		});
		this.webhookDeliveries.push(sent);
		return { status: sent.status, headers: sent.responseHeaders, body: sent.responseBody, messageId: sent.messageId };
	}

	/** A viewer writes in a channel's chat: delivers chat.message.sent and returns the payload too. */
	public async chatAs(message: {
		readonly broadcaster: string;
		readonly sender: string;
		readonly content: string;
		readonly badges?: readonly KickBadgePayload[];
	}): Promise<DeliveryResult & { readonly payload: ReturnType<typeof chatMessagePayload> }> {
		const payload = this.chatMessagePayload(message);
		return { ...(await this.deliverEvent({ type: 'chat.message.sent', broadcaster: message.broadcaster, payload })), payload };
	}

	// Payloads as Kick documents them (events/event-types.md); unknown senders become new viewers.

	public chatMessagePayload(message: {
		readonly broadcaster: string;
		readonly sender: string;
		readonly content: string;
		readonly badges?: readonly KickBadgePayload[];
		readonly repliesTo?: { readonly messageId: string; readonly content: string; readonly sender: string };
		readonly messageId?: string;
	}) {
		return chatMessagePayload({
			broadcaster: this.directory.get(message.broadcaster),
			sender: this.directory.getOrAddViewer(message.sender),
			content: message.content,
			badges: message.badges,
			repliesTo: message.repliesTo && { ...message.repliesTo, sender: this.directory.getOrAddViewer(message.repliesTo.sender) },
			messageId: message.messageId,
			createdAt: new Date(this.now())
		});
	}

	public followPayload(follow: { readonly broadcaster: string; readonly follower: string }) {
		return followPayload({ broadcaster: this.directory.get(follow.broadcaster), follower: this.directory.getOrAddViewer(follow.follower) });
	}

	/** channel.subscription.new: a first month by default. */
	public subscriptionNewPayload(subscription: { readonly broadcaster: string; readonly subscriber: string; readonly duration?: number }) {
		return this.subscription(subscription.broadcaster, subscription.subscriber, subscription.duration ?? 1);
	}

	public subscriptionRenewalPayload(subscription: { readonly broadcaster: string; readonly subscriber: string; readonly duration: number }) {
		return this.subscription(subscription.broadcaster, subscription.subscriber, subscription.duration);
	}

	/** channel.subscription.gifts; a null gifter is anonymous. */
	public subscriptionGiftsPayload(gifts: { readonly broadcaster: string; readonly gifter: string | null; readonly giftees: readonly string[] }) {
		return subscriptionGiftsPayload({
			broadcaster: this.directory.get(gifts.broadcaster),
			gifter: gifts.gifter === null ? null : this.directory.getOrAddViewer(gifts.gifter),
			giftees: gifts.giftees.map((giftee) => this.directory.getOrAddViewer(giftee)),
			createdAt: new Date(this.now()),
			expiresAt: new Date(this.now() + 30 * 24 * 3600 * 1000)
		});
	}

	/** livestream.status.updated; the title defaults to the channel's, the times to its stream and now. */
	public livestreamStatusPayload(status: { readonly broadcaster: string; readonly isLive: boolean; readonly title?: string }) {
		const broadcaster = this.directory.get(status.broadcaster);
		const now = new Date(this.now());
		return livestreamStatusPayload({
			broadcaster,
			isLive: status.isLive,
			title: status.title ?? broadcaster.stream.title,
			startedAt: broadcaster.stream.startedAt ?? now,
			endedAt: status.isLive ? null : now
		});
	}

	/** moderation.banned; permanent unless `expiresAt` is given. */
	public moderationBannedPayload(ban: {
		readonly broadcaster: string;
		readonly moderator: string;
		readonly bannedUser: string;
		readonly reason?: string;
		readonly expiresAt?: Date | null;
	}) {
		return moderationBannedPayload({
			broadcaster: this.directory.get(ban.broadcaster),
			moderator: this.directory.getOrAddViewer(ban.moderator),
			bannedUser: this.directory.getOrAddViewer(ban.bannedUser),
			reason: ban.reason ?? '',
			createdAt: new Date(this.now()),
			expiresAt: ban.expiresAt ?? null
		});
	}

	public kicksGiftedPayload(gift: {
		readonly broadcaster: string;
		readonly sender: string;
		readonly amount: number;
		readonly name?: string;
		readonly message?: string;
	}) {
		return kicksGiftedPayload({
			broadcaster: this.directory.get(gift.broadcaster),
			sender: this.directory.getOrAddViewer(gift.sender),
			amount: gift.amount,
			name: gift.name ?? 'Rage Quit',
			type: 'LEVEL_UP',
			tier: 'MID',
			message: gift.message ?? '',
			pinnedTimeSeconds: 600,
			createdAt: new Date(this.now())
		});
	}

	private subscription(broadcaster: string, subscriber: string, duration: number) {
		const now = this.now();
		return subscriptionPayload({
			broadcaster: this.directory.get(broadcaster),
			subscriber: this.directory.getOrAddViewer(subscriber),
			duration,
			createdAt: new Date(now),
			expiresAt: new Date(now + 30 * 24 * 3600 * 1000)
		});
	}

	private authorizeRequestOf(authorizeUrl: string): AuthorizeRequest {
		const url = new URL(authorizeUrl);
		const endpoint = `${this.authUrl}/oauth/authorize`;
		if (`${url.origin}${url.pathname}` !== endpoint) throw new Error(`${authorizeUrl} is not the stand-in's authorize endpoint ${endpoint}`);
		try {
			return this.tokens.parseAuthorizeRequest(url.searchParams);
		} catch (error) {
			if (error instanceof OAuthError) throw new Error(`Kick would refuse this authorize URL: ${error.message}`);
			throw error;
		}
	}

	private async onRequest(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
		const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
		// A person acting as Kick, not a client of Kick: neither logged nor subject to the failure controls.
		if (url.pathname.startsWith('/_control/')) return this.control.handle(incoming, outgoing, url);
		const method = incoming.method ?? 'GET';
		const raw = await readBody(incoming);
		const headers = Object.fromEntries(
			Object.entries(incoming.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')])
		);
		const contentType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
		const parsed = parseBody(raw, contentType);
		const request: StandInRequest = { method, path: url.pathname, query: url.searchParams, headers, body: parsed.body, contentType };

		const intervention = this.takeIntervention(method, url.pathname);
		if (intervention?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, intervention.delayMs));
		let response: StandInResponse;
		if (intervention?.answer !== undefined) response = cannedResponse(intervention.answer);
		else if (parsed.error !== null) response = new ApiError(400, 'Bad request', parsed.error).toResponse();
		else response = this.handle(request);

		if (!outgoing.destroyed) writeResponse(outgoing, response);
		this.requestLog.record({
			method,
			path: url.pathname,
			query: queryRecord(url.searchParams),
			headers,
			body: parsed.body,
			status: response.status,
			response: response.json ?? response.text ?? null,
			at: Date.now()
		});
	}

	private handle(request: StandInRequest): StandInResponse {
		const byMethod = this.routes[request.path];
		const handler: RouteHandler | undefined = byMethod?.[request.method];
		if (!byMethod) return new ApiError(404, 'Not found').toResponse();
		if (!handler) return new ApiError(405, 'Method not allowed').toResponse();
		try {
			return handler(request);
		} catch (error) {
			if (error instanceof ApiError) return error.toResponse();
			return new ApiError(500, 'Internal server error', `stand-in failure: ${error instanceof Error ? error.message : String(error)}`).toResponse();
		}
	}

	private takeIntervention(method: string, path: string): Intervention | undefined {
		const index = this.interventions.findIndex((candidate) => (candidate.method ?? method) === method && (candidate.path ?? path) === path);
		if (index === -1) return undefined;
		const intervention = this.interventions[index]!;
		if (--intervention.remaining === 0) this.interventions.splice(index, 1);
		return intervention;
	}
}

function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		request.on('error', reject);
	});
}

function parseBody(raw: string, contentType: string): { body: unknown; error: string | null } {
	if (raw === '') return { body: null, error: null };
	if (contentType === 'application/x-www-form-urlencoded') return { body: Object.fromEntries(new URLSearchParams(raw)), error: null };
	if (contentType !== 'application/json') return { body: raw, error: null };
	try {
		return { body: JSON.parse(raw) as unknown, error: null };
	} catch {
		return { body: raw, error: 'the body is not valid JSON' };
	}
}

function cannedResponse({ status, body, headers }: CannedAnswer): StandInResponse {
	if (typeof body === 'string') return { status, text: body, headers };
	return { status, json: body ?? { data: {}, message: STATUS_CODES[status] ?? 'Error' }, headers };
}

function writeResponse(outgoing: ServerResponse, response: StandInResponse): void {
	const headers: Record<string, string> = { ...response.headers };
	let payload: string | undefined;
	if (response.json !== undefined) {
		headers['content-type'] = 'application/json';
		payload = JSON.stringify(response.json);
	} else if (response.text !== undefined) {
		headers['content-type'] = 'text/plain; charset=utf-8';
		payload = response.text;
	}
	outgoing.writeHead(response.status, headers);
	outgoing.end(payload);
}

function queryRecord(query: URLSearchParams): Record<string, string[]> {
	const record: Record<string, string[]> = {};
	for (const [name, value] of query) (record[name] ??= []).push(value);
	return record;
}
