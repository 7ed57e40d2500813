import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { InteractionAnswer } from '#test/discord-standin/InteractionTracker';
import type { BotProcess } from '#test/e2e/BotProcess';
import type { BotUnderTest } from '#test/e2e/BotUnderTest';
import { KickStandIn, type KickStandInOptions } from '#test/kick-standin/KickStandIn';

/** A port nobody listens on now, for the bot's HTTP server (its PUBLIC_URL must be known before it starts). */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** The Kick stand-in with an app whose redirect URL is the bot's, and the environment that points the bot at both. */
export class KickUnderTest {
	private constructor(
		public readonly kick: KickStandIn,
		public readonly publicUrl: string,
		public readonly environment: Readonly<Record<string, string>>
	) {}

	public static async start(options: {
		readonly eventsVia: 'webhook' | 'socket';
		readonly users: NonNullable<KickStandInOptions['seed']>['users'];
	}): Promise<KickUnderTest> {
		const port = await freePort();
		const publicUrl = `http://127.0.0.1:${port}`;
		const app = { clientId: 'e2e-kick-app', clientSecret: 'e2e-kick-secret', redirectUris: [`${publicUrl}/kick/oauth/callback`] };
		const kick = await KickStandIn.start({ seed: { app, users: options.users }, webhookUrl: `${publicUrl}/kick/webhook` });
		const environment = {
			KICK_CLIENT_ID: app.clientId,
			KICK_CLIENT_SECRET: app.clientSecret,
			TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
			PUBLIC_URL: publicUrl,
			HTTP_PORT: String(port),
			HTTP_HOST: '127.0.0.1',
			KICK_EVENTS_VIA: options.eventsVia,
			KICK_AUTH_URL: kick.authUrl,
			KICK_API_URL: kick.apiUrl,
			KICK_WEBHOOK_PUBLIC_KEY: kick.publicKeyPem,
			KICK_PUSHER_HOST: `127.0.0.1:${kick.port}`
		};
		return new KickUnderTest(kick, publicUrl, environment);
	}

	/**
	 * `/kick connect` as a moderator, then the streamer's browser: Kick's consent as `streamer`,
	 * and the redirect back to the bot. Returns the ephemeral answer and the page the browser shows.
	 */
	public async connect(under: BotUnderTest, run: { guild: string; member: string; channel: string; streamer: string; chatroom?: string }) {
		const answer = await under.standIn.runSlashCommand({
			guild: run.guild,
			member: run.member,
			name: 'kick',
			subcommand: 'connect',
			options: { channel: run.channel, ...(run.chatroom === undefined ? {} : { chatroom: run.chatroom }) }
		});
		const url = authorizationLink(answer);
		const redirect = await this.kick.consent(url, run.streamer);
		const page = await fetch(redirect);
		return { answer, url, redirect, status: page.status, html: await page.text() };
	}

	/** Links each server to its streamer's channel (named after the streamer) as its `<guild>-moderator`; throws unless Kick's redirect was accepted. */
	public async linkEach(under: BotUnderTest, links: readonly { readonly guild: string; readonly streamer: string }[]): Promise<void> {
		for (const { guild, streamer } of links) {
			const linked = await this.connect(under, { guild, member: `${guild.toLowerCase()}-moderator`, channel: streamer.toLowerCase(), streamer });
			if (linked.status !== 200) throw new Error(`Linking ${guild} to ${streamer} failed (${linked.status}): ${linked.html}`);
		}
	}

	public stop(): Promise<void> {
		return this.kick.stop();
	}
}

/** The bot's debug lines saying a Kick chat command ran for one chat message (one per server that ran it). */
export function commandRuns(bot: BotProcess, messageId: string): string[] {
	return bot
		.text()
		.split('\n')
		.filter((line) => line.includes('ran in server') && line.includes(`(message ${messageId})`));
}

/** The URL of the "Authorise on Kick" link button of a /kick connect answer. */
export function authorizationLink(answer: InteractionAnswer): string {
	const row = answer.components[0] as { components?: { url?: string }[] } | undefined;
	const url = row?.components?.[0]?.url;
	if (url === undefined) throw new Error(`The answer has no link button: ${answer.content}`);
	return url;
}
