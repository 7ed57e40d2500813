import { ApplyOptions } from '@sapphire/decorators';
import { GuildTask, type GuildContext } from '#core';
import { runSchedule } from '../lib/runSchedule.js';

/** The safety sweep's interval: a lost end-of-period job draws this late at most. */
const SWEEP_MS = 5 * 60_000;

/**
 * Every 5 minutes for the servers with raffle periods (the safety sweep), and once at each active
 * period's end (a delayed job whose id names the period): ends, draws (with `raffle_auto_draw`)
 * and renews periods, delivers owed announcements and keeps the leaderboard message up to date.
 * Everything it does is decided by the database, so a retried job or a second process changes nothing.
 */
@ApplyOptions<GuildTask.Options>({
	interval: SWEEP_MS,
	serversWithRowsIn: { table: 'raffle_periods' },
	serversAtOnce: 4,
	customJobOptions: { removeOnComplete: true, removeOnFail: 100 }
})
export class RaffleScheduleTask extends GuildTask {
	protected override async runFor(context: GuildContext): Promise<void> {
		const run = await runSchedule(context, new Date(), (line) => this.container.logger.warn(line));
		const summary = `ended ${run.ended.join(', ') || 'none'}, drew ${run.drawn.join(', ') || 'none'}, opened ${run.opened ?? 'none'}, ${run.announced} announcement(s)`;
		const busy = run.drawn.length + run.ended.length + run.announced > 0 || run.opened !== null;
		if (busy) this.container.logger.info(`Raffles: server ${context.guildId}: ${summary}.`);
		else this.container.logger.debug(`Raffles: server ${context.guildId}: schedule ran: ${summary}.`);
		if (run.nextEnd !== null) await this.wakeAt(context.guildId, run.nextEnd);
	}

	/** The job at a period's end; its id names the server and the end, so scheduling it again keeps one. */
	public async wakeAt(guildId: bigint, end: Date): Promise<void> {
		const delay = Math.max(0, end.getTime() - Date.now()) + 1_000;
		await this.scheduleFor(guildId, undefined, delay, { jobId: `${guildId}-${end.getTime()}` });
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		raffleSchedule: never;
	}
}
