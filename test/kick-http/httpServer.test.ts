import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { expect } from 'chai';
import { compiledRoot } from '#lib/paths';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { authorizationLink, KickUnderTest } from '#test/e2e/KickUnderTest';
import { TcpProxy } from '#test/helpers/TcpProxy';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';

const ALPHA = '1950000000000000100';
const FAILING_HTTP_PLUGINS = join(compiledRoot, 'test', 'kick-http', 'fixtures', 'plugins-failing-http');
/** Text of the fixture's errors (and of Prisma's) that must reach the log only. */
const INTERNAL_TEXT = /secret-db|can't reach|prisma|invalid `|stack|\bat \w/i;

interface Answer {
	readonly status: number;
	readonly headers: Headers;
	readonly body: string;
}

/** A chunked POST (no Content-Length) that keeps sending until the server answers or `limitBytes` are out; resolves with the answer and how much was sent. */
function postChunked(url: string, limitBytes: number): Promise<{ status: number; body: string; sentBytes: number }> {
	return new Promise((resolve, reject) => {
		const chunk = Buffer.alloc(64 * 1024, 0x20);
		let sentBytes = 0;
		let answered = false;
		const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
		request.on('response', (response) => {
			answered = true;
			const parts: Buffer[] = [];
			response.on('data', (part: Buffer) => parts.push(part));
			response.on('end', () => {
				resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), sentBytes });
				request.destroy();
			});
		});
		// Writing on after the server closed the connection fails; only an error before any answer counts.
		request.on('error', (error) => {
			if (!answered) reject(error);
		});
		const pump = (): void => {
			while (!answered && sentBytes < limitBytes) {
				sentBytes += chunk.length;
				if (!request.write(chunk)) {
					request.once('drain', pump);
					return;
				}
			}
			if (!answered) request.end();
		};
		pump();
	});
}

/** A POST that declares a Content-Length and sends nothing of it. */
function postDeclaredLength(url: string, contentLength: number): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(url, { method: 'POST', headers: { 'content-length': String(contentLength) } });
		request.on('response', (response) => {
			const parts: Buffer[] = [];
			response.on('data', (part: Buffer) => parts.push(part));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
			request.destroy();
		});
		request.on('error', reject);
		request.flushHeaders();
	});
}

