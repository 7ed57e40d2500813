import { join } from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { compiledRoot } from '#lib/paths';
import { overlayKeyHash } from '#lib/overlays/overlayKey';
import { BotUnderTest, community, REDIS_URL } from '#test/e2e/BotUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { OverlayBrowser, overlayUrlsOf } from '#test/helpers/overlayBrowser';

const ALPHA = '1700000000000001600';
const BETA = '1700000000000001700';
const GAMMA = '1700000000000001800';
const OVERLAY_PLUGINS = join(compiledRoot, 'test', 'fixtures', 'plugins-overlays');

/** An event stream read with plain HTTP: its state events as they come, and the way to close it. */
class EventStream {
	public readonly states: unknown[] = [];
	private readonly waiters = new Set<() => void>();
	private readonly abort = new AbortController();

	private constructor(public readonly response: Response) {}

	public static async open(url: string): Promise<EventStream> {
		const abort = new AbortController();
		const response = await fetch(url, { signal: abort.signal });
		const stream = new EventStream(response);
		stream.abort.signal.addEventListener('abort', () => abort.abort());
		if (response.ok) void stream.read();
		return stream;
	}

	/** Resolves once a state event satisfies `test`. */
	public async waitFor(test: (state: unknown) => boolean, timeoutMs = 5000): Promise<unknown> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = this.states.find(test);
			if (found !== undefined) return found;
			if (Date.now() > deadline) throw new Error(`No such state within ${timeoutMs} ms; states: ${JSON.stringify(this.states)}`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, deadline - Date.now());
				this.waiters.add(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	public close(): void {
		this.abort.abort();
	}

	private async read(): Promise<void> {
		const decoder = new TextDecoder();
		let buffered = '';
		try {
			for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
				buffered += decoder.decode(chunk, { stream: true });
				let end: number;
				while ((end = buffered.indexOf('\n\n')) !== -1) {
					const block = buffered.slice(0, end);
					buffered = buffered.slice(end + 2);
					const lines = block.split('\n');
					if (!lines.includes('event: state')) continue;
					const data = lines.find((line) => line.startsWith('data: '));
					if (data !== undefined) this.states.push(JSON.parse(data.slice('data: '.length)));
					for (const wake of this.waiters) wake();
					this.waiters.clear();
				}
			}
		} catch {
			// Aborted by close(), or the bot ended the stream.
		}
	}
}

