import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants as zlibConstants, createDeflate, type Deflate } from 'node:zlib';
import {
	GatewayCloseCodes,
	GatewayDispatchEvents,
	GatewayOpcodes,
	type GatewayGuildCreateDispatchData,
	type GatewayGuildMembersChunkDispatchData,
	type GatewayReadyDispatchData,
	type GatewayRequestGuildMembersData
} from 'discord-api-types/v10';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { shapeForIntents } from './intents.js';
import { waitFor, DEFAULT_TIMEOUT_MS } from './waitFor.js';

/** What the gateway needs from the rest of the stand-in. */
export interface GatewayServerOptions {
	readonly token: string;
	readonly botUserId: string;
	readonly heartbeatIntervalMs?: number;
	readonly timeoutMs?: number;
	/** READY for a session; `shard` is the [id, count] it identified with (absent: unsharded, every guild). */
	ready(sessionId: string, shard: Shard | undefined): GatewayReadyDispatchData;
	/** The GUILD_CREATEs after READY: the guilds of `shard` (all when absent). */
	guildCreates(shard: Shard | undefined): GatewayGuildCreateDispatchData[];
	membersChunk(request: GatewayRequestGuildMembersData): GatewayGuildMembersChunkDispatchData | undefined;
}

/** A session's shard as IDENTIFY gives it: [shard id, shard count]. */
export type Shard = readonly [number, number];

/** Discord's shard of a guild for `count` shards: (guild id >> 22) % count. */
export function shardOfGuild(guildId: string, count: number): number {
	return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

export interface GatewaySessionInfo {
	readonly id: string;
	/** [id, count], or null for an unsharded session (it gets every guild's events). */
	readonly shard: Shard | null;
	readonly intents: number;
	readonly sequence: number;
	readonly connected: boolean;
}

/** How the bot came back after `disconnect`: it resumed its session, or identified anew. */
export type Reconnection = 'resumed' | 'identified';

export interface DisconnectOptions {
	/** The close code; 4000 (resumable) by default, 1006 drops the socket without a close frame. */
	readonly code?: number;
	/** Forget the session, so a RESUME gets op 9 and the bot must identify again. */
	readonly invalidateSession?: boolean;
	readonly timeoutMs?: number;
}

interface DispatchPayload {
	readonly op: GatewayOpcodes.Dispatch;
	readonly t: string;
	readonly s: number;
	readonly d: unknown;
}

interface Session {
	readonly id: string;
	readonly intents: number;
	readonly shard: Shard | null;
	sequence: number;
	connection: GatewayConnection | null;
	/** Every dispatch sent in this session, so a RESUME can replay what the bot missed. */
	readonly history: DispatchPayload[];
}

const HISTORY_LIMIT = 5_000;

/** One socket; encodes payloads as JSON text, or as a zlib stream when the client asked for `compress=zlib-stream`. */
class GatewayConnection {
	public session: Session | null = null;
	private readonly deflate: Deflate | null;
	private pending: Buffer[] = [];
	private queue: Promise<void> = Promise.resolve();

	public constructor(
		public readonly socket: WebSocket,
		compress: string | null
	) {
		this.deflate = compress === 'zlib-stream' ? createDeflate() : null;
		this.deflate?.on('data', (chunk: Buffer) => this.pending.push(chunk));
	}

	public send(payload: unknown): void {
		if (this.socket.readyState !== WebSocket.OPEN) return;
		const text = JSON.stringify(payload);
		const deflate = this.deflate;
		if (!deflate) {
			this.socket.send(text);
			return;
		}
		// Each payload must end with a sync flush (00 00 ff ff) so the client can inflate it alone.
		this.queue = this.queue.then(
			() =>
				new Promise<void>((resolve) => {
					deflate.write(text);
					deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
						const frame = Buffer.concat(this.pending);
						this.pending = [];
						if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
						resolve();
					});
				})
		);
	}

	public close(code: number, reason: string): void {
		this.deflate?.close();
		if (code === 1006) this.socket.terminate();
		else this.socket.close(code, reason);
	}
}

