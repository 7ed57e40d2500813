import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KICK_DEMO_APP, kickDemoSeed } from '../kick-standin/demoSeed.js';
import { KickStandIn } from '../kick-standin/KickStandIn.js';
import { DEMO_SEED } from './demoSeed.js';
import { DiscordStandIn } from './DiscordStandIn.js';

/** Fixed, so tokens the bot stored in its database can still be read after the stand-ins restart. Only for the stand-ins. */
const DEMO_TOKEN_ENCRYPTION_KEY = createHash('sha256').update('kick-community-bot stand-in demo: never use this key for real tokens').digest('hex');

/**
 * `npm run standin`: the Discord and Kick stand-ins with their demo worlds, wired together (Kick's
 * redirect and webhooks go to the bot's HTTP server; the Kick control API follows the authorisation
 * links the bot shows in Discord), so a person can run the bot against both and drive them with curl.
 * STANDIN_PORT (Discord, 4999), STANDIN_KICK_PORT (4998) and STANDIN_BOT_PORT (the bot's HTTP_PORT, 8080); 0 picks a free one
 * (not for the bot's, which Kick must know in advance). STANDIN_SHARDS (1) is the shard count Discord's `/gateway/bot` recommends.
 */
async function main(): Promise<void> {
	const botPort = Number(process.env.STANDIN_BOT_PORT ?? 8080);
	const publicUrl = `http://127.0.0.1:${botPort}`;
	const shards = Number(process.env.STANDIN_SHARDS ?? 1);
	const discord = await DiscordStandIn.start({ seed: DEMO_SEED, port: Number(process.env.STANDIN_PORT ?? 4999), timeoutMs: 15_000, shards });
	const kick = await KickStandIn.start({
		seed: kickDemoSeed(`${publicUrl}/kick/oauth/callback`),
		port: Number(process.env.STANDIN_KICK_PORT ?? 4998),
		webhookUrl: `${publicUrl}/kick/webhook`,
		timeoutMs: 15_000,
		findAuthorizationLink: (endpoint) => discord.linkButtonUrls().find((url) => url.startsWith(`${endpoint}?`))
	});
	// The stand-in signs webhooks with a key pair made at start; the bot reads its public half from this file.
	const folder = mkdtempSync(join(tmpdir(), 'kickbot-standin-'));
	const publicKeyFile = join(folder, 'kick-webhook-public-key.pem');
	writeFileSync(publicKeyFile, kick.publicKeyPem);
	const environment = {
		DISCORD_TOKEN: discord.token,
		DISCORD_API_URL: discord.apiUrl,
		KICK_CLIENT_ID: KICK_DEMO_APP.clientId,
		KICK_CLIENT_SECRET: KICK_DEMO_APP.clientSecret,
		TOKEN_ENCRYPTION_KEY: DEMO_TOKEN_ENCRYPTION_KEY,
		PUBLIC_URL: publicUrl,
		HTTP_PORT: String(botPort),
		HTTP_HOST: '127.0.0.1',
		KICK_EVENTS_VIA: 'webhook',
		KICK_AUTH_URL: kick.authUrl,
		KICK_API_URL: kick.apiUrl,
		KICK_WEBHOOK_PUBLIC_KEY: publicKeyFile
	};
	const environmentFile = join(folder, 'bot.env');
	writeFileSync(
		environmentFile,
		Object.entries(environment)
			.map(([name, value]) => `${name}=${value}\n`)
			.join('')
	);

	const json = (value: unknown) => `-H 'content-type: application/json' -d '${JSON.stringify(value)}'`;
	const lines = [
		`Discord stand-in listening on ${discord.baseUrl} (gateway ${discord.gatewayUrl})`,
		`Kick stand-in listening on ${kick.authUrl} (OAuth, API; webhooks go to ${kick.webhookUrl})`,
		'',
		'Point a bot at them with:',
		'',
		...Object.entries(environment).map(([name, value]) => `  ${name}=${value}`),
		'',
		`They are also in ${environmentFile}: env $(cat ${environmentFile}) npm start`,
		...(shards > 1
			? [
					`With ${shards} shards, one bot per shard (all but the first on another HTTP_PORT; Kick's redirects and webhooks go to the first):`,
					...Array.from(
						{ length: shards },
						(_, shard) =>
							`  env $(cat ${environmentFile}) SHARD_COUNT=${shards} SHARD_IDS=${shard}${shard === 0 ? '' : ` HTTP_PORT=${botPort + shard}`} DATABASE_URL=postgres://… npm start`
					)
				]
			: []),
		'',
		'Discord servers:',
		...[...discord.state.guilds.values()].map((guild) => {
			const members = [...guild.members.values()].map((member) => guild.user(member.userId).username);
			return `  ${guild.name} (${guild.id}${shards > 1 ? `, shard ${discord.shardOf(guild.id)} of ${shards}` : ''}): members ${members.join(', ')}; channels ${[...guild.channels.values()].map((channel) => `#${channel.name}`).join(', ')}`;
		}),
		`Kick users: ${kick
			.users()
			.map((user) => `${user.username} (kick.com/${user.slug})`)
			.join(', ')}`,
		'',
		'Act as Discord:',
		`  curl ${discord.baseUrl}/_control/state`,
		`  curl -X POST ${discord.baseUrl}/_control/slash ${json({ guild: 'Alpha Community', member: 'alpha-moderator', name: 'ping', options: {} })}`,
		`  curl -X POST ${discord.baseUrl}/_control/message ${json({ guild: 'Alpha Community', channel: 'general', member: 'alpha-viewer', content: '!ping' })}`,
		`  curl -X POST ${discord.baseUrl}/_control/dm ${json({ user: 'alpha-viewer', content: '!ping' })}`,
		`  curl ${discord.baseUrl}/_control/log`,
		'',
		'Link Alpha Community to kick.com/alphastreamer (the streamer consents from the command line), then act as Kick:',
		`  curl -X POST ${discord.baseUrl}/_control/slash ${json({ guild: 'Alpha Community', member: 'alpha-moderator', name: 'kick', subcommand: 'connect', options: { channel: 'alphastreamer' } })}`,
		`  curl -X POST ${kick.authUrl}/_control/authorize ${json({ user: 'AlphaStreamer' })}`,
		`  curl -X POST ${kick.authUrl}/_control/live ${json({ channel: 'alphastreamer', live: true, title: 'Bonus hunt' })}`,
		`  curl -X POST ${kick.authUrl}/_control/chat ${json({ channel: 'alphastreamer', sender: 'viewer_vic', content: '!uptime', waitForReply: true })}`,
		`  curl -X POST ${kick.authUrl}/_control/chat ${json({ channel: 'alphastreamer', sender: 'mod_mia', badges: ['moderator'], content: '!commands', waitForReply: true })}`,
		`  curl -X POST ${kick.authUrl}/_control/follow ${json({ channel: 'alphastreamer', follower: 'viewer_vic' })}`,
		`  curl -X POST ${kick.authUrl}/_control/subscribe ${json({ channel: 'alphastreamer', subscriber: 'sub_sam', months: 3 })}`,
		`  curl -X POST ${kick.authUrl}/_control/gift ${json({ channel: 'alphastreamer', gifter: 'sub_sam', giftees: ['viewer_vic', 'new_viewer'] })}`,
		`  curl '${kick.authUrl}/_control/chat?channel=alphastreamer'`,
		`  curl ${kick.authUrl}/_control/state`
	];
	console.log(lines.join('\n'));

	const shutdown = () =>
		void Promise.all([discord.stop(), kick.stop()]).then(() => {
			rmSync(folder, { recursive: true, force: true });
			process.exit(0);
		});
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

await main();
