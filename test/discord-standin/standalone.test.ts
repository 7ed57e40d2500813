import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { Events, GatewayIntentBits, Partials, type Client } from 'discord.js';
import { connectClient, STANDARD_TEST_INTENTS } from './connectClient.js';
import { DEMO_SEED } from './demoSeed.js';
import { DiscordStandIn } from './DiscordStandIn.js';
import { BotProcess } from '#test/e2e/BotProcess';
import { freePort } from '#test/e2e/KickUnderTest';
import { ProcessOutput } from '#test/helpers/ProcessOutput';
import { createTestDatabase, sql, type TestDatabase } from '#test/helpers/postgres';
import { waitUntil } from '#test/helpers/waitUntil';

describe('DiscordStandIn control API', () => {
	let standIn: DiscordStandIn;
	let client: Client<true>;

	const control = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${standIn.baseUrl}/_control/${path}`, {
			method,
			...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
		});
		return { status: response.status, body: (await response.json()) as any };
	};

	before(async () => {
		standIn = await DiscordStandIn.start({ seed: DEMO_SEED });
		// DMs need their intent, and the Channel partial: discord.js has not cached a DM channel it never saw.
		client = await connectClient(standIn, { intents: [...STANDARD_TEST_INTENTS, GatewayIntentBits.DirectMessages], partials: [Partials.Channel] });
		client.on(Events.InteractionCreate, (interaction) => {
			if (interaction.isChatInputCommand()) void interaction.reply(`pong ${interaction.options.getString('echo') ?? ''}`.trim());
			if (interaction.isMessageContextMenuCommand()) void interaction.reply(`${interaction.commandName}: ${interaction.targetMessage.content}`);
			if (interaction.isUserContextMenuCommand()) void interaction.reply(`${interaction.commandName}: ${interaction.targetUser.username}`);
		});
		client.on(Events.MessageCreate, (message) => {
			if (message.content === '!ping') void message.reply(message.inGuild() ? 'pong' : `pong in a DM with ${message.author.username}`);
		});
	});

	after(async () => {
		await client?.destroy();
		await standIn?.stop();
	});

	it('describes guilds, members with role names and permissions, and the connected session', async () => {
		const { status, body } = await control('GET', 'state');
		expect(status).to.equal(200);
		expect(body.guilds.map((guild: { name: string }) => guild.name)).to.deep.equal(['Alpha Community', 'Beta Community']);
		const moderator = body.guilds[0].members.find((member: { username: string }) => member.username === 'alpha-moderator');
		expect(moderator.roles).to.deep.equal(['Moderator']);
		expect(body.guilds[0].channels.map((channel: { name: string }) => channel.name)).to.deep.equal(['general', 'bot-commands']);
		expect(body.sessions).to.have.length(1);
	});

	it('runs a slash command and posts a message for a person with curl', async () => {
		const slash = await control('POST', 'slash', { guild: 'Alpha Community', member: 'alpha-viewer', name: 'ping', options: { echo: 'curl' } });
		expect(slash.status).to.equal(200);
		expect(slash.body).to.include({ content: 'pong curl', ephemeral: false, type: 4 });
		const message = await control('POST', 'message', { guild: 'Beta Community', channel: 'general', member: 'beta-viewer', content: '!ping' });
		expect(message.body.content).to.equal('pong');
		const log = await control('GET', 'log');
		expect(log.body.map((call: { method: string; path: string }) => call.method)).to.include.members(['POST']);
	});

	it('sends a DM as a user and answers with the bot’s reply in that DM', async () => {
		const { status, body } = await control('POST', 'dm', { user: 'beta-viewer', content: '!ping' });
		expect(status).to.equal(200);
		expect(body.content).to.equal('pong in a DM with beta-viewer');
		expect(body.channel_id).to.equal(standIn.state.dmChannelWith(standIn.user('beta-viewer').id).id);
		expect(body.guild_id, 'a DM has no server').to.equal(undefined);

		const missing = await control('POST', 'dm', { user: 'beta-viewer' });
		expect(missing.status).to.equal(400);
		expect(missing.body.error).to.equal('Missing string field(s): content');
	});

	it('posts a message without waiting, and uses a context menu on it or on a member, for a person with curl', async () => {
		standIn.commands.overwrite(
			[
				{ name: 'Save as quote', type: 3 },
				{ name: 'Wave at', type: 2 }
			],
			standIn.guild('Alpha Community').id
		);
		const said = await control('POST', 'message', {
			guild: 'Alpha Community',
			channel: 'general',
			member: 'alpha-viewer',
			content: 'gg ez',
			waitForReply: false
		});
		expect(said.body).to.include({ content: 'gg ez', channel_id: standIn.guild('Alpha Community').channel('general').id });
		expect(said.body.author.username).to.equal('alpha-viewer');
		const onMessage = await control('POST', 'context-menu', {
			guild: 'Alpha Community',
			member: 'alpha-moderator',
			name: 'Save as quote',
			targetMessage: said.body.id
		});
		expect([onMessage.status, onMessage.body.content]).to.deep.equal([200, 'Save as quote: gg ez']);
		const onUser = await control('POST', 'context-menu', {
			guild: 'Alpha Community',
			member: 'alpha-moderator',
			name: 'Wave at',
			targetUser: 'alpha-viewer'
		});
		expect(onUser.body.content).to.equal('Wave at: alpha-viewer');

		const neither = await control('POST', 'context-menu', { guild: 'Alpha Community', member: 'alpha-moderator', name: 'Wave at' });
		expect([neither.status, neither.body.error]).to.deep.equal([400, 'Expected one of "targetMessage" (a message id) or "targetUser" (a username or id)']);
		const unknown = await control('POST', 'context-menu', { guild: 'Beta Community', member: 'beta-viewer', name: 'Wave at', targetUser: 'beta-owner' });
		expect(unknown.body.error).to.equal("No user command 'Wave at' is registered for 'Beta Community': Discord would not show it under Apps");
		standIn.commands.overwrite([], standIn.guild('Alpha Community').id);
	});

	it('explains bad requests', async () => {
		const missing = await control('POST', 'slash', { guild: 'Alpha Community' });
		expect(missing.status).to.equal(400);
		expect(missing.body.error).to.equal('Missing string field(s): member, name');
		const unknownGuild = await control('POST', 'message', { guild: 'Nowhere', member: 'x', content: 'hi' });
		expect(unknownGuild.body.error).to.equal("No guild 'Nowhere' (guilds: Alpha Community, Beta Community)");
	});
});

describe('npm run standin: the Discord and Kick stand-ins, and a bot started with the variables it prints', function () {
	this.timeout(120_000);
	this.slow(20_000);

	const REDIS_URL = 'redis://127.0.0.1:6379';
	const keyPrefix = `standin-${randomBytes(4).toString('hex')}`;
	let standin: ChildProcess;
	let printed: ProcessOutput;
	let environment: Record<string, string>;
	let discordUrl: string;
	let kickUrl: string;
	let database: TestDatabase | undefined;
	let bot: BotProcess | undefined;

	const control = async (base: string, method: string, path: string, body?: unknown) => {
		const response = await fetch(`${base}/_control/${path}`, {
			method,
			...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
		});
		return { status: response.status, body: (await response.json()) as any };
	};

	before(async () => {
		// The bot's HTTP port must be known before it starts: Kick redirects and delivers to it.
		const botPort = await freePort();
		standin = spawn(process.execPath, [fileURLToPath(new URL('./standalone.js', import.meta.url))], {
			env: { PATH: process.env.PATH ?? '', STANDIN_PORT: '0', STANDIN_KICK_PORT: '0', STANDIN_BOT_PORT: String(botPort) },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		printed = new ProcessOutput(standin);
		discordUrl = /^Discord stand-in listening on (\S+) /.exec(await printed.waitForLine(/^Discord stand-in listening on /))![1]!;
		kickUrl = /^Kick stand-in listening on (\S+) /.exec(await printed.waitForLine(/^Kick stand-in listening on /))![1]!;
		// The last line printed.
		await printed.waitForLine(`  curl ${kickUrl}/_control/state`);
		environment = {};
		for (const line of printed.lines) {
			const variable = /^ {2}([A-Z_]+)=(\S+)$/.exec(line);
			if (variable) environment[variable[1]!] = variable[2]!;
		}
	});

	after(async () => {
		await bot?.stop();
		if (standin.exitCode === null && standin.signalCode === null) standin.kill('SIGTERM');
		await printed.exited;
		await database?.drop();
		const redis = new Redis(REDIS_URL);
		const keys = await redis.keys(`bull:${keyPrefix}-*`);
		if (keys.length > 0) await redis.del(...keys);
		redis.disconnect();
	});

	it('prints every variable that points a bot at both stand-ins, also as a file for env, and serves both demo worlds', async () => {
		expect(Object.keys(environment)).to.deep.equal([
			'DISCORD_TOKEN',
			'DISCORD_API_URL',
			'KICK_CLIENT_ID',
			'KICK_CLIENT_SECRET',
			'TOKEN_ENCRYPTION_KEY',
			'PUBLIC_URL',
			'HTTP_PORT',
			'HTTP_HOST',
			'KICK_EVENTS_VIA',
			'KICK_AUTH_URL',
			'KICK_API_URL',
			'KICK_WEBHOOK_PUBLIC_KEY'
		]);
		expect(environment.DISCORD_TOKEN).to.equal(DEMO_SEED.token);
		expect(environment.DISCORD_API_URL).to.equal(`${discordUrl}/api`);
		expect(environment.KICK_AUTH_URL).to.equal(kickUrl);
		const publicKey = (await (await fetch(`${environment.KICK_API_URL}/public-key`)).json()) as { data: { public_key: string } };
		expect(readFileSync(environment.KICK_WEBHOOK_PUBLIC_KEY!, 'utf8'), 'the key Kick signs webhooks with').to.equal(publicKey.data.public_key);
		const file = /They are also in (\S+): env \$\(cat \1\) npm start/.exec(printed.text())![1]!;
		expect(readFileSync(file, 'utf8')).to.equal(
			Object.entries(environment)
				.map(([name, value]) => `${name}=${value}\n`)
				.join('')
		);

		const discord = await control(discordUrl, 'GET', 'state');
		expect(discord.body.guilds.map((guild: { name: string }) => guild.name)).to.deep.equal(['Alpha Community', 'Beta Community']);
		const kick = await control(kickUrl, 'GET', 'state');
		expect(kick.body.app.redirectUris).to.deep.equal([`${environment.PUBLIC_URL}/kick/oauth/callback`]);
		expect(kick.body.webhookUrl).to.equal(`${environment.PUBLIC_URL}/kick/webhook`);
	});

	it('with them a bot links a server through the control APIs alone, and a viewer’s !uptime in Kick chat gets its answer', async () => {
		database = await createTestDatabase('standin');
		// The printed variables; the database and Redis prefix are this test's own.
		bot = BotProcess.start({ ...environment, DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: keyPrefix });
		await bot.waitForLine(/ApplicationCommandRegistries: Took .*ms to initialize/);
		await bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);

		const connect = await control(discordUrl, 'POST', 'slash', {
			guild: 'Alpha Community',
			member: 'alpha-moderator',
			name: 'kick',
			subcommand: 'connect',
			options: { channel: 'alphastreamer' }
		});
		expect(connect.status).to.equal(200);
		expect(connect.body.content).to.match(/^Open this link signed in to Kick as the owner of \*\*kick\.com\/alphastreamer\*\*/);
		const consent = await control(kickUrl, 'POST', 'authorize', { user: 'AlphaStreamer' });
		expect(consent.body.status, JSON.stringify(consent.body)).to.equal(200);
		expect(consent.body.page).to.include('The Discord server is now linked to kick.com/alphastreamer.');

		const live = await control(kickUrl, 'POST', 'live', { channel: 'alphastreamer', live: true, title: 'Bonus hunt' });
		expect(live.body.delivery.status).to.equal(200);
		// The bot answers a webhook before it handles the event.
		await waitUntil(async () => (await sql<{ is_live: boolean | null }>(database!.url, 'SELECT is_live FROM kick_connections'))[0]?.is_live === true);

		const uptime = await control(kickUrl, 'POST', 'chat', { channel: 'alphastreamer', sender: 'viewer_vic', content: '!uptime', waitForReply: true });
		expect(uptime.status, JSON.stringify(uptime.body)).to.equal(200);
		expect(uptime.body.reply.content).to.match(/^alphastreamer has been live for \d+s\.$/);
		expect(uptime.body.reply.replyToMessageId).to.equal(uptime.body.messageId);
		const chat = await control(kickUrl, 'GET', 'chat?channel=alphastreamer');
		expect(chat.body.map((message: { content: string }) => message.content)).to.deep.equal([uptime.body.reply.content]);
	});
});
