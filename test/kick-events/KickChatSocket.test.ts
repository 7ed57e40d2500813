import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { KickEvent } from '#lib/kick/events/KickEvent';
import { KickChatSocket, type KickChatSocketLogger } from '#lib/kick/socket/KickChatSocket';
import { waitFor } from '#test/discord-standin/waitFor';
import { CHAT_MESSAGE_EVENT, PusherServer, chatroomChannel } from '#test/kick-standin/PusherServer';

const KEY = '32cbd69e4b950bf97679';
const BROADCASTER = '123456789';
const ALICE = { id: 987654321, username: 'Alice', badges: [{ type: 'moderator', text: 'Moderator' }] };

interface LogLine {
	readonly level: 'info' | 'warn' | 'error' | 'debug';
	readonly message: string;
}

/** Collects what the socket reports (events and log lines) and lets a test wait for either. */
class Recorder {
	public readonly events: KickEvent[] = [];
	public readonly lines: LogLine[] = [];
	public readonly changes = new EventEmitter();
	public readonly logger: KickChatSocketLogger = {
		info: (message) => this.log('info', message),
		warn: (message) => this.log('warn', message),
		error: (message) => this.log('error', message),
		debug: (message) => this.log('debug', message)
	};

	public readonly onEvent = (event: KickEvent): void => {
		this.events.push(event);
		this.changes.emit('change');
	};

	public async event(predicate: (event: KickEvent) => boolean, what: string): Promise<KickEvent> {
		return waitFor({
			emitter: this.changes,
			event: 'change',
			check: () => this.events.find(predicate),
			describe: () => `${what}; got ${this.describeEvents()}`
		});
	}

	public async chat(messageId: string): Promise<KickEvent> {
		return this.event((event) => event.eventKey === `chat:${messageId}`, `chat message ${messageId}`);
	}

	public async line(level: LogLine['level'], pattern: RegExp): Promise<LogLine> {
		return waitFor({
			emitter: this.changes,
			event: 'change',
			check: () => this.lines.find((line) => line.level === level && pattern.test(line.message)),
			describe: () => `a ${level} line matching ${pattern}; got ${JSON.stringify(this.lines)}`
		});
	}

	public count(eventKey: string): number {
		return this.events.filter((event) => event.eventKey === eventKey).length;
	}

	public linesMatching(pattern: RegExp): LogLine[] {
		return this.lines.filter((line) => pattern.test(line.message));
	}

	private log(level: LogLine['level'], message: string): void {
		this.lines.push({ level, message });
		this.changes.emit('change');
	}

	private describeEvents(): string {
		return JSON.stringify(this.events.map((event) => event.eventKey));
	}
}

