import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { KickApiClient } from '#lib/kick/api/KickApiClient';
import { KickOAuthClient } from '#lib/kick/api/KickOAuthClient';
import { createOAuthState, createPkcePair } from '#lib/kick/api/pkce';
import { KICK_DEMO_APP, kickDemoSeed } from '#test/kick-standin/demoSeed';
import { KickStandIn } from '#test/kick-standin/KickStandIn';

interface Received {
	readonly type: string;
	readonly payload: Record<string, any>;
}

const SCOPES = ['user:read', 'channel:read', 'chat:write', 'events:subscribe'];
const EVENTS = [
	'chat.message.sent',
	'channel.followed',
	'channel.subscription.new',
	'channel.subscription.renewal',
	'channel.subscription.gifts',
	'livestream.status.updated'
];

/**
 * The Kick stand-in's control API, driven over HTTP as a person with curl would, with this test as
 * the bot: it receives the webhooks, shows the authorisation link, and answers in chat when asked.
 */
describe('KickStandIn control API', function () {
	this.timeout(20_000);

	let kick: KickStandIn;
	let bot: Server;
	let botUrl: string;
	let received: Received[];
	let linkShown: string | undefined;
	let answerChat: ((content: string, messageId: string) => Promise<void>) | undefined;

	const control = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${kick.authUrl}/_control/${path}`, {
			method,
			...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
		});
		return { status: response.status, body: (await response.json()) as any };
	};
	const lastOf = (type: string) => [...received].reverse().find((event) => event.type === type)!.payload;

	before(async () => {
		received = [];
		// The bot's HTTP server: webhooks in, and the OAuth callback's page.
		bot = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				if (request.url?.startsWith('/kick/oauth/callback')) {
					response
						.writeHead(200, { 'content-type': 'text/html' })
						.end('<!doctype html><title>Linked</title><h1>Kick channel linked</h1><p>It&#39;s done.</p>');
					return;
				}
				const event = {
					type: String(request.headers['kick-event-type']),
					payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>
				};
				received.push(event);
				response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
				if (event.type === 'chat.message.sent') void answerChat?.(event.payload.content, event.payload.message_id);
			});
		});
		bot.listen(0, '127.0.0.1');
		await once(bot, 'listening');
		botUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}`;
		kick = await KickStandIn.start({
			seed: kickDemoSeed(`${botUrl}/kick/oauth/callback`),
			webhookUrl: `${botUrl}/kick/webhook`,
			timeoutMs: 1000,
			findAuthorizationLink: (endpoint) => (linkShown?.startsWith(endpoint) ? linkShown : undefined)
		});
	});

	after(async () => {
		await kick?.stop();
		bot?.close();
	});

	it('shows the demo world: the app, where webhooks go, the users with their channels', async () => {
		const { status, body } = await control('GET', 'state');
		expect(status).to.equal(200);
		expect(body.app).to.deep.equal({ clientId: KICK_DEMO_APP.clientId, redirectUris: [`${botUrl}/kick/oauth/callback`] });
		expect(body.webhookUrl).to.equal(`${botUrl}/kick/webhook`);
		expect(body.users.slice(0, 2).map((user: { username: string; slug: string }) => `${user.username} ${user.slug}`)).to.deep.equal([
			'AlphaStreamer alphastreamer',
			'BetaStreamer betastreamer'
		]);
		expect(body.subscriptions).to.deep.equal([]);
	});

	it('refuses events of a channel no server is linked to, as Kick would not deliver them', async () => {
		const { status, body } = await control('POST', 'chat', { channel: 'alphastreamer', sender: 'viewer_vic', content: 'hi' });
		expect(status).to.equal(400);
		expect(body.error).to.equal('Kick would not deliver chat.message.sent for AlphaStreamer: the app is not subscribed to it (subscribed: nothing)');
	});

	it('follows the newest authorisation link shown, as the given Kick user, then Kick’s redirect to the bot, and says what the page said', async () => {
		const missing = await control('POST', 'authorize', { user: 'AlphaStreamer' });
		expect(missing.status).to.equal(400);
		expect(missing.body.error).to.match(/^No authorisation link to follow: run \/kick connect <channel> first/);

		const oauth = new KickOAuthClient({ authUrl: kick.authUrl, clientId: KICK_DEMO_APP.clientId, clientSecret: KICK_DEMO_APP.clientSecret });
		const pkce = createPkcePair();
		const state = createOAuthState();
		linkShown = oauth.authorizeUrl({ redirectUri: `${botUrl}/kick/oauth/callback`, state, scopes: SCOPES, codeChallenge: pkce.challenge });
		const { status, body } = await control('POST', 'authorize', { user: 'AlphaStreamer' });
		expect(status).to.equal(200);
		expect(body.link).to.equal(linkShown);
		expect(body.status).to.equal(200);
		expect(body.page).to.equal("Kick channel linked It's done.");
		const redirect = new URL(body.redirect);
		expect(redirect.searchParams.get('state')).to.equal(state);

		// What the bot does next: the token, then the subscriptions that let the channel's events flow.
		const tokens = await oauth.exchangeCode({
			code: redirect.searchParams.get('code')!,
			redirectUri: `${botUrl}/kick/oauth/callback`,
			codeVerifier: pkce.verifier
		});
		const api = new KickApiClient({ apiUrl: kick.apiUrl });
		await api.subscribe(tokens.accessToken, { broadcasterUserId: kick.user('AlphaStreamer').userId, events: EVENTS });
		answerChat = async (content, messageId) => {
			if (content === '!ping') await api.sendChat(tokens.accessToken, { type: 'bot', content: 'pong', replyToMessageId: messageId });
		};
	});

	it('chats as a viewer with badges (names or Kick’s objects), and waits for the bot’s answer when asked', async () => {
		const { status, body } = await control('POST', 'chat', {
			channel: 'alphastreamer',
			sender: 'mod_mia',
			badges: ['moderator', { type: 'subscriber', count: 3 }],
			content: '!ping',
			waitForReply: true
		});
		expect(status).to.equal(200);
		expect(body.delivery).to.include({ status: 200, body: '{"status":"accepted"}' });
		const chat = lastOf('chat.message.sent');
		expect(chat.sender.username).to.equal('mod_mia');
		expect(chat.sender.identity.badges).to.deep.equal([
			{ type: 'moderator', text: 'Moderator' },
			{ type: 'subscriber', text: 'Subscriber', count: 3 }
		]);
		expect(body.reply).to.include({ channel: 'AlphaStreamer', content: 'pong', replyToMessageId: chat.message_id });

		const silent = await control('POST', 'chat', { channel: 'alphastreamer', sender: 'viewer_vic', content: '!nothing', waitForReply: true });
		expect(silent.status).to.equal(504);
		expect(silent.body.error).to.match(
			/^Timed out after 1000 ms waiting for the bot's answer in AlphaStreamer's chat \(unknown commands, refusals and cooldowns stay silent\)/
		);

		const log = await control('GET', 'chat?channel=alphastreamer');
		expect(log.body.map((message: { content: string }) => message.content)).to.deep.equal(['pong']);
	});

	it('goes live (with a title) and offline: the channel’s stream changes and livestream.status.updated is delivered', async () => {
		const live = await control('POST', 'live', { channel: 'alphastreamer', live: true, title: 'Bonus hunt #2' });
		expect(live.status).to.equal(200);
		expect(lastOf('livestream.status.updated')).to.include({ is_live: true, title: 'Bonus hunt #2', ended_at: null });
		expect(kick.user('AlphaStreamer').stream).to.include({ isLive: true, title: 'Bonus hunt #2' });

		await control('POST', 'live', { channel: 'alphastreamer', live: false });
		expect(lastOf('livestream.status.updated').is_live).to.equal(false);
		expect(kick.user('AlphaStreamer').stream.isLive).to.equal(false);
	});

	it('follows, subscribes (a first month is new, a later one a renewal) and gifts subs, by name or anonymously', async () => {
		await control('POST', 'follow', { channel: 'alphastreamer', follower: 'viewer_vic' });
		expect(lastOf('channel.followed').follower.username).to.equal('viewer_vic');

		await control('POST', 'subscribe', { channel: 'alphastreamer', subscriber: 'sub_sam' });
		expect(lastOf('channel.subscription.new')).to.deep.include({ duration: 1 });
		await control('POST', 'subscribe', { channel: 'alphastreamer', subscriber: 'sub_sam', months: 3 });
		expect(lastOf('channel.subscription.renewal')).to.deep.include({ duration: 3 });
		expect(lastOf('channel.subscription.renewal').subscriber.username).to.equal('sub_sam');

		await control('POST', 'gift', { channel: 'alphastreamer', gifter: 'sub_sam', giftees: ['viewer_vic', 'brand_new'] });
		const gifts = lastOf('channel.subscription.gifts');
		expect(gifts.gifter.username).to.equal('sub_sam');
		expect(gifts.giftees.map((giftee: { username: string }) => giftee.username)).to.deep.equal(['viewer_vic', 'brand_new']);
		await control('POST', 'gift', { channel: 'alphastreamer', giftees: ['viewer_vic'] });
		expect(lastOf('channel.subscription.gifts').gifter.is_anonymous).to.equal(true);
	});

	it('explains bad requests', async () => {
		expect((await control('POST', 'chat', { channel: 'alphastreamer' })).body.error).to.equal('Missing string field(s): sender, content');
		expect((await control('POST', 'live', { channel: 'alphastreamer', live: 'yes' })).body.error).to.equal('Expected "live": true or false');
		expect((await control('POST', 'gift', { channel: 'alphastreamer', giftees: [] })).body.error).to.equal(
			'Expected "giftees": ["username", …] (at least one)'
		);
		expect((await control('POST', 'follow', { channel: 'nobody_here', follower: 'viewer_vic' })).body.error).to.match(
			/^No Kick user nobody_here in the stand-in/
		);
		const unknown = await control('GET', 'nope');
		expect(unknown.status).to.equal(404);
		expect(unknown.body.error).to.match(/^Unknown control route GET \/_control\/nope; try GET \/_control\/state, POST \/_control\/authorize/);
	});
});
