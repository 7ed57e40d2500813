import { container } from '@sapphire/framework';

/** The piece of the tick's task this needs: one server's run, soon. */
interface TimersRunner {
	runSoon(guildId: bigint): Promise<void>;
}

/** Asks for a run of one server's timers now; a failure is logged (the minute's tick runs them anyway). */
export async function runTimersSoon(guildId: bigint): Promise<void> {
	const task = container.stores.get('scheduled-tasks').get('timedMessagesTick') as unknown as TimersRunner | undefined;
	await task
		?.runSoon(guildId)
		.catch((error: unknown) =>
			container.logger.warn(`Timed messages: a run of server ${guildId}'s timers could not be scheduled (the next tick runs them):`, error)
		);
}
