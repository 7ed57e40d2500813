import { ApplyOptions } from '@sapphire/decorators';
import { GuildTask, type GuildContext } from '#core';
import { chatLines } from '../lib/processChatLines.js';
import { describeOutcomes, runDueTimers, tickOf } from '../lib/runDueTimers.js';

/** A timer's interval is whole minutes: the tick looks every minute. */
const TICK_MS = 60_000;

/** What a run carries: the moment it stands for (epoch ms), the same for every server of a run. */
export interface TimersTick {
	readonly at: number;
}

/**
 * Every minute, for the servers with timers: posts the due ones (`lib/runDueTimers.ts`). The
 * database claims each post, so a retried job, a second bot process or a run the dashboard asked
 * for posts nothing twice, and after downtime a timer posts once, then keeps its interval.
 */
@ApplyOptions<GuildTask.Options>({
	interval: TICK_MS,
	serversWithRowsIn: { table: 'timed_messages' },
	serversAtOnce: 8,
	customJobOptions: { removeOnComplete: true, removeOnFail: 100 }
})
export class TimedMessagesTickTask extends GuildTask<TimersTick> {
	protected override dataOfRun(): TimersTick {
		return { at: tickOf(Date.now(), this.interval ?? TICK_MS).getTime() };
	}

	/** This process's chat lines since its last flush are in Redis before the runs read them. */
	protected override async beforeWork(): Promise<void> {
		await chatLines
			.flush()
			.catch((error: unknown) => this.container.logger.warn('Timed messages: the tick goes on without the last second of chat:', error));
	}

	/** Runs one server's timers soon (the dashboard changed them); the job id keeps one such job per server and tick. */
	public async runSoon(guildId: bigint): Promise<void> {
		const at = tickOf(Date.now(), this.interval ?? TICK_MS).getTime();
		await this.scheduleFor(guildId, { at }, 0, { jobId: `${guildId}-${at}` });
	}

	protected override async runFor(context: GuildContext, tick: TimersTick | undefined): Promise<void> {
		const at = new Date(tick?.at ?? tickOf(Date.now(), this.interval ?? TICK_MS).getTime());
		const outcomes = await runDueTimers(context, at, (line) => this.container.logger.warn(line));
		if (outcomes.length === 0) return;
		const line = `Timed messages: server ${context.guildId}, ${at.toISOString()}: ${describeOutcomes(outcomes)}.`;
		if (outcomes.some((outcome) => outcome.status === 'failed')) this.container.logger.warn(line);
		else this.container.logger.debug(line);
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		timedMessagesTick: never;
	}
}
