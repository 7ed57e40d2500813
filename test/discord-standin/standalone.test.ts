import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Events, GatewayIntentBits, Partials, type Client } from 'discord.js';
import { connectClient, STANDARD_TEST_INTENTS } from './connectClient.js';
import { DEMO_SEED } from './demoSeed.js';
import { DiscordStandIn } from './DiscordStandIn.js';
import { waitFor } from './waitFor.js';

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

	it('explains bad requests', async () => {
		const missing = await control('POST', 'slash', { guild: 'Alpha Community' });
		expect(missing.status).to.equal(400);
		expect(missing.body.error).to.equal('Missing string field(s): member, name');
		const unknownGuild = await control('POST', 'message', { guild: 'Nowhere', member: 'x', content: 'hi' });
		expect(unknownGuild.body.error).to.equal("No guild 'Nowhere' (guilds: Alpha Community, Beta Community)");
	});
});

describe('standalone stand-in', () => {
	let child: ChildProcess | undefined;

	after(async () => {
		if (child && child.exitCode === null) {
			const exited = once(child, 'exit');
			child.kill('SIGTERM');
			await exited;
		}
	});

	it('prints the environment for a bot and serves the demo guilds', async () => {
		child = spawn(process.execPath, [fileURLToPath(new URL('./standalone.js', import.meta.url))], { env: { ...process.env, STANDIN_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
		const output = new EventEmitter();
		let printed = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			printed += chunk.toString('utf8');
			output.emit('data');
		});
		const apiUrl = await waitFor({ emitter: output, event: 'data', check: () => /DISCORD_API_URL=(\S+)/.exec(printed)?.[1], describe: () => `the standalone stand-in to print DISCORD_API_URL (printed: ${printed})` });
		expect(printed).to.contain(`DISCORD_TOKEN=${DEMO_SEED.token}`);
		const state = (await (await fetch(apiUrl.replace(/\/api$/, '/_control/state'))).json()) as { guilds: { name: string }[] };
		expect(state.guilds.map((guild) => guild.name)).to.deep.equal(['Alpha Community', 'Beta Community']);
	});
});