/** The gateway WebSocket: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, and dispatches filtered by intents. */
export class GatewayServer {
	/** Emits 'identified' or 'resumed' (with the session id), then 'any', whenever a bot starts or resumes a session. */
	public readonly events = new EventEmitter();
	private readonly server = new WebSocketServer({ noServer: true });
	private readonly sessions = new Map<string, Session>();
	private readonly connections = new Set<GatewayConnection>();
	private sessionCount = 0;

	public constructor(private readonly options: GatewayServerOptions) {}

	public handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, url.searchParams.get('compress')));
	}

	/**
	 * Sends a dispatch to every session whose shard holds its guild (shard 0 for DMs and events of
	 * no guild, as Discord does) and whose intents allow it (buffered for disconnected ones); returns how many got it.
	 */
	public dispatch(type: string, data: unknown): number {
		const guildId = guildOfDispatch(type, data);
		let delivered = 0;
		for (const session of this.sessions.values()) if (servesGuild(session, guildId) && this.send(session, type, data)) delivered += 1;
		return delivered;
	}

	/** Whether some session (connected or not) would get the events of this guild (null: of DMs). */
	public hasSessionFor(guildId: string | null): boolean {
		return [...this.sessions.values()].some((session) => servesGuild(session, guildId));
	}

	public sessionInfos(): GatewaySessionInfo[] {
		return [...this.sessions.values()].map((session) => ({
			id: session.id,
			shard: session.shard,
			intents: session.intents,
			sequence: session.sequence,
			connected: session.connection !== null
		}));
	}

	public hasSession(): boolean {
		return this.sessions.size > 0;
	}

	/** Closes the bot's sockets and resolves once it is back (resumed or identified again). */
	public async disconnect(options: DisconnectOptions = {}): Promise<Reconnection> {
		const connected = [...this.sessions.values()].filter((session) => session.connection !== null);
		if (connected.length === 0) throw new Error('No bot is connected to the gateway, so there is nothing to disconnect');
		let reconnection: Reconnection | undefined;
		const onResumed = () => (reconnection ??= 'resumed');
		const onIdentified = () => (reconnection ??= 'identified');
		this.events.on('resumed', onResumed).on('identified', onIdentified);
		const code = options.code ?? 4000;
		for (const session of connected) {
			const connection = session.connection!;
			// Detach first, so dispatches from now on are buffered for the replay.
			session.connection = null;
			connection.session = null;
			// After a 1000 close a client starts a new session, as Discord expects.
			if (options.invalidateSession || code === 1000) this.sessions.delete(session.id);
			connection.close(code, 'Disconnected by the stand-in');
		}
		try {
			return await waitFor({
				emitter: this.events,
				event: 'any',
				check: () => reconnection,
				timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
				describe: () => 'the bot to resume or identify again after the disconnect'
			});
		} finally {
			this.events.off('resumed', onResumed).off('identified', onIdentified);
		}
	}

	public close(): void {
		for (const connection of this.connections) connection.close(1006, 'Stand-in stopped');
		this.connections.clear();
		this.sessions.clear();
		this.server.close();
	}

	private accept(socket: WebSocket, compress: string | null): void {
		const connection = new GatewayConnection(socket, compress);
		this.connections.add(connection);
		socket.on('message', (raw) => this.onMessage(connection, raw));
		socket.on('close', (code) => {
			this.connections.delete(connection);
			const session = connection.session;
			if (session?.connection !== connection) return;
			session.connection = null;
			// A client closing with 1000/1001 ends its session; any other close leaves it resumable.
			if (code === 1000 || code === 1001) this.sessions.delete(session.id);
		});
		socket.on('error', () => socket.terminate());
		connection.send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 41_250 }, s: null, t: null });
	}

	private onMessage(connection: GatewayConnection, raw: RawData): void {
		let payload: { op?: unknown; d?: unknown };
		try {
			payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
		} catch {
			connection.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
			return;
		}
		switch (payload.op) {
			case GatewayOpcodes.Heartbeat:
				connection.send({ op: GatewayOpcodes.HeartbeatAck });
				return;
			case GatewayOpcodes.Identify:
				this.identify(connection, (payload.d ?? {}) as IdentifyData);
				return;
			case GatewayOpcodes.Resume:
				this.resume(connection, (payload.d ?? {}) as ResumeData);
				return;
			case GatewayOpcodes.RequestGuildMembers:
			case GatewayOpcodes.PresenceUpdate:
			case GatewayOpcodes.VoiceStateUpdate:
				if (!connection.session) {
					connection.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
					return;
				}
				if (payload.op === GatewayOpcodes.RequestGuildMembers) {
					const chunk = this.options.membersChunk(payload.d as GatewayRequestGuildMembersData);
					if (chunk) this.send(connection.session, GatewayDispatchEvents.GuildMembersChunk, chunk);
				}
				return;
			default:
				connection.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
		}
	}

	private identify(connection: GatewayConnection, data: IdentifyData): void {
		if (connection.session) {
			connection.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
			return;
		}
		if (data.token !== this.options.token) {
			connection.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
			return;
		}
		if (typeof data.intents !== 'number' || data.intents < 0 || data.intents >= 1 << 26) {
			connection.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
			return;
		}
		const shard = data.shard ?? null;
		if (shard !== null && !isValidShard(shard)) {
			connection.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
			return;
		}
		this.sessionCount += 1;
		const session: Session = {
			id: `standin-session-${this.sessionCount}-${Date.now().toString(36)}`,
			intents: data.intents,
			shard,
			sequence: 0,
			connection,
			history: []
		};
		connection.session = session;
		this.sessions.set(session.id, session);
		this.send(session, GatewayDispatchEvents.Ready, this.options.ready(session.id, shard ?? undefined));
		for (const guild of this.options.guildCreates(shard ?? undefined)) this.send(session, GatewayDispatchEvents.GuildCreate, guild);
		this.events.emit('identified', session.id);
		this.events.emit('any');
	}

	private resume(connection: GatewayConnection, data: ResumeData): void {
		if (data.token !== this.options.token) {
			connection.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
			return;
		}
		const session = typeof data.session_id === 'string' ? this.sessions.get(data.session_id) : undefined;
		if (!session) {
			connection.send({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
			return;
		}
		session.connection?.close(4000, 'Session resumed elsewhere');
		session.connection = connection;
		connection.session = session;
		const since = typeof data.seq === 'number' ? data.seq : 0;
		for (const payload of session.history) if (payload.s > since) connection.send(payload);
		session.sequence += 1;
		connection.send({ op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Resumed, s: session.sequence, d: {} });
		this.events.emit('resumed', session.id);
		this.events.emit('any');
	}

	private send(session: Session, type: string, data: unknown): boolean {
		const shaped = type === GatewayDispatchEvents.Ready ? data : shapeForIntents(type, data, session.intents, this.options.botUserId);
		if (shaped === undefined) return false;
		session.sequence += 1;
		const payload: DispatchPayload = { op: GatewayOpcodes.Dispatch, t: type, s: session.sequence, d: shaped };
		session.history.push(payload);
		if (session.history.length > HISTORY_LIMIT) session.history.shift();
		session.connection?.send(payload);
		return true;
	}
}

interface IdentifyData {
	readonly token?: unknown;
	readonly intents?: unknown;
	readonly shard?: unknown;
}

function isValidShard(shard: unknown): shard is Shard {
	if (!Array.isArray(shard) || shard.length !== 2) return false;
	const [id, count] = shard as unknown[];
	return Number.isSafeInteger(id) && Number.isSafeInteger(count) && (count as number) >= 1 && (id as number) >= 0 && (id as number) < (count as number);
}

/** The guild a dispatch belongs to (null for DMs and events of no guild): GUILD_CREATE/UPDATE/DELETE name it `id`, the rest `guild_id`. */
function guildOfDispatch(type: string, data: unknown): string | null {
	if (typeof data !== 'object' || data === null) return null;
	const record = data as { readonly id?: unknown; readonly guild_id?: unknown };
	const guildTypes: readonly string[] = [GatewayDispatchEvents.GuildCreate, GatewayDispatchEvents.GuildUpdate, GatewayDispatchEvents.GuildDelete];
	const id = guildTypes.includes(type) ? record.id : record.guild_id;
	return typeof id === 'string' ? id : null;
}

function servesGuild(session: Session, guildId: string | null): boolean {
	if (session.shard === null) return true;
	const [id, count] = session.shard;
	return guildId === null ? id === 0 : shardOfGuild(guildId, count) === id;
}

interface ResumeData {
	readonly token?: unknown;
	readonly session_id?: unknown;
	readonly seq?: unknown;
}
