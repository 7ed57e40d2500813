import { randomInt, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { waitFor, DEFAULT_TIMEOUT_MS } from '#test/discord-standin/waitFor';

export interface PusherServerOptions {
	/** The app key clients must connect with. */
	readonly key: string;
	/** Sent in `pusher:connection_established`; Pusher sends 120. */
	readonly activityTimeoutSeconds?: number;
}

export interface ChatMessageSender {
	readonly id: number | string;
	readonly username: string;
	/** The sender's channel slug; the username lower-cased unless given. */
	readonly slug?: string;
	readonly badges?: readonly { readonly type: string; readonly text: string; readonly count?: number }[];
	readonly color?: string;
}

export interface KickChatMessageOptions {
	readonly chatroomId: number | string;
	/** Kick's chat message ids are UUIDs; a fresh one unless given. */
	readonly id?: string;
	readonly content: string;
	readonly sender: ChatMessageSender;
	readonly createdAt?: Date;
	/** Makes the message a reply (`type: "reply"` with Kick's `metadata`). */
	readonly replyTo?: { readonly id: string; readonly content: string; readonly sender: { readonly id: number | string; readonly username: string } };
}

/** The `data` of a Kick `App\Events\ChatMessageEvent`, before it is JSON-encoded. */
export interface KickChatMessagePayload {
	readonly id: string;
	readonly chatroom_id: number;
	readonly content: string;
	readonly type: 'message' | 'reply';
	readonly created_at: string;
	readonly sender: {
		readonly id: number;
		readonly username: string;
		readonly slug: string;
		readonly identity: { readonly color: string; readonly badges: readonly { readonly type: string; readonly text: string; readonly count?: number }[] };
	};
	readonly metadata?: {
		readonly original_sender: { readonly id: number; readonly username: string };
		readonly original_message: { readonly id: string; readonly content: string };
	};
}

export const CHAT_MESSAGE_EVENT = 'App\\Events\\ChatMessageEvent';

/** Kick's chat channel for a chatroom. */
export function chatroomChannel(chatroomId: number | string): string {
	return `chatrooms.${chatroomId}.v2`;
}

interface Client {
	readonly socket: WebSocket;
	readonly socketId: string;
	readonly channels: Set<string>;
}

interface Frame {
	readonly event?: unknown;
	readonly data?: unknown;
}

/**
 * A Pusher Channels server (protocol 7) on 127.0.0.1 for tests, speaking as Kick's chat socket
 * does: public channels only, event data sent as JSON text. Reached as
 * `ws://127.0.0.1:<port>/app/<key>?protocol=7…`; a wrong key is refused with 4001, as Pusher does.
 * It listens on a port of its own (`start`) or takes the `/app/…` upgrades of an HTTP server (`attach`).
 */
export class PusherServer {
	/**
	 * Emits 'change' whenever a client connects, disconnects, subscribes or unsubscribes, and
	 * 'subscribe' (channel) as a subscription request arrives, before it is answered.
	 */
	public readonly events = new EventEmitter();
	private readonly clients = new Set<Client>();
	private readonly subscribeRequests = new Map<string, number>();

	private readonly wss = new WebSocketServer({ noServer: true });
	public readonly key: string;
	private readonly activityTimeoutSeconds: number;
	private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
		// Other upgrade paths belong to whoever else listens on the server.
		if (!(request.url ?? '').startsWith('/app/')) return;
		this.wss.handleUpgrade(request, socket, head, (client) => this.accept(client, request));
	};

	private constructor(
		private readonly http: Server,
		/** Whether stop() closes the HTTP server too (it does when start() made it). */
		private readonly ownsHttp: boolean,
		options: PusherServerOptions
	) {
		this.key = options.key;
		this.activityTimeoutSeconds = options.activityTimeoutSeconds ?? 120;
		http.on('upgrade', this.onUpgrade);
	}

	/** A server on a port of its own on 127.0.0.1. */
	public static async start(options: PusherServerOptions): Promise<PusherServer> {
		const http = createServer((_request, response) => response.writeHead(404).end());
		await new Promise<void>((resolve, reject) => {
			http.once('error', reject);
			http.listen(0, '127.0.0.1', resolve);
		});
		return new PusherServer(http, true, options);
	}

	/** Serves the socket on `server`'s port (listening now or later); stop() leaves `server` open. */
	public static attach(options: PusherServerOptions & { readonly server: Server }): PusherServer {
		return new PusherServer(options.server, false, options);
	}

	public get port(): number {
		const address = this.http.address() as AddressInfo | null;
		if (address === null) throw new Error('PusherServer: the HTTP server is not listening');
		return address.port;
	}

	/** Where a Pusher client should connect: pusher-js' `wsHost`/`wsPort`/`forceTLS`. */
	public get host(): { readonly wsHost: string; readonly wsPort: number; readonly forceTLS: false } {
		return { wsHost: '127.0.0.1', wsPort: this.port, forceTLS: false };
	}

	/** Open client sockets. */
	public get connections(): number {
		return this.clients.size;
	}

	/** How many open sockets are subscribed to `channel` now. */
	public subscriptionsOf(channel: string): number {
		let count = 0;
		for (const client of this.clients) if (client.channels.has(channel)) count++;
		return count;
	}

	/** Every `pusher:subscribe` received for `channel` since the server started, repeats and closed sockets included. */
	public subscribeRequestsFor(channel: string): number {
		return this.subscribeRequests.get(channel) ?? 0;
	}

	/** Resolves once exactly `count` open sockets are subscribed to `channel` (0 waits for the unsubscription). */
	public async waitForSubscription(channel: string, count = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
		await waitFor({
			emitter: this.events,
			event: 'change',
			check: () => (this.subscriptionsOf(channel) === count ? true : undefined),
			timeoutMs,
			describe: () => `${count} subscription(s) to ${channel} (have ${this.subscriptionsOf(channel)})`
		});
	}

	/** Resolves once exactly `count` sockets are open. */
	public async waitForConnections(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
		await waitFor({
			emitter: this.events,
			event: 'change',
			check: () => (this.clients.size === count ? true : undefined),
			timeoutMs,
			describe: () => `${count} open socket(s) (have ${this.clients.size})`
		});
	}

	/** Sends `event` to every subscriber of `channel`, its data JSON-encoded as Pusher does; returns how many sockets it reached. */
	public emit(channel: string, event: string, data: unknown): number {
		return this.emitRaw(channel, event, JSON.stringify(data));
	}

	/** Sends `dataText` as the event's data unchanged, so a test can send data that is no JSON. */
	public emitRaw(channel: string, event: string, dataText: string): number {
		let reached = 0;
		for (const client of this.clients) {
			if (!client.channels.has(channel)) continue;
			client.socket.send(JSON.stringify({ event, channel, data: dataText }));
			reached++;
		}
		return reached;
	}

	/** Emits a Kick-shaped chat message on the chatroom's channel and returns its payload. */
	public chatMessage(options: KickChatMessageOptions): KickChatMessagePayload {
		const { sender, replyTo } = options;
		const payload: KickChatMessagePayload = {
			id: options.id ?? randomUUID(),
			chatroom_id: Number(options.chatroomId),
			content: options.content,
			type: replyTo ? 'reply' : 'message',
			created_at: (options.createdAt ?? new Date()).toISOString(),
			sender: {
				id: Number(sender.id),
				username: sender.username,
				slug: sender.slug ?? sender.username.toLowerCase(),
				identity: { color: sender.color ?? '#1475E1', badges: sender.badges ?? [] }
			},
			...(replyTo && {
				metadata: {
					original_sender: { id: Number(replyTo.sender.id), username: replyTo.sender.username },
					original_message: { id: replyTo.id, content: replyTo.content }
				}
			})
		};
		this.emit(chatroomChannel(options.chatroomId), CHAT_MESSAGE_EVENT, payload);
		return payload;
	}

	/**
	 * Drops every client socket without a closing handshake (code 1006 on the client), as a network
	 * failure would; resolves once the server has let go of them all.
	 */
	public async dropConnections(): Promise<void> {
		const dropped = [...this.clients].map((client) => client.socket);
		for (const socket of dropped) socket.terminate();
		await waitFor({
			emitter: this.events,
			event: 'change',
			check: () => ([...this.clients].some((client) => dropped.includes(client.socket)) ? undefined : true),
			describe: () => `${dropped.length} dropped socket(s) to close`
		});
	}

	public async stop(): Promise<void> {
		this.http.off('upgrade', this.onUpgrade);
		await this.dropConnections();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
		if (this.ownsHttp) await new Promise<void>((resolve) => this.http.close(() => resolve()));
	}

	private accept(socket: WebSocket, request: IncomingMessage): void {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const key = /^\/app\/([^/]+)$/.exec(url.pathname)?.[1];
		if (key !== this.key) {
			this.refuse(socket, 4001, `App key ${key ?? ''} not in this cluster. Did you forget to specify the cluster?`);
			return;
		}
		if (url.searchParams.get('protocol') !== '7') {
			this.refuse(socket, 4007, 'Unsupported protocol version');
			return;
		}
		const client: Client = { socket, socketId: `${randomInt(1e9)}.${randomInt(1e9)}`, channels: new Set() };
		this.clients.add(client);
		socket.on('message', (raw) => this.receive(client, raw));
		socket.on('error', () => socket.terminate());
		socket.on('close', () => {
			this.clients.delete(client);
			this.events.emit('change');
		});
		this.send(client, 'pusher:connection_established', JSON.stringify({ socket_id: client.socketId, activity_timeout: this.activityTimeoutSeconds }));
		this.events.emit('change');
	}

	private refuse(socket: WebSocket, code: number, message: string): void {
		socket.send(JSON.stringify({ event: 'pusher:error', data: { code, message } }));
		socket.close(code, message);
	}

	private receive(client: Client, raw: RawData): void {
		let frame: Frame;
		let data: unknown;
		try {
			frame = JSON.parse(raw.toString()) as Frame;
			// Clients may send data as an object or, like the server, as JSON text.
			data = typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data;
		} catch {
			this.send(client, 'pusher:error', { code: null, message: 'Invalid JSON' });
			return;
		}
		const channel = typeof data === 'object' && data !== null && 'channel' in data && typeof data.channel === 'string' ? data.channel : null;
		switch (frame.event) {
			case 'pusher:ping':
				this.send(client, 'pusher:pong', '{}');
				return;
			case 'pusher:subscribe':
				if (channel === null) return;
				this.subscribeRequests.set(channel, this.subscribeRequestsFor(channel) + 1);
				this.events.emit('subscribe', channel);
				// A listener may have dropped the socket: then there is nobody to answer.
				if (client.socket.readyState !== WebSocket.OPEN) return;
				if (client.channels.has(channel)) {
					// What Pusher answers a socket that subscribes twice to one channel.
					this.send(client, 'pusher:error', { code: null, message: `Existing subscription to channel ${channel}` });
					return;
				}
				client.channels.add(channel);
				this.send(client, 'pusher_internal:subscription_succeeded', '{}', channel);
				this.events.emit('change');
				return;
			case 'pusher:unsubscribe':
				if (channel !== null && client.channels.delete(channel)) this.events.emit('change');
				return;
			default:
				this.send(client, 'pusher:error', { code: null, message: `Unsupported event ${String(frame.event)}` });
		}
	}

	private send(client: Client, event: string, data: unknown, channel?: string): void {
		client.socket.send(JSON.stringify(channel === undefined ? { event, data } : { event, channel, data }));
	}
}
