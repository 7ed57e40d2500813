import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { toGuildId, type GuildId } from '#lib/database/GuildId';
import type { GuildContext } from '#lib/guild/GuildContext';
import { OVERLAY_NAME } from '#lib/overlays/OverlayDefinition';
import type { OverlayHub } from '#lib/overlays/OverlayHub';
import { OVERLAY_KEY } from '#lib/overlays/overlayKey';
import type { OverlayKeyCache } from '#lib/overlays/OverlayKeyCache';
import type { DeclaredOverlay } from '#lib/plugins/PluginCatalog';
import { redisErrorCounter } from '#lib/metrics/metrics';
import { redisOptionsFromUrl } from '#lib/startup/redis';

/** Where a page's state goes: an open event stream (the route writes it to the HTTP response). */
export interface OverlaySink {
	/** Writes raw event-stream text. */
	write(text: string): void;
	/** Ends the stream (the page goes "offline" and tries again). */
	end(): void;
}

/** A page's key and overlay name, once they name an overlay that is on in one server. */
export interface FoundOverlay {
	readonly guildId: GuildId;
	readonly keyHash: string;
	readonly overlay: DeclaredOverlay;
}

export interface OverlayLogger {
	debug(...values: readonly unknown[]): void;
	info(...values: readonly unknown[]): void;
	warn(...values: readonly unknown[]): void;
}

export interface OverlayServerOptions {
	readonly redisUrl: string;
	/** This deployment's REDIS_KEY_PREFIX: the channel is `<prefix>:overlays`. */
	readonly keyPrefix: string;
	/** The overlays of the plugins that are on, by name. */
	readonly overlays: () => ReadonlyMap<string, DeclaredOverlay>;
	readonly keys: OverlayKeyCache;
	/** The context of one server, with which its overlays' states are computed. */
	readonly loadContext: (guildId: GuildId) => Promise<GuildContext>;
	readonly logger: OverlayLogger;
	/** At most this many open pages per server (per process); 20 by default. */
	readonly maxStreamsPerServer?: number;
	/** At most this many open pages in all (per process); 1000 by default. */
	readonly maxStreams?: number;
	/** A state is computed at most once per this many milliseconds per overlay of a server; 250 by default. */
	readonly minIntervalMs?: number;
	/** A comment on every stream this often, so proxies keep it open; 15 s by default. */
	readonly heartbeatMs?: number;
}

/** One overlay of one server with pages open in this process. */
interface Topic {
	readonly guildId: GuildId;
	readonly name: string;
	readonly streams: Set<Stream>;
	lastRun: number;
	running: boolean;
	/** A change came while the state was being computed: compute it again after. */
	dirty: boolean;
	timer: NodeJS.Timeout | undefined;
}

interface Stream {
	readonly sink: OverlaySink;
	readonly keyHash: string;
	readonly topic: Topic;
	/** Whether a state reached it yet (its first state is not sent after a newer one). */
	fed: boolean;
}

/** What goes over the Redis channel between bot processes. */
type HubMessage =
	| { readonly from: string; readonly kind: 'changed'; readonly guild: string; readonly name: string }
	| { readonly from: string; readonly kind: 'rotated'; readonly guild: string; readonly keyHash: string };

type ComputedState = { readonly kind: 'state'; readonly json: string } | { readonly kind: 'gone' };

/**
 * The overlays' live side (`container.overlays`): the event streams of open pages, per (server,
 * overlay). A change (`changed`, from this process or another through Redis) makes each process
 * with pages of that overlay open compute its state once, at most every `minIntervalMs` (the last
 * change always shows), and push it to those pages; a process without such pages does nothing.
 * A rotation closes the pages opened with the server's old key in every process.
 */
export class OverlayServer implements OverlayHub {
	public readonly channel: string;
	private readonly origin = randomUUID();
	private readonly subscriber: Redis;
	private readonly publisher: Redis;
	private readonly topics = new Map<string, Topic>();
	private readonly perServer = new Map<GuildId, number>();
	private streamCount = 0;
	private heartbeat: NodeJS.Timeout | undefined;
	private readonly maxStreamsPerServer: number;
	private readonly maxStreams: number;
	private readonly minIntervalMs: number;
	private readonly heartbeatMs: number;
	private closed = false;

