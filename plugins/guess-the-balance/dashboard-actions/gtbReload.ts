import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { openRounds } from '../lib/OpenRounds.js';

const reloadData = z.object({});
type ReloadData = z.infer<typeof reloadData>;

/** `dashboard:gtb` `reload`: the named server's rounds changed (the dashboard, or another bot process); its open round is read again at the next guess. */
@ApplyOptions<DashboardAction.Options>({ area: 'gtb', action: 'reload', data: reloadData })
export class GtbReload extends DashboardAction<ReloadData> {
	public override async handle(_data: ReloadData, context: GuildContext): Promise<void> {
		openRounds.forget(context.guildId);
		context.overlayChanged('gtb');
	}
}
