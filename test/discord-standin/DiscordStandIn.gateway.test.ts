import { EventEmitter, once } from 'node:events';
import { createInflate } from 'node:zlib';
import { expect } from 'chai';
import { GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import WebSocket from 'ws';
import { DEMO_SEED } from './demoSeed.js';
import { DiscordStandIn } from './DiscordStandIn.js';
import { waitFor } from './waitFor.js';

interface Frame {
	readonly op: number;
	readonly t?: string | null;
	readonly s?: number | null;
	readonly d?: any;
}

/** A bare gateway client, to check the protocol at the level of frames. */
class RawGatewayClient {
	public readonly frames: Frame[] = [];
	public readonly events = new EventEmitter();
	public closeCode: number | null = null;
	private readonly socket: WebSocket;
	private readonly opened: Promise<unknown>;

	public constructor(url: string) {
		this.socket = new WebSocket(url);
		this.opened = once(this.socket, 'open');
		const compressed = url.includes('compress=zlib-stream');
		const inflate = compressed ? createInflate() : null;
		let text = '';
		inflate?.on('data', (chunk: Buffer) => {
			text += chunk.toString('utf8');
			// Each frame is flushed whole, so every complete JSON document is one payload.
			try {
				this.push(JSON.parse(text) as Frame);
				text = '';
			} catch {
				// Not complete yet: wait for more inflated data.
			}
		});
		this.socket.on('message', (data: Buffer, isBinary: boolean) => {
			if (inflate && isBinary) inflate.write(data);
			else this.push(JSON.parse(data.toString('utf8')) as Frame);
		});
		this.socket.on('close', (code) => {
			this.closeCode = code;
			this.events.emit('frame');
		});
	}

	/** Sends once the socket is open; sends keep their order. */
	public send(payload: unknown): void {
		void this.opened.then(() => this.socket.send(JSON.stringify(payload)));
	}

	public next(predicate: (frame: Frame) => boolean, after = 0): Promise<Frame> {
		return waitFor({
			emitter: this.events,
			event: 'frame',
			check: () => this.frames.slice(after).find(predicate),
			describe: () => `a frame (got ${JSON.stringify(this.frames.map((frame) => [frame.op, frame.t]))})`
		});
	}

	public closed(): Promise<number> {
		return waitFor({ emitter: this.events, event: 'frame', check: () => this.closeCode ?? undefined, describe: () => 'the socket to close' });
	}

	public async close(code = 1000): Promise<void> {
		await this.opened;
		const closed = once(this.socket, 'close');
		this.socket.close(code);
		await closed;
	}

	private push(frame: Frame): void {
		this.frames.push(frame);
		this.events.emit('frame');
	}
}

describe('DiscordStandIn gateway protocol', () => {
	let standIn: DiscordStandIn;
	const clients: RawGatewayClient[] = [];
	const connect = (query = '?v=10&encoding=json') => {
		const client = new RawGatewayClient(`${standIn.gatewayUrl}${query}`);
		clients.push(client);
		return client;
	};
	const identify = (client: RawGatewayClient, token = standIn.token, intents = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages) =>
		client.send({ op: GatewayOpcodes.Identify, d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' } } });

	before(async () => {
		standIn = await DiscordStandIn.start({ seed: DEMO_SEED });
	});

	afterEach(async () => {
		await Promise.all(
			clients
				.splice(0)
				.filter((client) => client.closeCode === null)
				.map((client) => client.close())
		);
	});

	after(async () => {
		await standIn?.stop();
	});

	it('says HELLO, acknowledges heartbeats, and sends READY then one complete GUILD_CREATE per guild with increasing s', async () => {
		const client = connect();
		const hello = await client.next((frame) => frame.op === GatewayOpcodes.Hello);
		expect(hello.d.heartbeat_interval).to.be.a('number');
		client.send({ op: GatewayOpcodes.Heartbeat, d: null });
		await client.next((frame) => frame.op === GatewayOpcodes.HeartbeatAck);

		identify(client);
		const ready = await client.next((frame) => frame.t === GatewayDispatchEvents.Ready);
		expect(ready.s).to.equal(1);
		expect(ready.d.application).to.deep.include({ id: standIn.applicationId, flags: 0 });
		expect(ready.d.user.id).to.equal(standIn.botUser.id);
		expect(ready.d.guilds).to.deep.equal([...standIn.state.guilds.keys()].map((id) => ({ id, unavailable: true })));
		expect(ready.d.resume_gateway_url).to.equal(standIn.gatewayUrl);
		expect(ready.d.session_id).to.be.a('string');

		const creates = await waitFor({
			emitter: client.events,
			event: 'frame',
			check: () => {
				const found = client.frames.filter((frame) => frame.t === GatewayDispatchEvents.GuildCreate);
				return found.length === 2 ? found : undefined;
			},
			describe: () => 'two GUILD_CREATE'
		});
		expect(creates.map((frame) => frame.s)).to.deep.equal([2, 3]);
		for (const { d: guild } of creates) {
			expect(guild.unavailable).to.equal(false);
			expect(guild.features).to.deep.equal([]);
			expect(guild).to.include.keys('owner_id', 'joined_at', 'member_count', 'emojis', 'stickers', 'threads', 'presences', 'voice_states');
			const everyone = guild.roles.find((role: { id: string }) => role.id === guild.id);
			expect(everyone.name).to.equal('@everyone');
			expect(everyone.permissions).to.be.a('string');
			expect(guild.members.map((member: { user: { id: string } }) => member.user.id)).to.include(standIn.botUser.id);
			expect(guild.channels[0]).to.include.keys('id', 'type', 'name', 'position', 'permission_overwrites');
			expect(BigInt(guild.id).toString()).to.match(/^\d{17,19}$/);
		}

		expect(standIn.dispatch('CUSTOM_EVENT', { hello: 'world' })).to.equal(1);
		const custom = await client.next((frame) => frame.t === 'CUSTOM_EVENT');
		expect(custom.s).to.equal(4);
	});

	it('closes with 4004 when IDENTIFY carries a wrong token', async () => {
		const client = connect();
		await client.next((frame) => frame.op === GatewayOpcodes.Hello);
		identify(client, 'wrong-token');
		expect(await client.closed()).to.equal(4004);
	});

	it('answers a RESUME of an unknown session with op 9', async () => {
		const client = connect();
		await client.next((frame) => frame.op === GatewayOpcodes.Hello);
		client.send({ op: GatewayOpcodes.Resume, d: { token: standIn.token, session_id: 'nope', seq: 3 } });
		const invalid = await client.next((frame) => frame.op === GatewayOpcodes.InvalidSession);
		expect(invalid.d).to.equal(false);
	});

	it('replays the dispatches missed since seq, then RESUMED', async () => {
		const first = connect();
		identify(first);
		const ready = await first.next((frame) => frame.t === GatewayDispatchEvents.Ready);
		await first.next((frame) => frame.s === 3);
		await first.close(4100);
		standIn.dispatch('MISSED_ONE', { n: 1 });
		standIn.dispatch('MISSED_TWO', { n: 2 });

		const second = connect();
		second.send({ op: GatewayOpcodes.Resume, d: { token: standIn.token, session_id: ready.d.session_id, seq: 3 } });
		const resumed = await second.next((frame) => frame.t === GatewayDispatchEvents.Resumed);
		expect(second.frames.filter((frame) => frame.op === GatewayOpcodes.Dispatch).map((frame) => [frame.t, frame.s])).to.deep.equal([
			['MISSED_ONE', 4],
			['MISSED_TWO', 5],
			[GatewayDispatchEvents.Resumed, 6]
		]);
		expect(resumed.s).to.equal(6);
	});

	it('does not send events the session has no intent for', async () => {
		const client = connect();
		identify(client, standIn.token, GatewayIntentBits.Guilds);
		await client.next((frame) => frame.s === 3);
		const delivered = standIn.dispatch(GatewayDispatchEvents.MessageCreate, { id: '1', guild_id: standIn.guild('Alpha Community').id, content: 'x' });
		expect(delivered).to.equal(0);
	});

	it('speaks zlib-stream when the client asks for it', async () => {
		const client = connect('?v=10&encoding=json&compress=zlib-stream');
		await client.next((frame) => frame.op === GatewayOpcodes.Hello);
		identify(client);
		const ready = await client.next((frame) => frame.t === GatewayDispatchEvents.Ready);
		expect(ready.d.user.id).to.equal(standIn.botUser.id);
	});

	it('closes with 4001 on an unknown opcode', async () => {
		const client = connect();
		client.send({ op: 42, d: null });
		expect(await client.closed()).to.equal(4001);
	});
});
