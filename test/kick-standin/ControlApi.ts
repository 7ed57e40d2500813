import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, writeJson } from '../discord-standin/RestApi.js';
import type { RestResponse } from '../discord-standin/Router.js';
import type { KickBadgePayload } from './eventPayloads.js';
import type { DeliveryResult, KickStandIn } from './KickStandIn.js';

/** Where the control API looks for the newest authorisation link a person was shown (the Discord stand-in, when both run). */
export type AuthorizationLinkFinder = (authorizeEndpoint: string) => string | undefined;

/** How Kick writes the badges people are given with `"badges": ["moderator", …]`. */
const BADGE_TEXTS: Readonly<Record<string, string>> = {
	broadcaster: 'Broadcaster',
	moderator: 'Moderator',
	vip: 'VIP',
	og: 'OG',
	founder: 'Founder',
	subscriber: 'Subscriber',
	sub_gifter: 'Sub Gifter',
	verified: 'Verified',
	staff: 'Staff'
};

const ROUTES = [
	'GET /_control/state',
	'POST /_control/authorize',
	'POST /_control/chat',
	'GET /_control/chat',
	'POST /_control/live',
	'POST /_control/follow',
	'POST /_control/subscribe',
	'POST /_control/gift',
	'GET /_control/log'
];

/**
 * `/_control/...` on the Kick stand-in's port: lets a person act as Kick with curl while a bot runs
 * against it (viewers chatting with badges, going live, follows, subs, gifted subs, the streamer's
 * consent) and read what the bot posted in Kick chat. Events reach the bot as Kick's signed webhooks,
 * so a channel's events flow once a server is linked to it.
 */
export class ControlApi {
	public constructor(
		private readonly kick: KickStandIn,
		private readonly findAuthorizationLink: AuthorizationLinkFinder | undefined
	) {}

	public async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
		let answer: RestResponse;
		try {
			answer = await this.answer(`${request.method ?? 'GET'} ${url.pathname}`, url, request);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			answer = { status: message.startsWith('Timed out') ? 504 : 400, body: { error: message } };
		}
		writeJson(response, answer);
	}

	private async answer(route: string, url: URL, request: IncomingMessage): Promise<RestResponse> {
		switch (route) {
			case 'GET /_control/state':
				return { status: 200, body: this.describeState() };
			case 'GET /_control/log':
				return { status: 200, body: this.kick.requestLog.all().slice(Number(url.searchParams.get('from') ?? 0)) };
			case 'GET /_control/chat': {
				const channel = url.searchParams.get('channel');
				const messages = this.kick.chat.list(channel === null ? undefined : this.kick.user(channel).username);
				return { status: 200, body: messages.slice(Number(url.searchParams.get('from') ?? 0)) };
			}
			case 'POST /_control/authorize':
				return { status: 200, body: await this.authorize(await jsonBody(request)) };
			case 'POST /_control/chat':
				return { status: 200, body: await this.chat(await jsonBody(request)) };
			case 'POST /_control/live':
				return { status: 200, body: await this.live(await jsonBody(request)) };
			case 'POST /_control/follow': {
				const { channel, follower } = requireStrings(await jsonBody(request), ['channel', 'follower']);
				return { status: 200, body: await this.deliver('channel.followed', channel, this.kick.followPayload({ broadcaster: channel, follower })) };
			}
			case 'POST /_control/subscribe': {
				const body = await jsonBody(request);
				const { channel, subscriber } = requireStrings(body, ['channel', 'subscriber']);
				const months = optionalPositiveInteger(body, 'months') ?? 1;
				// Kick sends a first month as new, any later one as a renewal.
				return months === 1
					? {
							status: 200,
							body: await this.deliver(
								'channel.subscription.new',
								channel,
								this.kick.subscriptionNewPayload({ broadcaster: channel, subscriber })
							)
						}
					: {
							status: 200,
							body: await this.deliver(
								'channel.subscription.renewal',
								channel,
								this.kick.subscriptionRenewalPayload({ broadcaster: channel, subscriber, duration: months })
							)
						};
			}
			case 'POST /_control/gift': {
				const body = await jsonBody(request);
				const { channel } = requireStrings(body, ['channel']);
				const giftees = body.giftees;
				if (!Array.isArray(giftees) || giftees.length === 0 || !giftees.every((giftee) => typeof giftee === 'string')) {
					throw new Error('Expected "giftees": ["username", …] (at least one)');
				}
				if (body.gifter !== undefined && body.gifter !== null && typeof body.gifter !== 'string')
					throw new Error('Expected "gifter" as a username, or null for an anonymous gift');
				const gifter = typeof body.gifter === 'string' ? body.gifter : null;
				return {
					status: 200,
					body: await this.deliver(
						'channel.subscription.gifts',
						channel,
						this.kick.subscriptionGiftsPayload({ broadcaster: channel, gifter, giftees })
					)
				};
			}
			default:
				return { status: 404, body: { error: `Unknown control route ${route}; try ${ROUTES.join(', ')}` } };
		}
	}

	/** A browser (a streamer's, or a member's linking their account): follows the authorisation link as a Kick user, then Kick's redirect back. */
	private async authorize(body: Record<string, unknown>) {
		const { user } = requireStrings(body, ['user']);
		const endpoint = `${this.kick.authUrl}/oauth/authorize`;
		const given = body.url;
		if (given !== undefined && typeof given !== 'string')
			throw new Error('Expected "url" as the authorisation link (or leave it out for the newest one shown)');
		const link = given ?? this.findAuthorizationLink?.(endpoint);
		if (link === undefined)
			throw new Error(
				`No authorisation link to follow: run /kick connect <channel> first (or click “Link Kick account” as a member), or pass "url" (a link to ${endpoint})`
			);
		const redirect = await this.kick.consent(link, user);
		let page: Response;
		try {
			page = await fetch(redirect, { redirect: 'manual' });
		} catch (error) {
			throw new Error(
				`Kick redirected to ${redirect}, which did not answer (${(error as Error).message}): is the bot running with the printed variables?`
			);
		}
		return { link, redirect, status: page.status, page: pageText(await page.text()) };
	}

	private async chat(body: Record<string, unknown>) {
		const { channel, sender, content } = requireStrings(body, ['channel', 'sender', 'content']);
		const badges = readBadges(body.badges);
		const from = this.kick.chat.mark();
		const delivered = await this.kick.chatAs({ broadcaster: channel, sender, content, badges });
		const result = { delivery: deliveryJson(delivered), messageId: delivered.payload.message_id };
		if (body.waitForReply !== true) return result;
		const owner = this.kick.user(channel).username;
		const reply = await this.kick.chat.waitFor((message) => message.channel === owner, {
			from,
			description: `the bot's answer in ${owner}'s chat (unknown commands, refusals and cooldowns stay silent)`
		});
		return { ...result, reply };
	}

	private async live(body: Record<string, unknown>) {
		const { channel } = requireStrings(body, ['channel']);
		if (typeof body.live !== 'boolean') throw new Error('Expected "live": true or false');
		if (body.title !== undefined && typeof body.title !== 'string') throw new Error('Expected "title" as text');
		const title = body.title;
		this.kick.setStream(channel, { isLive: body.live, ...(title === undefined ? {} : { title }) });
		return this.deliver(
			'livestream.status.updated',
			channel,
			this.kick.livestreamStatusPayload({ broadcaster: channel, isLive: body.live, ...(title === undefined ? {} : { title }) })
		);
	}

	private async deliver(type: string, channel: string, payload: unknown) {
		return { delivery: deliveryJson(await this.kick.deliverEvent({ type, broadcaster: channel, payload })) };
	}

	private describeState() {
		return {
			app: { clientId: this.kick.app.clientId, redirectUris: this.kick.app.redirectUris },
			webhookUrl: this.kick.webhookUrl,
			users: this.kick.users().map((user) => ({
				username: user.username,
				userId: user.userId,
				slug: user.slug,
				channelId: user.channelId,
				chatroomId: user.chatroomId,
				live: user.stream.isLive,
				streamTitle: user.stream.title
			})),
			subscriptions: this.kick.subscriptionsOf().map((subscription) => ({
				channel: this.kick.user(subscription.broadcasterUserId).username,
				event: subscription.event,
				id: subscription.id
			}))
		};
	}
}

