import { container } from '@sapphire/framework';
import { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { pluginOfPiece } from '#lib/core/commandCatalog';
import { loadGuildContext, type GuildContext } from '#lib/guild/GuildContext';
import type { GuildShard } from '#lib/database/SystemRepository';
import { forEachAtOnce } from '#lib/tasks/forEachAtOnce';

/** What a per-server job carries: the server (or the shard's servers) it is for, and the task's own data. */
export interface GuildTaskPayload<Payload> {
	/** Set: a run for this one server. */
	readonly guildId?: string;
	/** Set (with `shardCount`): one shard's part of a repeating run, for the servers on that Discord shard. */
	readonly shard?: number;
	readonly shardCount?: number;
	/** Handed to every server of the run. JSON: a run's parts may be done by other processes. */
	readonly data?: Payload;
}

/**
 * A scheduled task that works per server. The piece writes what to do for one server,
 * `runFor(context, data)`; the base class finds the servers and runs it for each one, each
 * on its own (one server's failure is logged and never keeps the others from running), skipping
 * the servers that switched the task's plugin off:
 * - a repeating task (`interval` or `pattern`) runs for every server the bot is in, or, with
 *   `serversWithRowsIn`, for every server that has a row in one of the plugin's tables (e.g. its
 *   enabled timed messages): the database picks them in one query;
 * - `scheduleFor(guildId, data, delayMs)` runs it once, later, for one server.
 * BullMQ runs a job once across bot processes, so each run happens once per server. When the bot's
 * Discord shards are split over processes (SHARD_IDS), a repeating run is spread by shard: each
 * shard's part goes to a process running that shard (`ShardWork`), which works from its own cache,
 * and the part of a shard no running process serves is done by the process that took the run.
 * A repeating run works for one server after another, or for `serversAtOnce` servers at a time
 * (work that mostly waits on Redis or the database). `dataOfRun` gives every server of a repeating
 * run the same data, such as the time it stands for; `beforeWork` runs in each process before it
 * works for servers. SCHEDULED_TASK_INTERVALS can shorten a task's `interval` by its name (for tests and stand-ins).
 *
 * @example
 * \@ApplyOptions<GuildTask.Options>({ interval: 60_000, serversWithRowsIn: { table: 'timed_messages', where: { enabled: true } } })
 * export class PostTimedMessages extends GuildTask {
 *   protected override async runFor(context: GuildContext) { ... }
 * }
 */
export abstract class GuildTask<Payload = undefined> extends ScheduledTask {
	/** Set: a repeating run is for the servers with such a row only. */
	public readonly serversWithRowsIn: GuildTask.RowsIn | undefined;
	/** How many servers a repeating run works for at once. */
	public readonly serversAtOnce: number;

	public constructor(context: ScheduledTask.LoaderContext, options: GuildTask.Options) {
		const configured = options.interval === undefined || options.interval === null ? undefined : container.config?.taskIntervals.get(context.name);
		super(context, configured === undefined ? options : { ...options, interval: configured });
		this.serversWithRowsIn = options.serversWithRowsIn;
		this.serversAtOnce = options.serversAtOnce ?? 1;
		if (!Number.isSafeInteger(this.serversAtOnce) || this.serversAtOnce < 1)
			throw new TypeError(`Scheduled task ${context.name}: serversAtOnce is a whole number from 1 (got ${options.serversAtOnce})`);
	}

	public override async run(payload: GuildTaskPayload<Payload> | undefined): Promise<void> {
		await this.beforeWork();
		if (payload?.guildId !== undefined) {
			await this.runOne(BigInt(payload.guildId), payload.data);
			return;
		}
		if (payload?.shard !== undefined && payload.shardCount !== undefined) {
			await this.runServers({ id: payload.shard, count: payload.shardCount }, payload.data);
			return;
		}
		const data = payload?.data ?? this.dataOfRun();
		const { shardWork } = this.container;
		// This process runs every shard (the default): it does every server itself.
		if (shardWork === undefined) {
			await this.runServers(undefined, data);
			return;
		}
		const { here } = await shardWork.spread(this.name, data, (shard, count) => this.runServers({ id: shard, count }, data));
		if (here.length > 0)
			this.container.logger.info(`Scheduled task ${this.name}: no running process serves shard(s) ${here.join(', ')}; this process did their servers.`);
	}

	/**
	 * Runs this task once for one server, after `delayMs`. With `jobId` (letters, digits, `-` and
	 * `_`), a job of that id still waiting makes this add nothing: scheduling the same work again
	 * (another process, a restart) keeps one job.
	 */
	public async scheduleFor(guildId: bigint, data?: Payload, delayMs = 0, options: { readonly jobId?: string } = {}): Promise<void> {
		const payload: GuildTaskPayload<Payload> = { guildId: guildId.toString(), ...(data === undefined ? {} : { data }) };
		if (options.jobId !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(options.jobId))
			throw new TypeError(`Scheduled task ${this.name}: a job id is 1 to 200 letters, digits, - or _ (got ${options.jobId})`);
		await this.container.tasks.create(
			{ name: this.name as never, payload },
			{ repeated: false, delay: delayMs, ...(options.jobId === undefined ? {} : { customJobOptions: { jobId: `${this.name}-${options.jobId}` } }) }
		);
	}

	/** Does the task's work for the server of `context`. */
	protected abstract runFor(context: GuildContext, data: Payload | undefined): Promise<unknown>;

	/** The data every server of a repeating run gets, made once by the process that takes the run (JSON). */
	protected dataOfRun(): Payload | undefined {
		return undefined;
	}

	/** Runs in each process before it works for servers (a run, its shard's part, one server): e.g. writes what this process batches. */
	protected async beforeWork(): Promise<void> {
		// Nothing by default.
	}

	/** The servers of the run (on one shard, or all of them), `serversAtOnce` at a time. */
	private async runServers(shard: GuildShard | undefined, data: Payload | undefined): Promise<void> {
		const { system } = this.container.db;
		const guildIds =
			this.serversWithRowsIn === undefined
				? await system.joinedGuildIds(shard)
				: await system.joinedGuildIdsWithRowsIn(this.serversWithRowsIn.table, this.serversWithRowsIn.where, shard);
		await forEachAtOnce(guildIds, this.serversAtOnce, (guildId) => this.runOne(guildId, data));
	}

	private async runOne(guildId: bigint, data: Payload | undefined): Promise<void> {
		try {
			const context = await loadGuildContext(guildId, this.container.client.guilds.cache.get(guildId.toString()) ?? null);
			if (context.pluginIsOn(pluginOfPiece(this))) await this.runFor(context, data);
		} catch (error) {
			this.container.logger.error(`Scheduled task ${this.name} failed for server ${guildId}:`, error);
		}
	}
}

export namespace GuildTask {
	/** "Every server that has a row in `table` (with these column values)". */
	export interface RowsIn {
		readonly table: string;
		readonly where?: Readonly<Record<string, string | number | boolean>>;
	}
	export interface Options extends ScheduledTask.Options {
		readonly serversWithRowsIn?: RowsIn;
		/** How many servers a repeating run works for at once; 1 (the default) is one after another. */
		readonly serversAtOnce?: number;
	}
}
