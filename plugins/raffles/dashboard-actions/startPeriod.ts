import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { answerStart } from '../lib/raffleAnswers.js';
import { wakeScheduleAtPeriodEnd } from '../lib/wakeSchedule.js';

const startData = z.object({
	/** When it ends: `YYYY-MM-DD` (UTC) or an ISO time; the end of this month when left out. */
	end: z.string().min(1).max(30).optional(),
	linkedOnly: z.boolean().optional(),
	minWatchHours: z.number().int().min(0).max(1000).optional(),
	/** Members (ids) or Kick usernames who cannot win, separated by spaces. */
	exclude: z.string().max(1000).optional()
});
type StartData = z.infer<typeof startData>;

/** `dashboard:raffle` `start`: opens a period in the named server, its seed committed (a second process finds it open and adds none). */
@ApplyOptions<DashboardAction.Options>({ area: 'raffle', action: 'start', data: startData })
export class StartRafflePeriod extends DashboardAction<StartData> {
	public override async handle(data: StartData, context: GuildContext): Promise<void> {
		const answer = await answerStart(
			context,
			{
				end: data.end ?? null,
				linkedOnly: data.linkedOnly ?? null,
				minWatchHours: data.minWatchHours ?? null,
				exclude: data.exclude ?? null,
				byDiscordId: null
			},
			new Date()
		);
		if (answer.visibility === 'refusal') this.container.logger.warn(`Raffles: the dashboard's start in server ${context.guildId}: ${answer.content}`);
		await wakeScheduleAtPeriodEnd(context);
	}
}
