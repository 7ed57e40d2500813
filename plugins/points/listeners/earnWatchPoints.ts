import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import type { ClientEvents } from 'discord.js';
import { earnWatchMinute } from '../lib/earning.js';

/** A watch-time minute counted (the watchtime plugin says so): points for each 5 new minutes, set-based, once per server and minute. */
@ApplyOptions<Listener.Options>({ event: 'watchtimeMinuteCounted' })
export class EarnWatchPointsListener extends Listener<'watchtimeMinuteCounted'> {
	public override async run(...[tickAt, context]: ClientEvents['watchtimeMinuteCounted']): Promise<void> {
		// The watchtime plugin's event, not the core's: the core does not skip the servers where this plugin is off.
		if (!context.pluginIsOn('points')) return;
		await earnWatchMinute(context, tickAt);
	}
}
