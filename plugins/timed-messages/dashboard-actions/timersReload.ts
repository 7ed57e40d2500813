import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { runTimersSoon } from '../lib/runTimersSoon.js';

const reloadData = z.object({});
type ReloadData = z.infer<typeof reloadData>;

/** `dashboard:timed_messages` `reload`: as `update`, for a dashboard that names no timer; the named server's timers run at once. */
@ApplyOptions<DashboardAction.Options>({ area: 'timed_messages', action: 'reload', data: reloadData })
export class TimersReload extends DashboardAction<ReloadData> {
	public override async handle(_data: ReloadData, context: GuildContext): Promise<void> {
		await runTimersSoon(context.guildId);
	}
}