	public constructor(private readonly options: OverlayServerOptions) {
		this.channel = `${options.keyPrefix}:overlays`;
		this.maxStreamsPerServer = options.maxStreamsPerServer ?? 20;
		this.maxStreams = options.maxStreams ?? 1000;
		this.minIntervalMs = options.minIntervalMs ?? 250;
		this.heartbeatMs = options.heartbeatMs ?? 15_000;
		const redisOptions = {
			...redisOptionsFromUrl(options.redisUrl),
			lazyConnect: true,
			retryStrategy: (attempt: number) => (this.closed ? null : Math.min(100 * 2 ** Math.min(attempt - 1, 10), 5000))
		};
		this.subscriber = new Redis({ ...redisOptions, connectionName: `kickbot-overlays-subscriber-${process.pid}` });
		// A publish while Redis is away fails after a couple of attempts: this process's own pages were already updated.
		this.publisher = new Redis({ ...redisOptions, connectionName: `kickbot-overlays-publisher-${process.pid}`, maxRetriesPerRequest: 2 });
		// Redis going away only delays other processes' updates; without listeners ioredis would print every failure.
		this.subscriber.on('error', redisErrorCounter('overlays'));
		this.publisher.on('error', redisErrorCounter('overlays'));
		this.subscriber.on('message', (channel: string, text: string) => {
			if (channel === this.channel) this.receive(text);
		});
	}

	/** Subscribes to the other processes' changes; resolves once subscribed (Redis being away only delays it). */
	public async start(): Promise<void> {
		await this.subscriber.connect().catch(() => undefined);
		await this.subscriber.subscribe(this.channel);
		this.options.logger.info(`Overlays: listening for changes on ${this.channel}.`);
	}

	/** How many pages are open in this process: in all, and of one server. */
	public openStreams(guildId?: GuildId): number {
		return guildId === undefined ? this.streamCount : (this.perServer.get(guildId) ?? 0);
	}

	public changed(guildId: GuildId, name: string): void {
		this.changedHere(guildId, name);
		this.publish({ from: this.origin, kind: 'changed', guild: String(guildId), name });
	}

	/** The server's key is now the one with `keyHash`: pages opened with another key close, here and in the other processes. */
	public rotated(guildId: GuildId, keyHash: string): void {
		this.rotatedHere(guildId, keyHash);
		this.publish({ from: this.origin, kind: 'rotated', guild: String(guildId), keyHash });
	}

	/** The overlay a page's key and name show, when the key is a server's and the overlay's plugin is on there; null otherwise. */
	public async find(key: string, name: string): Promise<FoundOverlay | null> {
		if (!OVERLAY_KEY.test(key) || !OVERLAY_NAME.test(name)) return null;
		const overlay = this.options.overlays().get(name);
		if (overlay === undefined) return null;
		const owner = await this.options.keys.resolve(key);
		if (owner === null) return null;
		const context = await this.options.loadContext(owner.guildId);
		return context.pluginIsOn(overlay.plugin) ? { guildId: owner.guildId, keyHash: owner.keyHash, overlay } : null;
	}

