import { once } from 'node:events';
import { expect } from 'chai';
import { Events, Partials, type Client, type Interaction, type Message } from 'discord.js';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import WebSocket from 'ws';
import { connectClient, STANDARD_TEST_INTENTS } from './connectClient.js';
import { DiscordStandIn } from './DiscordStandIn.js';
import type { GuildSeed } from './seed.js';
import { waitFor } from './waitFor.js';

/** The id of the `n`-th guild of shard `shard` of 2: (id >> 22) % 2 === shard. */
const onShard = (shard: number, n: number) => String(((1n << 40n) + BigInt(2 * n + shard)) << 22n);

/** Resolves once `client` gets a member's message with this content. */
const received = (client: Client, content: string) =>
	new Promise<void>((resolve) => {
		const listener = (message: Message) => {
			if (message.author.bot || message.content !== content) return;
			client.off(Events.MessageCreate, listener);
			resolve();
		};
		client.on(Events.MessageCreate, listener);
	});

const guild = (id: string, name: string): GuildSeed => ({ id, name, channels: [{ name: 'general' }], members: [{ username: `${name}-member` }] });

describe('DiscordStandIn with several shards', function () {
	this.timeout(20_000);

	let standIn: DiscordStandIn;
	const clients: Client[] = [];

	/** A bot process running some shards of 2, with what each of its events was. */
	const connectShards = async (shards: readonly number[] | 'auto') => {
		const client = await connectClient(standIn, {
			intents: [...STANDARD_TEST_INTENTS, GatewayIntentBits.DirectMessages],
			partials: [Partials.Channel],
			...(shards === 'auto' ? { shards: 'auto' } : { shards: [...shards], shardCount: 2 })
		});
		clients.push(client);
		const seen: string[] = [];
		client.on(Events.InteractionCreate, (interaction: Interaction) => {
			seen.push(`interaction ${interaction.guildId ?? 'dm'}`);
			if (interaction.isChatInputCommand()) void interaction.reply(`shard ${interaction.guild?.shardId}`);
		});
		client.on(Events.MessageCreate, (message: Message) => {
			if (!message.author.bot) seen.push(`message ${message.guildId ?? 'dm'}`);
		});
		return { client, seen };
	};

	before(async () => {
		standIn = await DiscordStandIn.start({
			shards: 2,
			seed: {
				guilds: [guild(onShard(0, 1), 'Even One'), guild(onShard(1, 1), 'Odd One'), guild(onShard(0, 2), 'Even Two'), guild(onShard(1, 2), 'Odd Two')]
			}
		});
		standIn.state.commands.create({ name: 'where', description: 'Which shard answers' }, null);
	});

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((client) => client.destroy()));
	});

	after(async () => {
		await standIn?.stop();
	});

	it('recommends its shard count at /gateway/bot, and places each guild by (id >> 22) % count', async () => {
		const response = await fetch(`${standIn.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${standIn.token}` } });
		expect(((await response.json()) as { shards: number }).shards).to.equal(2);
		expect(['Even One', 'Odd One', 'Even Two', 'Odd Two'].map((name) => standIn.shardOf(name))).to.deep.equal([0, 1, 0, 1]);
		expect(standIn.shardOf('Odd One', 1)).to.equal(0);
	});

	it('gives each of two processes READY and GUILD_CREATEs for its own shard’s guilds only', async () => {
		const [even, odd] = await Promise.all([connectShards([0]), connectShards([1])]);
		expect([...even.client.guilds.cache.values()].map((cached) => cached.name).sort()).to.deep.equal(['Even One', 'Even Two']);
		expect([...odd.client.guilds.cache.values()].map((cached) => cached.name).sort()).to.deep.equal(['Odd One', 'Odd Two']);
		expect(odd.client.guilds.cache.every((cached) => cached.shardId === 1)).to.equal(true);
		expect(
			standIn
				.sessions()
				.map((session) => session.shard)
				.sort()
		).to.deep.equal([
			[0, 2],
			[1, 2]
		]);
	});

	it('sends a guild’s interactions and messages to its shard’s session only, and DMs to shard 0', async () => {
		const [even, odd] = await Promise.all([connectShards([0]), connectShards([1])]);
		const answer = await standIn.runSlashCommand({ guild: 'Odd Two', member: 'Odd Two-member', name: 'where' });
		expect(answer.content).to.equal('shard 1');
		expect((await standIn.runSlashCommand({ guild: 'Even One', member: 'Even One-member', name: 'where' })).content).to.equal('shard 0');

		const delivered = [received(odd.client, 'hello odd'), received(even.client, 'hello in a DM')];
		standIn.postMessage({ guild: 'Odd One', member: 'Odd One-member', content: 'hello odd' });
		standIn.postDirectMessage({ user: 'Odd One-member', content: 'hello in a DM' });
		await Promise.all(delivered);
		// A socket keeps its order: once these arrive, whatever was sent before them has too.
		const fences = [received(odd.client, 'fence'), received(even.client, 'fence')];
		standIn.postMessage({ guild: 'Odd Two', member: 'Odd Two-member', content: 'fence' });
		standIn.postMessage({ guild: 'Even Two', member: 'Even Two-member', content: 'fence' });
		await Promise.all(fences);
		expect(even.seen).to.deep.equal([`interaction ${onShard(0, 1)}`, 'message dm', `message ${onShard(0, 2)}`]);
		expect(odd.seen).to.deep.equal([`interaction ${onShard(1, 2)}`, `message ${onShard(1, 1)}`, `message ${onShard(1, 2)}`]);
	});

	it('refuses to run a command in a guild whose shard no session runs', async () => {
		await connectShards([0]);
		let thrown: unknown;
		await standIn.runSlashCommand({ guild: 'Odd One', member: 'Odd One-member', name: 'where' }).catch((error: unknown) => (thrown = error));
		expect(String(thrown)).to.match(/No bot session runs the shard of guild \d+, so nothing would get \/where by Odd One-member in 'Odd One'/);
	});

	it('runs every shard in one process with shards: auto, as discord.js asks /gateway/bot', async () => {
		const { client } = await connectShards('auto');
		expect(client.options.shardCount).to.equal(2);
		expect(client.ws.shards.size).to.equal(2);
		expect(client.guilds.cache.size).to.equal(4);
		expect((await standIn.runSlashCommand({ guild: 'Odd One', member: 'Odd One-member', name: 'where' })).content).to.equal('shard 1');
	});

	it('still serves an unsharded IDENTIFY every guild, and closes with 4010 on a shard the count does not have', async () => {
		const identify = async (shard: unknown) => {
			const socket = new WebSocket(standIn.gatewayUrl);
			const frames: { t?: string; d?: { guilds?: unknown[] } }[] = [];
			socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as (typeof frames)[number]));
			await once(socket, 'open');
			socket.send(
				JSON.stringify({
					op: GatewayOpcodes.Identify,
					d: { token: standIn.token, intents: GatewayIntentBits.Guilds, properties: {}, ...(shard === undefined ? {} : { shard }) }
				})
			);
			return { socket, frames };
		};
		const unsharded = await identify(undefined);
		const ready = await waitFor({
			emitter: unsharded.socket,
			event: 'message',
			check: () => unsharded.frames.find((frame) => frame.t === GatewayDispatchEvents.Ready),
			describe: () => 'READY'
		});
		expect(ready.d?.guilds).to.have.length(4);
		unsharded.socket.close(1000);
		for (const shard of [[2, 2], [0, 0], [-1, 2], 'x']) {
			const { socket } = await identify(shard);
			const [code] = (await once(socket, 'close')) as [number];
			expect(code, JSON.stringify(shard)).to.equal(GatewayCloseCodes.InvalidShard);
		}
	});
});
