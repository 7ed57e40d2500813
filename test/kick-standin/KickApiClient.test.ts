import { expect } from 'chai';
import { verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KickApiClient } from '#lib/kick/api/KickApiClient';
import { KickApiError } from '#lib/kick/api/KickApiError';
import { KickOAuthClient, type KickTokenSet } from '#lib/kick/api/KickOAuthClient';
import { createOAuthState, createPkcePair } from '#lib/kick/api/pkce';
import { rejection } from '#test/helpers/rejection';
import { KickStandIn } from '#test/kick-standin/KickStandIn';

const REDIRECT_URI = 'http://127.0.0.1:8080/kick/oauth/callback';
const CLIENT_CLOCK = Date.parse('2026-03-01T12:00:00Z');
const STREAMER_SCOPES = ['user:read', 'channel:read', 'chat:write', 'events:subscribe'];

async function kickError(promise: Promise<unknown>): Promise<KickApiError> {
	const error = await rejection(promise);
	expect(error).to.be.instanceOf(KickApiError);
	return error as KickApiError;
}

describe('Kick API client against the Kick stand-in', () => {
	let standIn: KickStandIn;
	let oauth: KickOAuthClient;
	let api: KickApiClient;

	function authorizeUrl(scopes: readonly string[], codeChallenge: string, state = createOAuthState()): string {
		return oauth.authorizeUrl({ redirectUri: REDIRECT_URI, state, scopes, codeChallenge });
	}

	/** The bot's OAuth flow up to the token: authorize URL, the user's consent, code exchange. */
	async function connect(username: string, scopes: readonly string[] = STREAMER_SCOPES): Promise<KickTokenSet> {
		const pkce = createPkcePair();
		const redirect = new URL(await standIn.consent(authorizeUrl(scopes, pkce.challenge), username));
		return oauth.exchangeCode({ code: redirect.searchParams.get('code')!, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier });
	}

	before(async () => {
		standIn = await KickStandIn.start({
			seed: {
				app: { clientId: 'bot-client', clientSecret: 'bot-secret', redirectUris: [REDIRECT_URI] },
				users: [
					{
						username: 'GamblerJoe',
						userId: 4242,
						isLive: true,
						streamTitle: 'Bonus hunt',
						category: { id: 28, name: 'Slots & Casino' },
						viewerCount: 1234
					},
					{ username: 'viewer_anna', userId: 5151 }
				]
			}
		});
		oauth = new KickOAuthClient({ authUrl: standIn.authUrl, clientId: 'bot-client', clientSecret: 'bot-secret', now: () => CLIENT_CLOCK });
		api = new KickApiClient({ apiUrl: standIn.apiUrl });
	});

	after(async () => {
		await standIn?.stop();
	});

	describe('OAuth', () => {
		it('builds an S256 authorize URL and exchanges the code with the right verifier for a token set', async () => {
			const pkce = createPkcePair();
			expect(pkce.verifier).to.match(/^[A-Za-z0-9_-]{43,128}$/);
			const state = createOAuthState();
			const url = new URL(authorizeUrl(['user:read', 'chat:write'], pkce.challenge, state));
			expect(`${url.origin}${url.pathname}`).to.equal(`${standIn.authUrl}/oauth/authorize`);
			expect(Object.fromEntries(url.searchParams)).to.deep.equal({
				response_type: 'code',
				client_id: 'bot-client',
				redirect_uri: REDIRECT_URI,
				scope: 'user:read chat:write',
				code_challenge: pkce.challenge,
				code_challenge_method: 'S256',
				state
			});

			const redirect = new URL(await standIn.consent(url.toString(), 'GamblerJoe'));
			expect(`${redirect.origin}${redirect.pathname}`).to.equal(REDIRECT_URI);
			expect(redirect.searchParams.get('state')).to.equal(state);
			const from = standIn.requestLog.mark();
			const tokens = await oauth.exchangeCode({ code: redirect.searchParams.get('code')!, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier });

			expect(tokens.accessToken).to.be.a('string').and.not.equal('');
			expect(tokens.refreshToken).to.be.a('string').and.not.equal('');
			expect(tokens).to.deep.include({ scopes: ['user:read', 'chat:write'], tokenType: 'Bearer', expiresAt: new Date(CLIENT_CLOCK + 3600 * 1000) });
			const [call] = standIn.requestLog.filter((request) => request.path === '/oauth/token', from);
			expect(call?.headers['content-type']).to.equal('application/x-www-form-urlencoded');
			expect(call?.body).to.deep.include({
				grant_type: 'authorization_code',
				client_id: 'bot-client',
				client_secret: 'bot-secret',
				redirect_uri: REDIRECT_URI,
				code_verifier: pkce.verifier
			});
		});

		it('gets the code the same way through GET /oauth/authorize for the signed-in user', async () => {
			standIn.signIn('viewer_anna');
			const pkce = createPkcePair();
			const response = await fetch(authorizeUrl(['user:read'], pkce.challenge, 'browser-state'), { redirect: 'manual' });
			expect(response.status).to.equal(302);
			const redirect = new URL(response.headers.get('location')!);
			expect(redirect.searchParams.get('state')).to.equal('browser-state');
			const tokens = await oauth.exchangeCode({ code: redirect.searchParams.get('code')!, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier });
			expect((await api.currentUser(tokens.accessToken)).name).to.equal('viewer_anna');
		});

		it('refuses an authorize URL Kick would refuse, and reports a denial to the redirect URI', async () => {
			const challenge = createPkcePair().challenge;
			expect(((await rejection(standIn.consent(authorizeUrl(['chat:read'], challenge), 'GamblerJoe'))) as Error).message).to.include(
				'unknown: chat:read'
			);
			const otherRedirect = oauth.authorizeUrl({
				redirectUri: 'https://elsewhere.example/callback',
				state: 's',
				scopes: ['user:read'],
				codeChallenge: challenge
			});
			expect(((await rejection(standIn.consent(otherRedirect, 'GamblerJoe'))) as Error).message).to.include('is not one of the app’s');
			const endpoint = await fetch(otherRedirect, { redirect: 'manual' });
			expect(endpoint.status).to.equal(400);
			expect(await endpoint.json()).to.have.property('error', 'Invalid request');

			const denied = new URL(await standIn.deny(authorizeUrl(['user:read'], challenge, 'deny-state')));
			expect(denied.searchParams.get('error')).to.equal('access_denied');
			expect(denied.searchParams.get('state')).to.equal('deny-state');
		});

		it('refuses a wrong PKCE verifier as invalid_grant (400, not retryable), and spends the code', async () => {
			const pkce = createPkcePair();
			const redirect = new URL(await standIn.consent(authorizeUrl(['user:read'], pkce.challenge), 'GamblerJoe'));
			const code = redirect.searchParams.get('code')!;

			const wrong = await kickError(oauth.exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: createPkcePair().verifier }));
			expect(wrong).to.include({ status: 400, retryable: false, endpoint: 'POST /oauth/token' });
			expect(wrong.kickMessage).to.match(/^invalid_grant: .*PKCE code challenge did not match/);
			expect(wrong.message).to.match(/^Kick refused POST \/oauth\/token to exchange an authorization code \(400 Bad Request: invalid_grant: /);

			const again = await kickError(oauth.exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier }));
			expect(again).to.include({ status: 400, retryable: false });
			expect(again.kickMessage).to.include('already been used');
		});

		it('rotates refresh tokens: the new pair works, the old refresh token is refused', async () => {
			const first = await connect('GamblerJoe');
			const second = await oauth.refresh(first.refreshToken!);
			expect(second.accessToken).to.not.equal(first.accessToken);
			expect(second.refreshToken).to.not.equal(first.refreshToken);
			expect(second.scopes).to.deep.equal(STREAMER_SCOPES);
			expect((await api.currentUser(second.accessToken)).userId).to.equal('4242');

			const reused = await kickError(oauth.refresh(first.refreshToken!));
			expect(reused).to.include({ status: 400, retryable: false });
			expect(reused.kickMessage).to.match(/^invalid_grant: /);
			expect(reused.message).to.include('to refresh a token');
			expect(await oauth.refresh(second.refreshToken!)).to.have.property('accessToken');
		});

		it('surfaces a refused refresh (the user disconnected the app) as a non-retryable 400, for good', async () => {
			const tokens = await connect('viewer_anna', ['user:read']);
			standIn.refuseRefreshFor('viewer_anna');
			const refused = await kickError(oauth.refresh(tokens.refreshToken!));
			expect(refused).to.include({ status: 400, retryable: false });
			expect(refused.kickMessage).to.match(/^invalid_grant: /);
			expect(await kickError(oauth.refresh(tokens.refreshToken!))).to.include({ status: 400, retryable: false });
			expect(standIn.activeTokensOf('viewer_anna')).to.not.include(tokens.accessToken);
		});

		it('surfaces a failing token endpoint as retryable, and the refresh token survives it', async () => {
			const tokens = await connect('GamblerJoe');
			standIn.answerNext({ method: 'POST', path: '/oauth/token', status: 503 });
			const failed = await kickError(oauth.refresh(tokens.refreshToken!));
			expect(failed).to.include({ status: 503, retryable: true, endpoint: 'POST /oauth/token' });
			expect(failed.message).to.equal('Kick refused POST /oauth/token to refresh a token (503 Service Unavailable)');
			// Neither an empty 400 nor an edge block is Kick refusing the grant.
			standIn.answerNext({ method: 'POST', path: '/oauth/token', status: 400, body: '' });
			expect(await kickError(oauth.refresh(tokens.refreshToken!))).to.include({ status: 400, retryable: true, kickMessage: null });
			standIn.answerNext({
				method: 'POST',
				path: '/oauth/token',
				status: 403,
				body: { error: 'Request blocked by security policy.', reference: '9e4db7e3' }
			});
			expect(await kickError(oauth.refresh(tokens.refreshToken!))).to.include({ status: 403, retryable: true });
			expect((await oauth.refresh(tokens.refreshToken!)).refreshToken).to.be.a('string');
		});

		it('issues app tokens (client credentials) without refresh token or scopes', async () => {
			const app = await oauth.appToken();
			expect(app).to.deep.include({ refreshToken: null, scopes: [], tokenType: 'Bearer', expiresAt: new Date(CLIENT_CLOCK + 3600 * 1000) });
			expect(await oauth.introspect(app.accessToken)).to.deep.include({ active: true, tokenType: 'app', clientId: 'bot-client', scopes: [] });
			const wrongSecret = new KickOAuthClient({ authUrl: standIn.authUrl, clientId: 'bot-client', clientSecret: 'guessed' });
			const refused = await kickError(wrongSecret.appToken());
			expect(refused).to.include({ status: 401, retryable: false });
			expect(refused.kickMessage).to.match(/^invalid_client: /);
		});

		it('introspects a live token, and reports revoked and expired tokens inactive', async () => {
			const tokens = await connect('GamblerJoe');
			const live = await oauth.introspect(tokens.accessToken);
			expect(live).to.deep.include({ active: true, clientId: 'bot-client', tokenType: 'user', scopes: STREAMER_SCOPES });
			expect(live.expiresAt).to.be.instanceOf(Date);
			expect(Math.abs(live.expiresAt!.getTime() - (standIn.now() + 3600 * 1000))).to.be.below(5000);

			const from = standIn.requestLog.mark();
			await oauth.revoke(tokens.accessToken, 'access_token');
			const [revokeCall] = standIn.requestLog.filter((request) => request.path === '/oauth/revoke', from);
			expect(revokeCall?.query).to.deep.equal({ token: [tokens.accessToken], token_hint_type: ['access_token'] });
			expect(await oauth.introspect(tokens.accessToken)).to.deep.equal({ active: false, clientId: null, tokenType: null, scopes: [], expiresAt: null });

			const other = await connect('GamblerJoe');
			standIn.expireAccessToken(other.accessToken);
			expect((await oauth.introspect(other.accessToken)).active).to.equal(false);
			expect(await kickError(api.currentUser(other.accessToken))).to.include({ status: 401, retryable: false });
		});

		it('revoking the refresh token ends the whole grant', async () => {
			const tokens = await connect('GamblerJoe');
			await oauth.revoke(tokens.refreshToken!, 'refresh_token');
			expect(await kickError(oauth.refresh(tokens.refreshToken!))).to.include({ status: 400, retryable: false });
			expect(await kickError(api.currentUser(tokens.accessToken))).to.include({ status: 401, endpoint: 'GET /users' });
		});
	});

	describe('public API', () => {
		let streamer: KickTokenSet;
		let app: KickTokenSet;

		before(async () => {
			streamer = await connect('GamblerJoe');
			app = await oauth.appToken();
		});

		it('reads the token’s user with ids as strings', async () => {
			expect(await api.currentUser(streamer.accessToken)).to.deep.equal({
				userId: '4242',
				name: 'GamblerJoe',
				email: 'gamblerjoe@example.com',
				profilePicture: standIn.user('GamblerJoe').profilePicture
			});
			const noScope = await connect('viewer_anna', ['chat:write']);
			const refused = await kickError(api.currentUser(noScope.accessToken));
			expect(refused).to.include({ status: 403, retryable: false, kickMessage: 'Forbidden: missing scope user:read' });
		});

		it('looks channels up by slug and by broadcaster id, and answers null for unknown ones', async () => {
			const live = await api.channelBySlug(app.accessToken, 'gamblerjoe');
			expect(live).to.deep.include({
				broadcasterUserId: '4242',
				slug: 'gamblerjoe',
				streamTitle: 'Bonus hunt',
				category: { id: '28', name: 'Slots & Casino' }
			});
			expect(live?.stream).to.deep.include({ isLive: true, viewerCount: 1234 });
			expect(live?.stream.startTime).to.be.instanceOf(Date);

			// An offline channel without title or category, as Kick reports it (zero time, category id 0).
			expect(await api.channelByBroadcasterId(streamer.accessToken, '5151')).to.deep.equal({
				broadcasterUserId: '5151',
				slug: 'viewer_anna',
				streamTitle: null,
				category: null,
				stream: { isLive: false, viewerCount: 0, startTime: null }
			});
			expect(await api.channelBySlug(app.accessToken, 'nobody-here')).to.equal(null);
			expect(await api.channelByBroadcasterId(app.accessToken, '999999')).to.equal(null);
			expect(standIn.requestLog.filter((request) => request.path === '/public/v1/channels').map((request) => request.query)).to.deep.include.members([
				{ slug: ['gamblerjoe'] },
				{ broadcaster_user_id: ['5151'] }
			]);
		});

		it('sends chat as the bot into the token owner’s channel, and as a user into another channel', async () => {
			const from = standIn.requestLog.mark();
			const sent = await api.sendChat(streamer.accessToken, { type: 'bot', content: 'Guess the balance is open!' });
			expect(sent.isSent).to.equal(true);
			expect(sent.messageId).to.be.a('string');
			expect(standIn.chat.list('GamblerJoe').at(-1)).to.deep.include({
				messageId: sent.messageId,
				type: 'bot',
				postedBy: 'GamblerJoe',
				broadcasterUserId: '4242',
				content: 'Guess the balance is open!'
			});

			const anna = await connect('viewer_anna', ['chat:write']);
			const reply = await api.sendChat(anna.accessToken, { type: 'user', broadcasterUserId: '4242', content: 'gl!', replyToMessageId: sent.messageId! });
			expect(standIn.chat.list('GamblerJoe').at(-1)).to.deep.include({
				messageId: reply.messageId,
				type: 'user',
				postedBy: 'viewer_anna',
				replyToMessageId: sent.messageId
			});
			const bodies = standIn.requestLog.filter((request) => request.path === '/public/v1/chat', from).map((request) => request.body);
			expect(bodies).to.deep.equal([
				{ type: 'bot', content: 'Guess the balance is open!' },
				{ type: 'user', content: 'gl!', broadcaster_user_id: 4242, reply_to_message_id: sent.messageId }
			]);
		});

		it('refuses chat content over 500 characters without calling Kick', async () => {
			const from = standIn.requestLog.mark();
			const tooLong = await kickError(api.sendChat(streamer.accessToken, { type: 'bot', content: 'x'.repeat(501) }));
			expect(tooLong).to.include({ status: null, retryable: false, endpoint: 'POST /chat' });
			expect(tooLong.message).to.equal('Not sent to Kick: POST /chat has 501 characters of content; Kick takes at most 500');
			expect(standIn.requestLog.filter(() => true, from)).to.deep.equal([]);
			expect((await api.sendChat(streamer.accessToken, { type: 'bot', content: 'x'.repeat(500) })).isSent).to.equal(true);
		});

		it('surfaces Kick failing a send (500, 429) as retryable, and the next send goes through', async () => {
			standIn.failChatNext({ status: 500 });
			const failed = await kickError(api.sendChat(streamer.accessToken, { type: 'bot', content: 'first try' }));
			expect(failed).to.include({ status: 500, retryable: true, endpoint: 'POST /chat' });
			expect(failed.message).to.equal('Kick refused POST /chat to send a chat message (500 Internal Server Error)');
			expect(failed.retryAfterMs).to.equal(null);
			standIn.failChatNext({ status: 429, retryAfterSeconds: 2 });
			expect(await kickError(api.sendChat(streamer.accessToken, { type: 'bot', content: 'second try' }))).to.include({
				status: 429,
				retryable: true,
				retryAfterMs: 2000
			});
			expect((await api.sendChat(streamer.accessToken, { type: 'bot', content: 'third try' })).isSent).to.equal(true);
			expect(standIn.chat.list('GamblerJoe').map((message) => message.content)).to.not.include.members(['first try', 'second try']);
		});

		it('surfaces a send with a revoked token as a non-retryable 401', async () => {
			const tokens = await connect('GamblerJoe');
			await oauth.revoke(tokens.accessToken, 'access_token');
			const refused = await kickError(api.sendChat(tokens.accessToken, { type: 'bot', content: 'hello?' }));
			expect(refused).to.include({ status: 401, retryable: false, kickMessage: 'Unauthorized', endpoint: 'POST /chat' });
			expect(refused.message).to.equal('Kick refused POST /chat to send a chat message (401 Unauthorized)');
		});

		it('creates, lists and deletes event subscriptions', async () => {
			const from = standIn.requestLog.mark();
			const events = ['chat.message.sent', 'channel.followed', 'chat.message.edited'];
			const results = await api.subscribe(streamer.accessToken, { broadcasterUserId: '4242', events });
			expect(results.map((result) => [result.name, result.version, result.error])).to.deep.equal([
				['chat.message.sent', 1, null],
				['channel.followed', 1, null],
				['chat.message.edited', 1, 'unknown event name or version']
			]);
			const [chatId, followId] = results.map((result) => result.subscriptionId);
			expect(chatId).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
			expect(results[2]!.subscriptionId).to.equal(null);
			expect(standIn.requestLog.filter((request) => request.path === '/public/v1/events/subscriptions', from)[0]?.body).to.deep.equal({
				broadcaster_user_id: 4242,
				events: [
					{ name: 'chat.message.sent', version: 1 },
					{ name: 'channel.followed', version: 1 },
					{ name: 'chat.message.edited', version: 1 }
				],
				method: 'webhook'
			});

			const again = await api.subscribe(streamer.accessToken, { broadcasterUserId: '4242', events: ['chat.message.sent'] });
			expect(again[0]!.subscriptionId).to.equal(chatId);

			const listed = await api.listSubscriptions(streamer.accessToken, '4242');
			const rows = listed.map((subscription) => [
				subscription.id,
				subscription.event,
				subscription.version,
				subscription.broadcasterUserId,
				subscription.method
			]);
			expect(rows).to.deep.equal([
				[chatId, 'chat.message.sent', 1, '4242', 'webhook'],
				[followId, 'channel.followed', 1, '4242', 'webhook']
			]);
			expect(listed[0]!.createdAt).to.be.instanceOf(Date);
			expect(await api.listSubscriptions(app.accessToken)).to.have.length(2);

			const beforeDelete = standIn.requestLog.mark();
			await api.unsubscribe(streamer.accessToken, [chatId!]);
			await api.unsubscribe(streamer.accessToken, []);
			const deletes = standIn.requestLog.filter((request) => request.method === 'DELETE', beforeDelete);
			expect(deletes.map((request) => [request.status, request.query])).to.deep.equal([[204, { id: [chatId] }]]);
			expect((await api.listSubscriptions(streamer.accessToken)).map((subscription) => subscription.event)).to.deep.equal(['channel.followed']);
			await api.unsubscribe(streamer.accessToken, [followId!]);
		});

		it('reads the public key webhooks are signed with: deliveries verify with it, tampered ones do not', async () => {
			const publicKey = await api.publicKey();
			expect(publicKey).to.equal(standIn.publicKeyPem);

			const received: { headers: Record<string, string>; body: string }[] = [];
			const receiver: Server = createServer((request, response) => {
				const chunks: Buffer[] = [];
				request.on('data', (chunk: Buffer) => chunks.push(chunk));
				request.on('end', () => {
					received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
					response.writeHead(200).end('ok');
				});
			});
			await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
			try {
				standIn.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kick/webhook`);
				await api.subscribe(streamer.accessToken, { broadcasterUserId: '4242', events: ['chat.message.sent'] });
				const delivered = await standIn.chatAs({ broadcaster: 'GamblerJoe', sender: 'viewer_anna', content: '!gtb 1234.56' });
				expect(delivered).to.include({ status: 200, body: 'ok' });
				await standIn.deliverEvent({ type: 'chat.message.sent', broadcaster: 'GamblerJoe', payload: delivered.payload, tamper: 'body' });

				const verifies = ({ headers, body }: { headers: Record<string, string>; body: string }) =>
					verify(
						'sha256',
						Buffer.from(`${headers['kick-event-message-id']}.${headers['kick-event-message-timestamp']}.${body}`),
						publicKey,
						Buffer.from(headers['kick-event-signature']!, 'base64')
					);
				expect(received.map(verifies)).to.deep.equal([true, false]);
				expect(received[0]!.headers).to.include({
					'kick-event-type': 'chat.message.sent',
					'kick-event-version': '1',
					'kick-event-message-id': delivered.messageId
				});
				expect(JSON.parse(received[0]!.body)).to.deep.include({ content: '!gtb 1234.56', message_id: delivered.payload.message_id });
				const unsubscribed = await rejection(standIn.deliverEvent({ type: 'kicks.gifted', broadcaster: 'GamblerJoe', payload: {} }));
				expect((unsubscribed as Error).message).to.include('not subscribed');
			} finally {
				standIn.setWebhookUrl(null);
				receiver.close();
			}
		});

		it('turns a body that does not fit Kick’s schema into a non-retryable error naming the endpoint and the field', async () => {
			standIn.answerNext({
				method: 'GET',
				path: '/public/v1/users',
				status: 200,
				body: { data: [{ user_id: 'abc', name: 'GamblerJoe' }], message: 'OK' }
			});
			const wrongId = await kickError(api.currentUser(streamer.accessToken));
			expect(wrongId).to.include({ status: 200, retryable: false, endpoint: 'GET /users' });
			expect(wrongId.message).to.match(/^Kick answered GET \/users with 200 and a body the bot does not understand: data\.0\.user_id: /);

			standIn.answerNext({ method: 'GET', path: '/public/v1/users', status: 200, body: { data: [{ user_id: 2 ** 60, name: 'GamblerJoe' }] } });
			expect((await kickError(api.currentUser(streamer.accessToken))).message).to.include('an id beyond 2^53 arrived rounded');

			standIn.answerNext({ method: 'GET', path: '/public/v1/users', status: 200, body: { data: [], message: 'OK' } });
			expect((await kickError(api.currentUser(streamer.accessToken))).message).to.include('data: expected the token’s user in data, got none');

			standIn.answerNext({ method: 'GET', path: '/public/v1/public-key', status: 200, body: '<html>maintenance</html>' });
			expect((await kickError(api.publicKey())).message).to.equal(
				'Kick answered GET /public-key with 200 and a body the bot does not understand: not JSON: <html>maintenance</html>'
			);
		});

		it('fails a call that outlasts timeoutMs as retryable, and an unreachable Kick likewise', async () => {
			const impatient = new KickApiClient({ apiUrl: standIn.apiUrl, timeoutMs: 200 });
			standIn.delayNext({ method: 'GET', path: '/public/v1/channels', ms: 1000 });
			const startedAt = Date.now();
			const slow = await kickError(impatient.channelBySlug(app.accessToken, 'gamblerjoe'));
			expect(Date.now() - startedAt).to.be.below(900);
			expect(slow).to.include({ status: null, retryable: true, endpoint: 'GET /channels' });
			expect(slow.message).to.equal('Kick did not answer GET /channels within 200 ms');

			const closed = createServer();
			await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
			const port = (closed.address() as AddressInfo).port;
			await new Promise<void>((resolve) => closed.close(() => resolve()));
			const unreachable = await kickError(new KickApiClient({ apiUrl: `http://127.0.0.1:${port}/public/v1` }).publicKey());
			expect(unreachable).to.include({ status: null, retryable: true, endpoint: 'GET /public-key' });
			expect(unreachable.message).to.match(/^Kick could not be reached for GET \/public-key \(.*ECONNREFUSED/);
		});
	});
});
