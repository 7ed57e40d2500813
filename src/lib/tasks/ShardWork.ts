import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { ShardsOfProcess } from '#lib/discord/shards';
import { redisOptionsFromUrl } from '#lib/startup/redis';

/** The job of one shard's part of a repeating run: the servers on `shard` of `shardCount`, each handed `data`. */
export interface ShardPartPayload<Data = unknown> {
	readonly shard: number;
	readonly shardCount: number;
	readonly data?: Data;
}

export interface ShardWorkLogger {
	warn(...values: readonly unknown[]): void;
}

export interface ShardWorkOptions {
	readonly redisUrl: string;
	readonly keyPrefix: string;
	/** The bot's shard count and the shards this process runs. */
	readonly shards: ShardsOfProcess;
	/** Runs a task's part of a run in this process (the scheduled-task handler's `run`, as for any job). */
	readonly run: (taskName: string, payload: ShardPartPayload) => Promise<unknown>;
	readonly logger: ShardWorkLogger;
	/** Names this process in the marks it leaves (its PROCESS_IDENTITY). */
	readonly owner: string;
	/** How often this process says it works for its shards; 10 s by default. */
	readonly markEveryMs?: number;
	/** How long such a mark holds: past it, a stopped process's shards are done by whoever runs the task; 30 s by default. */
	readonly markLastsMs?: number;
}

const CLOSE_TIMEOUT_MS = 5_000;

// Marks are members `<shard>:<owner>` of one sorted set, scored with when they run out, on Redis's clock (hosts' clocks may differ).
const MARK = `local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1`;
const SERVED = `local t = redis.call('TIME'); return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (t[1] * 1000 + math.floor(t[2] / 1000)), '+inf')`;

/**
 * Spreads the repeating runs of per-server tasks over the bot processes by Discord shard, so each
 * process works for the servers of its own shards, from its own cache. Each shard has a BullMQ
 * queue (`<prefix>-shard-<id>-of-<count>`) that only the processes running that shard work from,
 * and each such process marks the shard as served by it in Redis (renewed every 10 s, lasting 30 s).
 * Whichever process takes a task's repeating job hands each shard's part to that shard's queue;
 * a shard nobody marks (its process stopped, or not started yet) is done there and then by the
 * process that took the job, so no server is left out. BullMQ hands each part to one worker; what a
 * task does is claimed in the database besides, so a part run twice (a mark outliving its process)
 * does nothing twice.
 */
export class ShardWork {
	private readonly redis: Redis;
	private readonly queues = new Map<number, Queue>();
	private readonly workers: Worker[] = [];
	private readonly markEveryMs: number;
	private readonly markLastsMs: number;
	private timer: NodeJS.Timeout | undefined;
	private marking = false;

	public constructor(private readonly options: ShardWorkOptions) {
		this.markEveryMs = options.markEveryMs ?? 10_000;
		this.markLastsMs = options.markLastsMs ?? 30_000;
		this.redis = new Redis(redisOptionsFromUrl(options.redisUrl));
		// Redis being away fails the runs that need it; the queues' own connections say so.
		this.redis.on('error', () => undefined);
	}

	/** The queue of one shard's parts. */
	public queueName(shard: number): string {
		return `${this.options.keyPrefix}-shard-${shard}-of-${this.options.shards.count}`;
	}

	/** Starts working from this process's shards' queues, and marks them served. */
	public async start(): Promise<void> {
		const connection = redisOptionsFromUrl(this.options.redisUrl);
		for (const shard of this.options.shards.ids) {
			const worker = new Worker(this.queueName(shard), (job) => this.options.run(job.name, job.data as ShardPartPayload), { connection, concurrency: 1 });
			worker.on('error', (error) => this.options.logger.warn(`Scheduled tasks: the queue of shard ${shard}: ${error.message}`));
			this.workers.push(worker);
		}
		await this.mark();
		this.timer = setInterval(() => void this.mark(), this.markEveryMs);
	}

	/**
	 * One repeating run of `taskName`: each shard's part goes to the queue of a shard some process
	 * serves, the others are done here with `runHere`, one after another. Resolves once the parts
	 * are queued and this process's are done.
	 */
	public async spread<Data>(
		taskName: string,
		data: Data | undefined,
		runHere: (shard: number, shardCount: number) => Promise<void>
	): Promise<{ readonly queued: number[]; readonly here: number[] }> {
		const { count } = this.options.shards;
		const shards = Array.from({ length: count }, (_, shard) => shard);
		const marks = (await this.redis.eval(SERVED, 1, this.marksKey())) as string[];
		const served = new Set(marks.map((mark) => Number(mark.slice(0, mark.indexOf(':')))));
		const queued = shards.filter((shard) => served.has(shard));
		const here = shards.filter((shard) => !served.has(shard));
		await Promise.all(
			queued.map((shard) =>
				this.queueOf(shard).add(taskName, { shard, shardCount: count, ...(data === undefined ? {} : { data }) } satisfies ShardPartPayload<Data>, {
					removeOnComplete: true,
					removeOnFail: 100
				})
			)
		);
		for (const shard of here) await runHere(shard, count);
		return { queued, here };
	}

	/** Stops working from the queues and takes this process's marks away, so other processes do its shards from the next run. */
	public async close(): Promise<void> {
		clearInterval(this.timer);
		let timer: NodeJS.Timeout | undefined;
		// With Redis away these would wait for it (a worker may even wait forever: see KickBotClient's closeTaskQueue); the jobs stay in Redis.
		await Promise.race([
			Promise.all([
				this.unmark().catch(() => undefined),
				...this.workers.map((worker) => worker.close()),
				...[...this.queues.values()].map((queue) => queue.close())
			]),
			new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)))
		]);
		clearTimeout(timer);
		this.redis.disconnect();
	}

	private async mark(): Promise<void> {
		// While Redis is away a mark waits for it: one at a time, so they do not pile up.
		if (this.marking) return;
		this.marking = true;
		try {
			await this.redis.eval(MARK, 1, this.marksKey(), this.markLastsMs, ...this.ownMarks());
		} catch (error) {
			this.options.logger.warn(
				`Scheduled tasks: could not mark shards ${this.options.shards.ids.join(', ')} as served (${error instanceof Error ? error.message : String(error)}); other processes do their work meanwhile.`
			);
		} finally {
			this.marking = false;
		}
	}

	/** Only this process's marks: another process may serve the same shard. */
	private async unmark(): Promise<void> {
		if (this.options.shards.ids.length > 0) await this.redis.zrem(this.marksKey(), ...this.ownMarks());
	}

	private ownMarks(): string[] {
		return this.options.shards.ids.map((shard) => `${shard}:${this.options.owner}`);
	}

	private marksKey(): string {
		return `${this.options.keyPrefix}:shard-work:${this.options.shards.count}`;
	}

	private queueOf(shard: number): Queue {
		let queue = this.queues.get(shard);
		if (queue === undefined) {
			queue = new Queue(this.queueName(shard), { connection: this.redis });
			queue.on('error', (error) => this.options.logger.warn(`Scheduled tasks: the queue of shard ${shard}: ${error.message}`));
			this.queues.set(shard, queue);
		}
		return queue;
	}
}
