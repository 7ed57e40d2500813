import { GroupCommit } from '#lib/database/GroupCommit';
import type { NewOutboxMessage, OutboxCourier, OutboxDestination, OutboxRecord, DeliveryOutcome } from '#lib/outbox/OutboxMessage';
import type { OutboxFinish, OutboxInsert, OutboxStore } from '#lib/outbox/OutboxStore';
import { outboxMessages } from '#lib/metrics/metrics';

/** What became of a message handed to the outbox. */
export type OutboxAcceptance =
	/** Recorded: it will be sent, by this process or, if this one stops, by another (within its freshness). */
	| { readonly status: 'accepted'; readonly id: bigint }
	/** The same work already produced this message (a recovered event ran again): nothing was added. */
	| { readonly status: 'duplicate' }
	/** Recorded as not sent: too many messages were waiting for its destination, or it was already too old. */
	| { readonly status: 'dropped' | 'expired' };

export interface OutboxLogger {
	info(...values: readonly unknown[]): void;
	warn(...values: readonly unknown[]): void;
	error(...values: readonly unknown[]): void;
}

export interface OutboxOptions {
	readonly store: OutboxStore;
	readonly couriers: readonly OutboxCourier[];
	readonly logger: OutboxLogger;
	/** Who this process is when it holds a message (PROCESS_IDENTITY). */
	readonly owner: string;
	/** How long a message stays this process's without a renewal (default 30 s): the delay before another process takes over after a crash. */
	readonly leaseMs?: number;
	/** How often this process renews its leases (default 10 s). */
	readonly renewEveryMs?: number;
	/** How often this process looks for messages whose owner stopped (default 5 s). */
	readonly takeOverEveryMs?: number;
	/** Messages waiting per destination (a Kick channel, a Discord channel) in this process; past it new ones are dropped (default 100). */
	readonly maxWaitingPerTarget?: number;
	readonly now?: () => number;
}

/** The longest text the outbox takes: four Kick chat messages, one Discord message. */
export const MAX_CONTENT_LENGTH = 2000;
const TAKE_OVER_BATCH = 200;
const RETRY_RELEASED_MS = 5_000;

/**
 * Everything the bot posts goes through here. `post` records the message (batched with the
 * others of the moment into one statement) and resolves once it is recorded; a courier then
 * sends it. Every message is sent at most once, across crashes, restarts and bot processes:
 * it is leased to the process that sends it, marked as being sent right before the send, and
 * taken over by another process (or the restarted one) only when its lease ran out; a message
 * whose send was cut short is never repeated, and one past its freshness is closed as expired.
 */
export class Outbox {
	private readonly couriers = new Map<OutboxDestination, OutboxCourier>();
	private readonly leaseMs: number;
	private readonly maxWaitingPerTarget: number;
	private readonly now: () => number;
	private readonly inserts: GroupCommit<OutboxInsert, bigint | null>;
	private readonly claims: GroupCommit<bigint, boolean>;
	private readonly finishes: GroupCommit<OutboxFinish, undefined>;
	/** Ends that could not be written (the database was away): written again at the next renewal. */
	private unwritten: OutboxFinish[] = [];
	private readonly deliveries = new Set<Promise<void>>();
	private timers: NodeJS.Timeout[] = [];
	/** Messages that could not be marked as being sent, waiting to be tried again. */
	private readonly retries = new Set<NodeJS.Timeout>();
	private takingOver: Promise<void> | null = null;
	private closing = false;

	public constructor(private readonly options: OutboxOptions) {
		for (const courier of options.couriers) this.register(courier);
		this.leaseMs = options.leaseMs ?? 30_000;
		this.maxWaitingPerTarget = options.maxWaitingPerTarget ?? 100;
		this.now = options.now ?? Date.now;
		const { store, owner } = options;
		this.inserts = new GroupCommit((messages) => store.insert(messages, owner, this.leaseMs));
		this.claims = new GroupCommit(async (ids) => {
			const held = await store.markSending(ids, owner);
			return ids.map((id) => held.has(id));
		});
		this.finishes = new GroupCommit(async (finishes) => {
			await store.finish(finishes);
			return finishes.map(() => undefined);
		});
	}