describe('The bot’s HTTP server under hostile requests, over real HTTP', function () {
	this.timeout(60_000);

	let under: BotUnderTest;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const call = async (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> => {
		const response = await fetch(`${setup.publicUrl}${path}`, { method, ...init });
		return { status: response.status, headers: response.headers, body: await response.text() };
	};
	const corsHeaders = (headers: Headers) => [...headers.keys()].filter((name) => name.startsWith('access-control-'));
	const receipts = async () => (await under.sql<{ n: string }>('SELECT count(*)::text AS n FROM kick_event_receipts'))[0]!.n;

	const chatBody = (change: (payload: Record<string, unknown>) => Record<string, unknown> = (payload) => payload) =>
		JSON.stringify(change({ ...kick.chatMessagePayload({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: 'hello' }) }));

	before(async () => {
		setup = await KickUnderTest.start({ eventsVia: 'webhook', users: [{ username: 'AlphaStreamer' }, { username: 'viewer_vic' }] });
		kick = setup.kick;
		under = await BotUnderTest.start({ guilds: [community(ALPHA, 'Alpha', 'alpha')] }, setup.environment, { pluginsDirectory: FAILING_HTTP_PLUGINS });
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	describe('headers', () => {
		it('sends no CORS headers, on any route or answer', async () => {
			const origin = { origin: 'https://attacker.example' };
			const answers = [
				await call('POST', '/kick/webhook', { headers: origin, body: '{}' }),
				await call('GET', '/kick/oauth/callback', { headers: origin }),
				await call('GET', '/nowhere', { headers: origin }),
				await call('OPTIONS', '/kick/webhook', { headers: { ...origin, 'access-control-request-method': 'POST' } })
			];
			for (const answer of answers) expect(corsHeaders(answer.headers), `${answer.status} ${answer.body}`).to.deep.equal([]);
		});

		it('answers 404 for an unknown path, 405 with Allow for a wrong method, OPTIONS with Allow; all with a Date', async () => {
			const unknown = await call('GET', '/nowhere');
			expect(unknown.status).to.equal(404);
			const wrongMethod = await call('GET', '/kick/webhook');
			expect(wrongMethod.status).to.equal(405);
			expect(wrongMethod.headers.get('allow')).to.equal('POST, OPTIONS');
			const options = await call('OPTIONS', '/kick/oauth/callback');
			expect(options.status).to.equal(204);
			expect(options.headers.get('allow')).to.equal('GET, OPTIONS');
			for (const answer of [unknown, wrongMethod, options]) expect(Date.parse(answer.headers.get('date') ?? '')).to.be.closeTo(Date.now(), 60_000);
		});
	});

	describe('errors', () => {
		it('answers a route that throws with a generic 500; the error text goes to the log only', async () => {
			const from = under.bot.mark();
			const answer = await call('GET', '/test/failing-route');
			expect(answer.status).to.equal(500);
			expect(JSON.parse(answer.body)).to.deep.equal({ error: 'Internal Server Error' });
			await under.bot.waitForLine(/secret-db\.internal:5432 \(route\)/, { from });
		});

		it('answers a middleware that throws with a generic 500; the error text goes to the log only', async () => {
			const from = under.bot.mark();
			const answer = await call('GET', '/test/failing-route?in=middleware');
			expect(answer.status).to.equal(500);
			expect(JSON.parse(answer.body)).to.deep.equal({ error: 'Internal Server Error' });
			await under.bot.waitForLine(/secret-db\.internal:5432 \(middleware\)/, { from });
		});
	});

	describe('the Kick webhook', () => {
		it('refuses correctly signed deliveries the database could not take with 400, storing nothing', async () => {
			const hostile = {
				'a NUL in the content': chatBody((payload) => ({ ...payload, content: 'hi\u0000there' })),
				'a lone surrogate in a username': chatBody((payload) => ({ ...payload, sender: { ...(payload.sender as object), username: 'vic\ud800' } })),
				'a 3 KB chat message id': chatBody((payload) => ({ ...payload, message_id: randomBytes(1500).toString('hex') })),
				'a 30-digit broadcaster id': chatBody((payload) => ({
					...payload,
					broadcaster: { ...(payload.broadcaster as object), user_id: '1'.repeat(30) }
				})),
				'an id over 2^63 - 1': chatBody((payload) => ({ ...payload, sender: { ...(payload.sender as object), user_id: '9223372036854775808' } }))
			};
			for (const [what, body] of Object.entries(hostile)) {
				const delivery = await kick.deliverSignedBody({ type: 'chat.message.sent', body });
				expect(delivery.status, what).to.equal(400);
				expect(delivery.body, what).to.not.match(INTERNAL_TEXT);
			}
			const longDeliveryId = await kick.deliverSignedBody({ type: 'chat.message.sent', body: chatBody(), messageId: randomBytes(1500).toString('hex') });
			expect(longDeliveryId.status, 'a 3 KB Kick-Event-Message-Id').to.equal(400);
			expect(await receipts()).to.equal('0');
		});

		it('answers 413 to a body over 1 MiB, also one sent in chunks without a Content-Length, without reading it all', async () => {
			const chunked = await postChunked(`${setup.publicUrl}/kick/webhook`, 64 * 1024 * 1024);
			expect(chunked.status).to.equal(413);
			expect(chunked.sentBytes).to.be.below(64 * 1024 * 1024);
			const declared = await postDeclaredLength(`${setup.publicUrl}/kick/webhook`, 2 * 1024 * 1024);
			expect(declared.status).to.equal(413);
			expect((await call('GET', '/nowhere')).status, 'the server still answers').to.equal(404);
		});
	});

	describe('the OAuth callback', () => {
		it('answers malformed parameters with a 400 page that echoes nothing unescaped, touching no authorisation', async () => {
			const script = '<script>alert(1)</script>';
			for (const query of [
				`state=${encodeURIComponent(script)}&code=abc`,
				`state=${'A'.repeat(5000)}&code=abc`,
				`state=abc&code=${'c'.repeat(5000)}`,
				`state=abc&error=${'e'.repeat(500)}`
			]) {
				const page = await call('GET', `/kick/oauth/callback?${query}`);
				expect(page.status, query.slice(0, 40)).to.equal(400);
				expect(page.body).to.include('The Kick authorisation did not complete').and.not.include('<script>');
			}
		});

		it('escapes what Kick’s redirect carries in the page it shows', async () => {
			const answer = await under.standIn.runSlashCommand({
				guild: 'Alpha',
				member: 'alpha-moderator',
				name: 'kick',
				subcommand: 'connect',
				options: { channel: 'alphastreamer' }
			});
			const state = new URL(authorizationLink(answer)).searchParams.get('state')!;
			const page = await call('GET', `/kick/oauth/callback?state=${state}&error=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
			expect(page.status).to.equal(403);
			expect(page.body).to.include('Kick did not authorise the bot (&#60;img src=x onerror=alert(1)&#62;)').and.not.include('<img');
		});
	});

	describe('with PostgreSQL unreachable', () => {
		let proxy: TcpProxy;

		before(async () => {
			proxy = await TcpProxy.start({ host: '127.0.0.1', port: 5432 });
			const url = new URL(under.database.url);
			url.host = `127.0.0.1:${proxy.port}`;
			await under.bot.stop();
			await under.startBot({ DATABASE_URL: url.toString() });
			await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		});

		after(async () => {
			await proxy?.close();
		});

		it('answers a delivery 503 with a generic body and a Retry-After, logs why, and takes its redelivery once the database is back', async () => {
			proxy.cutOff();
			const from = under.bot.mark();
			const body = chatBody();
			const refused = await kick.deliverSignedBody({ type: 'chat.message.sent', body });
			expect(refused.status).to.equal(503);
			expect(refused.body).to.not.match(INTERNAL_TEXT);
			expect(Number(refused.headers['retry-after'])).to.be.above(0);
			await under.bot.waitForLine(/Kick webhook .* could not be recorded/, { from });

			proxy.restore();
			const retried = await kick.deliverSignedBody({ type: 'chat.message.sent', body, messageId: refused.messageId });
			expect(retried.status).to.equal(200);
			expect(JSON.parse(retried.body)).to.deep.equal({ status: 'accepted' });
		});
	});
});