describe('Overlays for OBS: pages, event streams and keys, end to end (real bot, headless Chromium)', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let standIn: DiscordStandIn;
	let browser: OverlayBrowser;
	let alphaUrl: string;
	let betaUrl: string;
	let gammaUrl: string;
	let redis: Redis;

	/** Sets a server's counter as another bot process would, and tells the bots over the overlay channel. */
	const setCounterElsewhere = async (guildId: string, count: number, changes = 1) => {
		await redis.set(`${under.redisKeyPrefix}:guild:${guildId}:counter`, String(count));
		for (let index = 0; index < changes; index++)
			await redis.publish(
				`${under.redisKeyPrefix}:overlays`,
				JSON.stringify({ from: 'another-process', kind: 'changed', guild: guildId, name: 'counter' })
			);
	};

	before(async () => {
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta'), community(GAMMA, 'Gamma', 'gamma')] },
			{},
			{ pluginsDirectory: OVERLAY_PLUGINS }
		);
		standIn = under.standIn;
		await under.bot.waitForLine(/Overlays: listening for changes on /);
		redis = new Redis(REDIS_URL);
		browser = await OverlayBrowser.launch();
		alphaUrl = (await overlayUrlsOf(standIn, { guild: 'Alpha', member: 'alpha-moderator' })).get('counter')!;
		betaUrl = (await overlayUrlsOf(standIn, { guild: 'Beta', member: 'beta-moderator' })).get('counter')!;
		gammaUrl = (await overlayUrlsOf(standIn, { guild: 'Gamma', member: 'gamma-moderator' })).get('counter')!;
	});

	after(async () => {
		await browser?.close();
		redis?.disconnect();
		await under?.stop();
	});

	it('/overlay urls shows moderators alone each overlay with its title and address; the database keeps only the key’s hash and its ciphertext', async () => {
		const answer = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'overlay', subcommand: 'urls' });
		expect(answer.ephemeral).to.equal(true);
		expect(answer.content).to.include(`**Counter: the server’s number** (\`counter\`)\n<${alphaUrl}>`);
		expect(alphaUrl).to.match(new RegExp(`^${under.publicUrl}/overlays/[A-Za-z0-9_-]{32}/counter$`));
		expect(betaUrl, 'each server has its own key').not.to.equal(alphaUrl);
		const again = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'overlay', subcommand: 'urls' });
		expect(again.content, 'the same address every time').to.include(alphaUrl);

		const key = alphaUrl.split('/').at(-2)!;
		const rows = await under.sql<{ guild: string; key_hash: string; key_encrypted: string }>(
			'SELECT discord_server_id::text AS guild, key_hash, key_encrypted FROM overlay_keys ORDER BY 1'
		);
		expect(rows.map((row) => row.guild)).to.deep.equal([ALPHA, BETA, GAMMA]);
		expect(rows[0]!.key_hash).to.equal(overlayKeyHash(key));
		expect(rows[0]!.key_encrypted)
			.to.match(/^enc:v1:/)
			.and.not.include(key);

		const viewer = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'overlay', subcommand: 'urls' });
		expect(viewer.content).not.to.include('/overlays/');
	});

	it('serves the page with a policy that runs only its own inline script and style, no referrer and no caching; anything else is a plain 404', async () => {
		const page = await fetch(alphaUrl);
		expect(page.status).to.equal(200);
		expect(page.headers.get('content-type')).to.match(/^text\/html/);
		const policy = page.headers.get('content-security-policy') ?? '';
		const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
		expect(nonce).to.be.a('string');
		expect(policy).to.include(`style-src 'nonce-${nonce}'`).and.include("connect-src 'self'").and.include("default-src 'none'");
		expect(policy).not.to.include('frame-ancestors');
		expect(page.headers.get('x-frame-options')).to.equal(null);
		expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
		expect(page.headers.get('cache-control')).to.equal('no-store');
		const html = await page.text();
		expect(html.match(/<script nonce="([^"]+)">/g)).to.deep.equal([`<script nonce="${nonce}">`, `<script nonce="${nonce}">`]);
		expect(html).to.include('function render(state, root)');

		const key = alphaUrl.split('/').at(-2)!;
		const unknownKey = `${under.publicUrl}/overlays/${'A'.repeat(32)}/counter`;
		for (const url of [unknownKey, `${under.publicUrl}/overlays/${key}/nothing`, `${under.publicUrl}/overlays/short/counter`, `${unknownKey}/events`]) {
			const refused = await fetch(url);
			expect(refused.status, url).to.equal(404);
			expect(refused.headers.get('referrer-policy'), url).to.equal('no-referrer');
			expect(await refused.text(), url).not.to.include('<script');
		}
	});

	it('with Kick off, the HTTP server still refuses Kick’s callback and webhooks cleanly', async () => {
		const callback = await fetch(`${under.publicUrl}/kick/oauth/callback?code=x&state=y`);
		expect(callback.status).to.equal(404);
		expect(await callback.text()).to.include('This bot has no Kick app configured.');
		const webhook = await fetch(`${under.publicUrl}/kick/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(webhook.status).to.equal(404);
		expect(await webhook.json()).to.deep.equal({ error: 'This bot has no Kick app configured.' });
	});

	it('renders the server’s state in Chromium, and a change shows within a second; each key shows its own server only', async () => {
		const alpha = await browser.open(alphaUrl);
		const beta = await browser.open(betaUrl);
		await alpha.waitForText('Alpha count 0');
		await beta.waitForText('Beta count 0');

		const bumped = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'bump' });
		expect(bumped.content).to.equal('Counter: 1');
		await alpha.waitForText('Alpha count 1', { timeoutMs: 1000 });

		await standIn.runSlashCommand({ guild: 'Beta', member: 'beta-viewer', name: 'bump' });
		await standIn.runSlashCommand({ guild: 'Beta', member: 'beta-viewer', name: 'bump' });
		await beta.waitForText('Beta count 2', { timeoutMs: 1000 });
		expect(await alpha.text()).to.equal('Alpha count 1');
		expect(await alpha.isOffline()).to.equal(false);
		expect(alpha.errors, 'no policy refusal, no script error').to.deep.equal([]);
		await Promise.all([alpha.close(), beta.close()]);
	});

	it('pushes a change made by another process (over Redis), coalesced: fifty changes in a burst make at most two new states, the last one shown', async () => {
		const stream = await EventStream.open(`${alphaUrl}/events`);
		expect(stream.response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
		expect(stream.response.headers.get('cache-control')).to.equal('no-store');
		await stream.waitFor((state) => (state as { count: number }).count === 1);
		const before = stream.states.length;

		await setCounterElsewhere(ALPHA, 50, 50);
		await stream.waitFor((state) => (state as { count: number }).count === 50, 2000);
		// Nothing to await for "no more states": a quiet period longer than two intervals of 250 ms.
		await new Promise((resolve) => setTimeout(resolve, 600));
		const pushed = stream.states.slice(before);
		expect(pushed.length, JSON.stringify(pushed)).to.be.within(1, 2);
		expect(pushed.at(-1)).to.deep.equal({ server: 'Alpha', count: 50 });
		stream.close();
	});

	it('refuses a server’s 21st open page with 429 and takes one again once a page closes; another server is not held back', async () => {
		const streams = await Promise.all(Array.from({ length: 20 }, () => EventStream.open(`${gammaUrl}/events`)));
		expect(streams.map((stream) => stream.response.status)).to.deep.equal(Array.from({ length: 20 }, () => 200));
		const refused = await fetch(`${gammaUrl}/events`);
		expect(refused.status).to.equal(429);
		expect(refused.headers.get('retry-after')).to.equal('30');
		const alpha = await EventStream.open(`${alphaUrl}/events`);
		expect(alpha.response.status).to.equal(200);

		streams.pop()!.close();
		let again: EventStream | undefined;
		for (let attempt = 0; attempt < 50 && again?.response.status !== 200; attempt++) {
			again?.close();
			// The bot sees the page go when its connection closes: try until it has.
			again = await EventStream.open(`${gammaUrl}/events`);
		}
		expect(again?.response.status).to.equal(200);
		for (const stream of [...streams, alpha, again!]) stream.close();
	});

	it('answers 404 for the overlay of a plugin switched off in the key’s server, while the other server’s still works', async () => {
		const off = await standIn.runSlashCommand({
			guild: 'Beta',
			member: 'beta-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'plugins_off', value: 'counter' }
		});
		expect(off.content).to.match(/plugins_off/);
		expect((await fetch(betaUrl)).status).to.equal(404);
		expect((await fetch(alphaUrl)).status).to.equal(200);
		await standIn.runSlashCommand({ guild: 'Beta', member: 'beta-moderator', name: 'settings', subcommand: 'reset', options: { key: 'plugins_off' } });
		expect((await fetch(betaUrl)).status).to.equal(200);
	});

	it('/overlay rotate (confirmed) makes the old address 404 at once and its open page go offline; the new address works', async () => {
		const page = await browser.open(alphaUrl);
		await page.waitForText('Alpha count 50');

		const asked = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'overlay', subcommand: 'rotate' });
		expect(asked.ephemeral).to.equal(true);
		const moderatorId = standIn.guild('Alpha').member('alpha-moderator').userId;
		const confirmed = await standIn.clickButton({
			guild: 'Alpha',
			member: 'alpha-moderator',
			message: asked.message!,
			customId: `overlay-rotate:confirm:${ALPHA}:${moderatorId}`
		});
		expect(confirmed.message?.content).to.match(/^Replaced: the old overlay addresses no longer work/);

		expect((await fetch(alphaUrl)).status).to.equal(404);
		await page.waitForOffline({ timeoutMs: 3000 });
		await page.waitForText('offline');
		const newUrl = (await overlayUrlsOf(standIn, { guild: 'Alpha', member: 'alpha-moderator' })).get('counter')!;
		expect(newUrl).not.to.equal(alphaUrl);
		expect((await fetch(newUrl)).status).to.equal(200);
		expect((await fetch(betaUrl)).status, 'the other server’s key is untouched').to.equal(200);
		alphaUrl = newUrl;
		await page.close();
	});

	it('shows "offline" when the bot stops, and the state again by itself once it is back', async () => {
		const page = await browser.open(alphaUrl);
		await page.waitForText('Alpha count 50');

		await under.bot.stop();
		await page.waitForOffline({ timeoutMs: 5000 });
		await page.waitForText('offline');

		await under.startBot();
		await under.bot.waitForLine(/Overlays: listening for changes on /);
		await setCounterElsewhere(ALPHA, 51);
		await page.waitForText('Alpha count 51', { timeoutMs: 35_000 });
		expect(await page.isOffline()).to.equal(false);
		await page.close();
	});
});