	/** Adds the courier of a destination (a connection made after the outbox, such as Kick's, brings its own). */
	public register(courier: OutboxCourier): void {
		if (this.couriers.has(courier.destination)) throw new Error(`The outbox already has a courier for ${courier.destination}.`);
		this.couriers.set(courier.destination, courier);
	}

	/** Starts renewing this process's leases and taking over the messages of stopped processes (at once, then every few seconds). */
	public start(): void {
		if (this.timers.length > 0 || this.closing) return;
		this.timers = [
			setInterval(() => void this.renew(), this.options.renewEveryMs ?? 10_000),
			setInterval(() => void this.takeOver(), this.options.takeOverEveryMs ?? 5_000)
		];
		void this.takeOver();
	}

	/**
	 * Records a message and has it sent. Resolves once it is recorded (or refused); rejects only
	 * when it cannot be recorded (the database is away): then nothing was accepted.
	 */
	public async post(message: NewOutboxMessage): Promise<OutboxAcceptance> {
		const courier = this.couriers.get(message.destination);
		if (courier === undefined) throw new TypeError(`The outbox has no courier for ${message.destination}.`);
		if (message.content.trim() === '' && message.payload === undefined) throw new TypeError('An outbox message needs content.');
		const content = message.content.length > MAX_CONTENT_LENGTH ? `${message.content.slice(0, MAX_CONTENT_LENGTH - 1)}…` : message.content;
		const full = courier.waiting(message.targetId) >= this.maxWaitingPerTarget;
		const expired = message.expiresAt.getTime() <= this.now();
		const insert: OutboxInsert = {
			...message,
			content,
			status: full ? 'dropped' : expired ? 'expired' : 'pending',
			error: full ? `more than ${this.maxWaitingPerTarget} messages were waiting for this destination` : expired ? 'too old when it was made' : undefined
		};
		const id = await this.inserts.submit(insert);
		if (id === null) return { status: 'duplicate' };
		if (insert.status !== 'pending') {
			outboxMessages.inc({ destination: message.destination, outcome: insert.status });
			this.options.logger.warn(`Outbox: a ${message.kind} for server ${message.guildId} was recorded as ${insert.status} (${insert.error}).`);
			return { status: insert.status };
		}
		if (this.closing) return { status: 'accepted', id };
		this.dispatch(courier, { ...insert, id, attempts: 0 });
		return { status: 'accepted', id };
	}

	/** Messages waiting in this process for one destination (for /kick status). */
	public waiting(destination: OutboxDestination, targetId: bigint): number {
		return this.couriers.get(destination)?.waiting(targetId) ?? 0;
	}

	/** Takes over the messages of processes that stopped renewing their leases, and sends the fresh ones. */
	public takeOver(): Promise<void> {
		this.takingOver ??= this.takeOverOnce().finally(() => (this.takingOver = null));
		return this.takingOver;
	}

	/**
	 * Stops: no new take-overs; couriers keep sending for up to `graceMs`, then what did not go out
	 * is released for the next process, and every end is written.
	 */
	public async close(graceMs: number): Promise<void> {
		if (this.closing) return;
		this.closing = true;
		for (const timer of this.timers) clearInterval(timer);
		for (const timer of this.retries) clearTimeout(timer);
		await this.takingOver;
		await Promise.all([...this.couriers.values()].map((courier) => courier.close(graceMs)));
		await Promise.allSettled([...this.deliveries]);
		await this.finishes.settled();
		await this.writeUnwritten().catch((error: unknown) =>
			this.options.logger.warn(
				`Outbox: could not record how ${this.unwritten.length} message(s) ended (${describe(error)}); the next process closes them as interrupted.`
			)
		);
		const released = await this.options.store.release(this.options.owner).catch(() => 0);
		if (released > 0)
			this.options.logger.info(`Outbox: ${released} message(s) not sent before stopping are left for the next bot process (each within its freshness).`);
	}

