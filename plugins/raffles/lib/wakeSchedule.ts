import { container } from '@sapphire/framework';
import type { GuildContext } from '#core';

/** The piece of the schedule's task this needs: its job at a period's end. */
interface ScheduleWaker {
	wakeAt(guildId: bigint, end: Date): Promise<void>;
}

/**
 * Schedules the raffle schedule's job at the end of the server's active period (the job id names
 * the server and the end, so doing it again keeps one job). A failure is logged: the safety sweep
 * still finds the period within minutes.
 */
export async function wakeScheduleAtPeriodEnd(context: Pick<GuildContext, 'guildId' | 'db'>): Promise<void> {
	const period = await context.db.raffles.activePeriod();
	if (period === null) return;
	const task = container.stores.get('scheduled-tasks').get('raffleSchedule') as unknown as ScheduleWaker | undefined;
	await task
		?.wakeAt(context.guildId, period.endDate)
		.catch((error: unknown) => container.logger.warn(`Raffles: the end of period #${period.id} could not be scheduled (the sweep draws it):`, error));
}
