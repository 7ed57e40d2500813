import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { runTimersSoon } from '../lib/runTimersSoon.js';

// `id` is the protocol's (a unique id against replays); the timer is `timer_id`.
const updatedData = z.object({ timer_id: z.number().int().min(1).max(2_147_483_647).optional() });
type UpdatedData = z.infer<typeof updatedData>;

/**
 * `dashboard:timed_messages` `update`: the dashboard added, changed, switched or removed timers of
 * the named server. The timers are read from the database on every run, so nothing is cached to
 * drop; that server’s timers run at once instead of at the next minute (one job per server and
 * tick, whichever processes receive the message; the claims post each interval once).
 */
@ApplyOptions<DashboardAction.Options>({ area: 'timed_messages', action: 'update', data: updatedData })
export class TimersUpdated extends DashboardAction<UpdatedData> {
	public override async handle(data: UpdatedData, context: GuildContext): Promise<void> {
		const which = data.timer_id === undefined ? 'timers' : `timer #${data.timer_id}`;
		this.container.logger.debug(`Timed messages: the dashboard changed ${which} of server ${context.guildId}; its timers run now.`);
		await runTimersSoon(context.guildId);
	}
}