	private dispatch(courier: OutboxCourier, record: OutboxRecord): void {
		const delivery = courier
			.deliver(record, () => this.claims.submit(record.id))
			.then((outcome) => this.settle(courier, record, outcome))
			.catch((error: unknown) => this.options.logger.error(`Outbox: message ${record.id} of server ${record.guildId}:`, error));
		this.deliveries.add(delivery);
		void delivery.finally(() => this.deliveries.delete(delivery));
	}

	private async settle(courier: OutboxCourier, record: OutboxRecord, outcome: DeliveryOutcome): Promise<void> {
		if (outcome.status === 'lost') return;
		if (outcome.status === 'released') {
			// Still ours and still pending (it could not be marked as being sent): tried again shortly, unless the process is stopping.
			if (this.closing) return;
			const timer = setTimeout(() => {
				this.retries.delete(timer);
				if (!this.closing) this.dispatch(courier, record);
			}, RETRY_RELEASED_MS);
			this.retries.add(timer);
			return;
		}
		outboxMessages.inc({ destination: record.destination, outcome: outcome.status });
		if (outcome.status !== 'sent') {
			const why = outcome.status === 'failed' ? `failed after ${outcome.attempts} attempt(s): ${outcome.error}` : 'expired before its turn came';
			this.options.logger.warn(`Outbox: a ${record.kind} for server ${record.guildId} (${record.destination} ${record.targetId}) was not sent: ${why}.`);
		}
		const finish: OutboxFinish = {
			id: record.id,
			status: outcome.status,
			...(outcome.status === 'failed' ? { error: outcome.error, attempts: outcome.attempts } : {}),
			...(outcome.status === 'expired' ? { error: 'not sent in time: too many messages were waiting before it' } : {}),
			...(outcome.status === 'sent' ? { sentMessageIds: outcome.messageIds, attempts: outcome.attempts } : {})
		};
		await this.finishes.submit(finish).catch(() => this.unwritten.push(finish));
	}

	private async takeOverOnce(): Promise<void> {
		if (this.closing) return;
		try {
			await this.writeUnwritten();
			const { pending, interrupted, expired } = await this.options.store.takeOver(this.options.owner, this.leaseMs, TAKE_OVER_BATCH);
			if (interrupted > 0) {
				outboxMessages.inc({ destination: 'unknown', outcome: 'interrupted' }, interrupted);
				this.options.logger.warn(
					`Outbox: ${interrupted} message(s) were being sent when their bot process stopped; they may have been posted, so they are not sent again.`
				);
			}
			if (expired > 0) {
				outboxMessages.inc({ destination: 'unknown', outcome: 'expired' }, expired);
				this.options.logger.warn(`Outbox: ${expired} message(s) left by a stopped bot process were too old to send and are recorded as expired.`);
			}
			if (pending.length > 0) this.options.logger.info(`Outbox: took over ${pending.length} message(s) left by a stopped bot process.`);
			for (const record of pending) {
				const courier = this.couriers.get(record.destination);
				if (courier !== undefined) this.dispatch(courier, record);
			}
		} catch (error) {
			this.options.logger.warn(`Outbox: could not look for messages left by stopped bot processes (${describe(error)}); trying again shortly.`);
		}
	}

	private async renew(): Promise<void> {
		try {
			await this.writeUnwritten();
			await this.options.store.renew(this.options.owner, this.leaseMs);
		} catch (error) {
			this.options.logger.warn(`Outbox: could not renew this process's messages (${describe(error)}); trying again shortly.`);
		}
	}

	private async writeUnwritten(): Promise<void> {
		if (this.unwritten.length === 0) return;
		const finishes = this.unwritten;
		this.unwritten = [];
		await this.options.store.finish(finishes).catch((error: unknown) => {
			this.unwritten.push(...finishes);
			throw error;
		});
	}
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
