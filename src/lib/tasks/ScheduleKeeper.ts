import type { ScheduledTaskHandler, ScheduledTaskStore } from '@sapphire/plugin-scheduled-tasks';

export interface ScheduleKeeperLogger {
	info(...values: readonly unknown[]): void;
	warn(...values: readonly unknown[]): void;
}

/**
 * Keeps the repeat jobs of every scheduled task in Redis. Sapphire creates them once, after
 * login; a Redis that restarts empty (no persistence, as many run) or is flushed loses them,
 * and the tasks would never run again until the bot restarts. So they are checked whenever the
 * task queue's Redis connection becomes ready again, and every `checkEveryMs` in case Redis
 * lost them without a reconnection; missing ones are created again (creating is idempotent:
 * BullMQ keys a repeat job by its name and interval, so bot processes doing it at once make one).
 */
export class ScheduleKeeper {
	private timer: NodeJS.Timeout | undefined;
	private checking: Promise<string[]> | null = null;
	private stopped = false;

	public constructor(
		private readonly tasks: ScheduledTaskHandler,
		private readonly store: ScheduledTaskStore,
		private readonly logger: ScheduleKeeperLogger,
		private readonly checkEveryMs = 30_000
	) {}

	/** Watches the queue's connection and starts the periodic check. */
	public async start(): Promise<void> {
		const redis = await this.tasks.client.client;
		redis.on('ready', () => void this.reconcile());
		this.timer = setInterval(() => void this.reconcile(), this.checkEveryMs);
	}

	public stop(): void {
		this.stopped = true;
		clearInterval(this.timer);
	}

	/** Creates the repeat jobs that are missing; resolves with their task names (never rejects: Redis away is retried at the next check). */
	public reconcile(): Promise<string[]> {
		this.checking ??= this.check().finally(() => (this.checking = null));
		return this.checking;
	}

	private async check(): Promise<string[]> {
		if (this.stopped) return [];
		try {
			const expected = this.store.repeatedTasks.map((task) => task.name);
			const present = new Set((await this.tasks.listRepeated({})).map((job) => job.name));
			const missing = expected.filter((name) => !present.has(name));
			if (missing.length === 0 || this.stopped) return [];
			await this.tasks.createRepeated();
			this.logger.warn(
				`Scheduled tasks: ${missing.length} repeat job(s) were missing in Redis (${missing.join(', ')}), as after a restart of Redis without persistence; created again.`
			);
			return missing;
		} catch (error) {
			this.logger.warn(
				`Scheduled tasks: could not check the repeat jobs in Redis (${error instanceof Error ? error.message : String(error)}); checking again shortly.`
			);
			return [];
		}
	}
}