async function jsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
	const raw = (await readBody(request)).toString('utf8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw || '{}');
	} catch {
		throw new Error('The body must be JSON');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('The body must be a JSON object');
	return parsed as Record<string, unknown>;
}

function requireStrings<Name extends string>(body: Record<string, unknown>, names: readonly Name[]): Record<Name, string> {
	const missing = names.filter((name) => typeof body[name] !== 'string');
	if (missing.length > 0) throw new Error(`Missing string field(s): ${missing.join(', ')}`);
	return body as Record<Name, string>;
}

function optionalPositiveInteger(body: Record<string, unknown>, name: string): number | undefined {
	const value = body[name];
	if (value === undefined) return undefined;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`Expected "${name}" as a whole number from 1`);
	return value;
}

/** `["moderator", "subscriber"]` or Kick's own `[{ "type": "subscriber", "text": "Subscriber", "count": 3 }]`. */
function readBadges(value: unknown): KickBadgePayload[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) throw new Error('Expected "badges" as a list, e.g. ["moderator"] or [{"type":"subscriber","text":"Subscriber","count":3}]');
	return value.map((badge: unknown) => {
		if (typeof badge === 'string') return { type: badge, text: BADGE_TEXTS[badge] ?? badge };
		const record = (badge ?? {}) as Record<string, unknown>;
		if (typeof record.type !== 'string') throw new Error(`A badge needs a "type": ${JSON.stringify(badge)}`);
		return {
			type: record.type,
			text: typeof record.text === 'string' ? record.text : (BADGE_TEXTS[record.type] ?? record.type),
			...(typeof record.count === 'number' ? { count: record.count } : {})
		};
	});
}

/** What the bot's webhook endpoint answered. */
function deliveryJson(delivery: DeliveryResult) {
	return { status: delivery.status, body: delivery.body, messageId: delivery.messageId };
}

/** The words of a small HTML page, as a person reads it. */
function pageText(html: string): string {
	return html
		.replace(/<title>.*?<\/title>/s, '')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&#(\d+);/g, (_entity, code: string) => String.fromCharCode(Number(code)))
		.replace(/\s+/g, ' ')
		.trim();
}
