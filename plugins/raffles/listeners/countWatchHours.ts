import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import type { ClientEvents } from 'discord.js';
import { countWatchMinute } from '../lib/sources.js';

/** A watch-time minute counted (the watchtime plugin says so): the minute added to linked members' watch time in the period, an hour paid in tickets. */
@ApplyOptions<Listener.Options>({ event: 'watchtimeMinuteCounted' })
export class CountWatchHoursListener extends Listener<'watchtimeMinuteCounted'> {
	public override async run(...[tickAt, context]: ClientEvents['watchtimeMinuteCounted']): Promise<void> {
		// The watchtime plugin's event, not the core's: the core does not skip the servers where this plugin is off.
		if (!context.pluginIsOn('raffles')) return;
		await countWatchMinute(context, tickAt);
	}
}