	/**
	 * Opens a page's event stream: its current state at once, then each new one. Refused (nothing
	 * written) when the server or the process has as many pages open as allowed.
	 * @returns a function that closes it (the page went away), or 'too many'.
	 */
	public open(found: FoundOverlay, sink: OverlaySink): (() => void) | 'too many' {
		const { guildId } = found;
		if (this.closed || this.streamCount >= this.maxStreams || (this.perServer.get(guildId) ?? 0) >= this.maxStreamsPerServer) return 'too many';
		const topicKey = `${guildId}:${found.overlay.name}`;
		let topic = this.topics.get(topicKey);
		if (topic === undefined) {
			topic = { guildId, name: found.overlay.name, streams: new Set(), lastRun: 0, running: false, dirty: false, timer: undefined };
			this.topics.set(topicKey, topic);
		}
		const stream: Stream = { sink, keyHash: found.keyHash, topic, fed: false };
		topic.streams.add(stream);
		this.streamCount++;
		this.perServer.set(guildId, (this.perServer.get(guildId) ?? 0) + 1);
		this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs);
		// Pages reconnect after 2 s when the stream drops (the bot restarting, a proxy closing it).
		sink.write('retry: 2000\n\n');
		void this.computeState(guildId, found.overlay.name).then(
			(state) => {
				if (!topic.streams.has(stream) || stream.fed) return;
				if (state.kind === 'gone') this.closeStream(stream);
				else this.feed(stream, state.json);
			},
			(error: unknown) => this.options.logger.warn(`Overlay ${found.overlay.name} of server ${guildId}: its state could not be computed:`, error)
		);
		return () => this.remove(stream);
	}

	/** Ends every open page (the bot is stopping: they show "offline") and leaves Redis. */
	public async close(): Promise<void> {
		this.closed = true;
		for (const topic of this.topics.values()) for (const stream of [...topic.streams]) this.closeStream(stream);
		this.subscriber.disconnect();
		if (this.publisher.status === 'ready') await this.publisher.quit().catch(() => undefined);
		this.publisher.disconnect();
	}

	private changedHere(guildId: GuildId, name: string): void {
		const topic = this.topics.get(`${guildId}:${name}`);
		if (topic !== undefined) this.schedule(topic);
	}

	private rotatedHere(guildId: GuildId, keyHash: string): void {
		this.options.keys.forgetOtherKeysOf(guildId, keyHash);
		let closed = 0;
		for (const topic of this.topics.values()) {
			if (topic.guildId !== guildId) continue;
			for (const stream of [...topic.streams]) {
				if (stream.keyHash === keyHash) continue;
				this.closeStream(stream);
				closed++;
			}
		}
		if (closed > 0) this.options.logger.debug(`Overlays: server ${guildId} has a new key; ${closed} page(s) opened with the old one closed.`);
	}

	/** Computes a topic's state now, or when its interval allows; one computation at a time per topic, then one more if changes came meanwhile. */
	private schedule(topic: Topic): void {
		if (topic.running) {
			topic.dirty = true;
			return;
		}
		if (topic.timer !== undefined) return;
		const wait = topic.lastRun + this.minIntervalMs - Date.now();
		if (wait > 0) {
			topic.timer = setTimeout(() => {
				topic.timer = undefined;
				this.schedule(topic);
			}, wait);
			return;
		}
		void this.push(topic);
	}

	private async push(topic: Topic): Promise<void> {
		topic.running = true;
		topic.lastRun = Date.now();
		try {
			const state = await this.computeState(topic.guildId, topic.name);
			for (const stream of [...topic.streams]) {
				if (state.kind === 'gone') this.closeStream(stream);
				else this.feed(stream, state.json);
			}
		} catch (error) {
			this.options.logger.warn(`Overlay ${topic.name} of server ${topic.guildId}: its state could not be computed:`, error);
		} finally {
			topic.running = false;
			if (topic.dirty && topic.streams.size > 0) {
				topic.dirty = false;
				this.schedule(topic);
			}
		}
	}

	/** The overlay's state as JSON, or 'gone' when its plugin is now off in the server (its pages close, and find a 404 when they come back). */
	private async computeState(guildId: GuildId, name: string): Promise<ComputedState> {
		const overlay = this.options.overlays().get(name);
		if (overlay === undefined) return { kind: 'gone' };
		const context = await this.options.loadContext(guildId);
		if (!context.pluginIsOn(overlay.plugin)) return { kind: 'gone' };
		return { kind: 'state', json: JSON.stringify((await overlay.definition.state(context)) ?? null) };
	}

	private feed(stream: Stream, json: string): void {
		stream.fed = true;
		stream.sink.write(`event: state\ndata: ${json}\n\n`);
	}

	private beat(): void {
		for (const topic of this.topics.values()) for (const stream of topic.streams) stream.sink.write(': heartbeat\n\n');
	}

	private closeStream(stream: Stream): void {
		this.remove(stream);
		stream.sink.end();
	}

	private remove(stream: Stream): void {
		const { topic } = stream;
		if (!topic.streams.delete(stream)) return;
		this.streamCount--;
		const left = (this.perServer.get(topic.guildId) ?? 1) - 1;
		if (left === 0) this.perServer.delete(topic.guildId);
		else this.perServer.set(topic.guildId, left);
		if (topic.streams.size === 0) {
			clearTimeout(topic.timer);
			this.topics.delete(`${topic.guildId}:${topic.name}`);
		}
		if (this.streamCount === 0) {
			clearInterval(this.heartbeat);
			this.heartbeat = undefined;
		}
	}

	private publish(message: HubMessage): void {
		if (this.closed) return;
		this.publisher
			.publish(this.channel, JSON.stringify(message))
			.catch((error: unknown) =>
				this.options.logger.debug(`Overlays: could not tell the other bot processes (${error instanceof Error ? error.message : String(error)}).`)
			);
	}

	/** A message of another process; anything malformed is ignored (the channel only asks for work, it grants nothing). */
	private receive(text: string): void {
		let message: Partial<Record<string, unknown>>;
		try {
			message = JSON.parse(text) as Partial<Record<string, unknown>>;
		} catch {
			return;
		}
		if (message.from === this.origin || typeof message.guild !== 'string' || !/^\d{17,19}$/.test(message.guild)) return;
		const guildId = toGuildId(message.guild);
		if (message.kind === 'changed' && typeof message.name === 'string' && OVERLAY_NAME.test(message.name)) this.changedHere(guildId, message.name);
		else if (message.kind === 'rotated' && typeof message.keyHash === 'string' && /^[0-9a-f]{64}$/.test(message.keyHash))
			this.rotatedHere(guildId, message.keyHash);
	}
}