describe("KickChatSocket (Kick's Pusher chat socket, against a local Pusher server)", () => {
	let server: PusherServer;
	let recorder: Recorder;
	let socket: KickChatSocket | undefined;

	beforeEach(async () => {
		server = await PusherServer.start({ key: KEY });
		recorder = new Recorder();
	});

	afterEach(async () => {
		socket?.close();
		socket = undefined;
		await server.stop();
	});

	function connect(key = KEY): KickChatSocket {
		socket = new KickChatSocket({ key, cluster: 'us2', host: server.host, logger: recorder.logger, onEvent: recorder.onEvent });
		return socket;
	}

	/** Sends a chat message after everything before it and waits for it: whatever the socket was going to deliver earlier has been delivered. */
	async function roundTrip(chatroomId: string): Promise<void> {
		const marker = server.chatMessage({ chatroomId, content: 'marker', sender: ALICE });
		await recorder.chat(marker.id);
	}

	it('delivers a chat message once, as a typed event keyed by its chat message id', async () => {
		const kick = connect();
		kick.watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		await server.waitForSubscription(chatroomChannel(668));
		expect(kick.state).to.equal('connected');
		expect(kick.watching()).to.deep.equal(['668']);

		const sentAt = new Date('2025-01-14T16:08:06.000Z');
		const message = server.chatMessage({ chatroomId: 668, content: 'gl [emote:37226:KEKW]', sender: ALICE, createdAt: sentAt });
		expect(await recorder.chat(message.id)).to.deep.equal({
			type: 'chat.message.sent',
			broadcasterUserId: BROADCASTER,
			eventKey: `chat:${message.id}`,
			receivedVia: 'socket',
			at: sentAt,
			messageId: message.id,
			sender: { userId: '987654321', username: 'Alice', channelSlug: 'alice', badges: [{ type: 'moderator', text: 'Moderator' }] },
			content: 'gl [emote:37226:KEKW]',
			repliesTo: null
		});
		await roundTrip('668');
		expect(recorder.count(`chat:${message.id}`)).to.equal(1);
		expect(recorder.linesMatching(/Kick chat socket connected/)).to.have.length(1);
	});

	it('reads a reply, with the message it answers', async () => {
		connect().watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		await server.waitForSubscription(chatroomChannel(668));
		const message = server.chatMessage({
			chatroomId: 668,
			content: '@Bob same',
			sender: ALICE,
			replyTo: { id: 'c0ffee00-0000-4000-8000-000000000001', content: 'gg', sender: { id: 42, username: 'Bob' } }
		});
		expect(await recorder.chat(message.id)).to.deep.include({
			repliesTo: { messageId: 'c0ffee00-0000-4000-8000-000000000001', content: 'gg', sender: { userId: '42', username: 'Bob', channelSlug: null } }
		});
	});

	it('subscribes a chatroom watched twice once, and delivers its messages once', async () => {
		const kick = connect();
		kick.watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		kick.watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		await server.waitForSubscription(chatroomChannel(668));
		kick.watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		kick.watch({ chatroomId: '668', broadcasterUserId: '555' });

		const message = server.chatMessage({ chatroomId: 668, content: 'once', sender: ALICE });
		await recorder.chat(message.id);
		await roundTrip('668');
		expect(recorder.count(`chat:${message.id}`)).to.equal(1);
		expect(server.subscribeRequestsFor(chatroomChannel(668))).to.equal(1);
		expect(kick.watching()).to.deep.equal(['668']);
		expect(recorder.linesMatching(/chatroom 668 is already watched for channel 123456789/)).to.have.length(1);
	});

	it('stops delivering an unwatched chatroom and keeps the others', async () => {
		const kick = connect();
		kick.watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		kick.watch({ chatroomId: '669', broadcasterUserId: '222' });
		await server.waitForSubscription(chatroomChannel(668));
		await server.waitForSubscription(chatroomChannel(669));

		expect(kick.unwatch('668')).to.equal(true);
		expect(kick.unwatch('668')).to.equal(false);
		expect(kick.watching()).to.deep.equal(['669']);
		await server.waitForSubscription(chatroomChannel(668), 0);

		const unwatched = server.chatMessage({ chatroomId: 668, content: 'nobody hears this', sender: ALICE });
		await roundTrip('669');
		expect(recorder.count(`chat:${unwatched.id}`)).to.equal(0);
		expect(recorder.events.every((event) => event.broadcasterUserId === '222')).to.equal(true);
	});

	it('reconnects after the connection drops, subscribes every chatroom again exactly once, and delivers once', async () => {
		const kick = connect();
		const watches = [
			{ chatroomId: '668', broadcasterUserId: BROADCASTER, channelId: '700' },
			{ chatroomId: '669', broadcasterUserId: '222' },
			{ chatroomId: '670', broadcasterUserId: '333' }
		];
		for (const watch of watches) kick.watch(watch);
		const channels = [chatroomChannel(668), 'channel.700', chatroomChannel(669), chatroomChannel(670)];
		for (const channel of channels) await server.waitForSubscription(channel);

		await server.dropConnections();
		expect(server.connections).to.equal(0);
		for (const channel of channels) await server.waitForSubscription(channel);
		await recorder.line('info', /reconnected; subscribing 3 chatroom\(s\) again/);

		const messages = watches.map(({ chatroomId }) => server.chatMessage({ chatroomId, content: `after the drop in ${chatroomId}`, sender: ALICE }));
		for (const message of messages) await recorder.chat(message.id);
		for (const { chatroomId } of watches) await roundTrip(chatroomId);

		expect(server.connections).to.equal(1);
		for (const channel of channels) {
			expect(server.subscriptionsOf(channel), channel).to.equal(1);
			expect(server.subscribeRequestsFor(channel), channel).to.equal(2);
		}
		for (const message of messages) expect(recorder.count(`chat:${message.id}`)).to.equal(1);
		expect(recorder.events.find((event) => event.eventKey === `chat:${messages[1]!.id}`)?.broadcasterUserId).to.equal('222');
		expect(recorder.linesMatching(/lost its connection; reconnecting/)).to.have.length(1);
		expect(recorder.linesMatching(/reconnected/)).to.have.length(1);
		expect(kick.state).to.equal('connected');
	});

	it('after a reconnection, keeps no subscription to a chatroom unwatched while its subscription was pending', async () => {
		const kick = connect();
		kick.watch({ chatroomId: '669', broadcasterUserId: '222' });
		await server.waitForSubscription(chatroomChannel(669));

		// The connection drops as the server receives the subscription: pusher-js never hears the answer.
		server.events.once('subscribe', () => void server.dropConnections());
		kick.watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		kick.unwatch('668');

		await waitFor({
			emitter: server.events,
			event: 'change',
			check: () => (server.subscribeRequestsFor(chatroomChannel(669)) === 2 ? true : undefined),
			describe: () => 'the resubscription of chatrooms.669.v2'
		});
		await server.waitForSubscription(chatroomChannel(668), 0);
		await roundTrip('669');
		expect(server.subscriptionsOf(chatroomChannel(668))).to.equal(0);
		expect(kick.watching()).to.deep.equal(['669']);
	});

	it('drops data that is no JSON, or does not fit, with a log line, and goes on', async () => {
		connect().watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		await server.waitForSubscription(chatroomChannel(668));

		server.emitRaw(chatroomChannel(668), CHAT_MESSAGE_EVENT, '{"id": "x", "content": ');
		await recorder.line('warn', /dropped App\\Events\\ChatMessageEvent on chatrooms\.668\.v2: its data is not JSON/);
		server.emit(chatroomChannel(668), CHAT_MESSAGE_EVENT, { id: 'y', content: 'hi', sender: { username: 'nobody' } });
		await recorder.line('warn', /dropped App\\Events\\ChatMessageEvent on chatrooms\.668\.v2: invalid field sender\.id/);
		server.emit(chatroomChannel(668), 'App\\Events\\PinnedMessageCreatedEvent', { message: {} });
		await recorder.line('debug', /ignored App\\Events\\PinnedMessageCreatedEvent on chatrooms\.668\.v2: not an event the bot reads/);
		server.emit(chatroomChannel(668), 'App\\Events\\GiftedSubscriptionsEvent', { chatroom_id: 668, gifted_usernames: ['bob'], gifter_username: 'alice' });
		await recorder.line('debug', /ignored App\\Events\\GiftedSubscriptionsEvent .*username only/);

		await roundTrip('668');
		expect(recorder.events.map((event) => (event.type === 'chat.message.sent' ? event.content : event.type))).to.deep.equal(['marker']);
	});

	it('drops, with a log line, a message the database could not hold: an id beyond BIGINT, a NUL, a 3 KB message id', async () => {
		connect().watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
		await server.waitForSubscription(chatroomChannel(668));
		const sender = { id: 5, username: 'viewer' };

		server.emit(chatroomChannel(668), CHAT_MESSAGE_EVENT, { id: 'big-id', content: 'hi', sender: { ...sender, id: '1'.repeat(30) } });
		await recorder.line('warn', /dropped App\\Events\\ChatMessageEvent on chatrooms\.668\.v2: invalid field sender\.id: expected an id/);
		server.emit(chatroomChannel(668), CHAT_MESSAGE_EVENT, { id: 'nul', content: 'a\u0000b', sender });
		await recorder.line('warn', /dropped .*: invalid field content: contains a NUL character or a lone surrogate/);
		server.emit(chatroomChannel(668), CHAT_MESSAGE_EVENT, { id: 'm'.repeat(3000), content: 'hi', sender });
		await recorder.line('warn', /dropped .*: invalid field id: expected an event id/);

		await roundTrip('668');
		expect(recorder.events.map((event) => (event.type === 'chat.message.sent' ? event.content : event.type))).to.deep.equal(['marker']);
	});

	it('reads bans, and live/offline from the channel', async () => {
		connect().watch({ chatroomId: '668', channelId: '700', broadcasterUserId: BROADCASTER });
		await server.waitForSubscription(chatroomChannel(668));
		await server.waitForSubscription('channel.700');

		server.emit(chatroomChannel(668), 'App\\Events\\UserBannedEvent', {
			id: '5b0e8c1a-4f0c-4d35-9d3e-7f1a2b3c4d5e',
			user: { id: 42, username: 'Spammer', slug: 'spammer' },
			banned_by: { id: 987654321, username: 'Alice', slug: 'alice' },
			expires_at: '2025-01-14T16:18:06+00:00'
		});
		expect(await recorder.event((event) => event.type === 'moderation.banned', 'a ban')).to.deep.include({
			broadcasterUserId: BROADCASTER,
			eventKey: 'socket:ban:5b0e8c1a-4f0c-4d35-9d3e-7f1a2b3c4d5e',
			receivedVia: 'socket',
			moderator: { userId: '987654321', username: 'Alice', channelSlug: 'alice' },
			bannedUser: { userId: '42', username: 'Spammer', channelSlug: 'spammer' },
			reason: null,
			expiresAt: new Date('2025-01-14T16:18:06Z')
		});

		server.emit('channel.700', 'App\\Events\\StreamerIsLive', {
			livestream: { id: 9001, channel_id: 700, session_title: 'Bonus hunt', source: null, created_at: '2025-01-14 16:00:00' }
		});
		expect(await recorder.event((event) => event.type === 'livestream.status.updated' && event.isLive, 'live')).to.deep.include({
			eventKey: 'socket:live:9001',
			title: 'Bonus hunt',
			startedAt: new Date('2025-01-14T16:00:00Z'),
			at: new Date('2025-01-14T16:00:00Z'),
			endedAt: null
		});

		server.emit('channel.700', 'App\\Events\\StopStreamBroadcast', { livestream: { id: 9001, channel: { id: 700, is_banned: false } } });
		const offline = await recorder.event((event) => event.type === 'livestream.status.updated' && !event.isLive, 'offline');
		expect(offline).to.deep.include({ eventKey: 'socket:offline:9001', broadcasterUserId: BROADCASTER, title: null, startedAt: null, endedAt: null });
		expect(offline.at).to.be.instanceOf(Date);
	});

	it('reports a wrong key once, and stays disconnected', async () => {
		const kick = connect('not-the-key');
		const refused = await recorder.line('error', /refused \(Pusher error 4001: App key not-the-key not in this cluster/);
		expect(refused.message).to.match(/check the Pusher key and cluster/);
		await recorder.line('warn', /disconnected; it will not reconnect by itself/);
		expect(kick.state).to.equal('disconnected');
		await server.waitForConnections(0);
		expect(recorder.lines.filter((line) => line.level === 'error')).to.have.length(1);
	});

	it('reads from a Pusher server attached to another HTTP server, which keeps serving HTTP', async () => {
		const http = createServer((_request, response) => response.end('still here'));
		const attached = PusherServer.attach({ key: KEY, server: http });
		await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
		const kick = new KickChatSocket({ key: KEY, cluster: 'us2', host: attached.host, logger: recorder.logger, onEvent: recorder.onEvent });
		try {
			kick.watch({ chatroomId: '668', broadcasterUserId: BROADCASTER });
			await attached.waitForSubscription(chatroomChannel(668));
			await recorder.chat(attached.chatMessage({ chatroomId: 668, content: 'hi', sender: ALICE }).id);
			expect(await (await fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`)).text()).to.equal('still here');
		} finally {
			kick.close();
			await attached.stop();
			await new Promise<void>((resolve) => http.close(() => resolve()));
		}
	});

	it('refuses ids that are not digits', () => {
		const kick = connect();
		expect(() => kick.watch({ chatroomId: 'chatrooms.668.v2', broadcasterUserId: BROADCASTER })).to.throw(TypeError, /chatroomId must be digits/);
		expect(() => kick.watch({ chatroomId: '668', broadcasterUserId: 'alice' })).to.throw(TypeError, /broadcasterUserId must be digits/);
		expect(kick.watching()).to.deep.equal([]);
	});
});
