import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

/** The core's page script marks the document while its stream is down. */
const OFFLINE = 'html.overlay-offline';

/**
 * Headless Chromium for overlay pages, as OBS's browser source shows them: one fresh profile per
 * launch, deleted at close. `open(url)` gives a page to wait on.
 *
 *     const browser = await OverlayBrowser.launch();
 *     const page = await browser.open(urls.get('gtb')!);
 *     await page.waitForText('Guess the balance #1');
 *     …
 *     await browser.close();
 */
export class OverlayBrowser {
	private constructor(
		private readonly context: BrowserContext,
		private readonly profile: string
	) {}

	public static async launch(): Promise<OverlayBrowser> {
		if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does it).`);
		const profile = mkdtempSync(join(tmpdir(), 'kickbot-chromium-'));
		try {
			// A persistent context is how Playwright takes a --user-data-dir of our choosing: a fresh one each time.
			const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
			return new OverlayBrowser(context, profile);
		} catch (error) {
			rmSync(profile, { recursive: true, force: true });
			throw error;
		}
	}

	/** Opens `url` in a new tab and resolves once its document has loaded (the state comes after, by its event stream). */
	public async open(url: string): Promise<OverlayPage> {
		const page = await this.context.newPage();
		const overlay = new OverlayPage(page);
		const response = await page.goto(url, { waitUntil: 'load' });
		overlay.status = response?.status() ?? 0;
		return overlay;
	}

	public async close(): Promise<void> {
		await this.context.close().catch(() => undefined);
		rmSync(this.profile, { recursive: true, force: true });
	}
}

/** One overlay page in the browser. */
export class OverlayPage {
	/** The HTTP status of the page itself (200, or 404 for an unknown key or overlay). */
	public status = 0;
	/** What the page reported as errors: its console errors (a Content-Security-Policy refusal among them) and uncaught exceptions. */
	public readonly errors: string[] = [];

	public constructor(public readonly page: Page) {
		page.on('console', (message) => {
			if (message.type() === 'error') this.errors.push(message.text());
		});
		page.on('pageerror', (error) => this.errors.push(error.message));
	}

	/**
	 * Resolves once the page shows `text` (case-sensitive; a RegExp as given): the overlay's text, or
	 * the "offline" badge while it is shown. Locators, not page scripts: the page's policy runs no eval.
	 */
	public async waitForText(text: string | RegExp, options: { readonly timeoutMs?: number } = {}): Promise<void> {
		const pattern = typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text;
		await this.page
			.getByText(pattern)
			.first()
			.waitFor({ state: 'visible', timeout: options.timeoutMs ?? 5000 });
	}

	/** The overlay's visible text (what its render drew), without the core's badge. */
	public async text(): Promise<string> {
		return this.page.locator('#overlay-root').innerText();
	}

	/** Whether the page shows its "offline" badge now. */
	public async isOffline(): Promise<boolean> {
		return (await this.page.locator(OFFLINE).count()) > 0;
	}

	/** Resolves once the page shows "offline" (the stream is down, the bot stopped, the key was replaced). */
	public async waitForOffline(options: { readonly timeoutMs?: number } = {}): Promise<void> {
		await this.page.locator(OFFLINE).waitFor({ state: 'attached', timeout: options.timeoutMs ?? 5000 });
	}

	/** Resolves once the page is live again (a state arrived after being offline). */
	public async waitForOnline(options: { readonly timeoutMs?: number } = {}): Promise<void> {
		await this.page.locator(OFFLINE).waitFor({ state: 'detached', timeout: options.timeoutMs ?? 5000 });
	}

	public async close(): Promise<void> {
		await this.page.close().catch(() => undefined);
	}
}

/**
 * A server's overlay addresses, as a moderator gets them: `/overlay urls` run in the Discord
 * stand-in by `member` (e.g. `<guild>-moderator` of `community()`), read from its answer. By name.
 */
export async function overlayUrlsOf(standIn: DiscordStandIn, run: { readonly guild: string; readonly member: string }): Promise<Map<string, string>> {
	const answer = await standIn.runSlashCommand({ guild: run.guild, member: run.member, name: 'overlay', subcommand: 'urls' });
	const urls = new Map<string, string>();
	for (const match of answer.content.matchAll(/<(https?:\/\/[^>\s]+\/overlays\/[A-Za-z0-9_-]+\/([a-z][a-z0-9-]*))>/g)) urls.set(match[2]!, match[1]!);
	if (urls.size === 0) throw new Error(`/overlay urls gave no address: ${answer.content}`);
	return urls;
}
