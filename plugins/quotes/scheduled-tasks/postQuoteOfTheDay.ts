import { ApplyOptions } from '@sapphire/decorators';
import { GuildTask, type GuildContext } from '#core';
import { postQuoteOfTheDay } from '../lib/postQuote.js';

/** Every 15 minutes, for the servers with quotes: the quote of the day in Kick chat, once a day, soon after the stream goes live. */
@ApplyOptions<GuildTask.Options>({
	interval: 15 * 60_000,
	serversWithRowsIn: { table: 'quotes' },
	customJobOptions: { removeOnComplete: true, removeOnFail: 100 }
})
export class PostQuoteOfTheDayTask extends GuildTask {
	protected override async runFor(context: GuildContext): Promise<void> {
		await postQuoteOfTheDay(context, new Date());
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		postQuoteOfTheDay: never;
	}
}
