import { ApplyOptions } from '@sapphire/decorators';
import { GuildTask, type GuildContext } from '#core';
import { chatPresence } from '../lib/processChatPresence.js';
import { countWatchtimeTick, describeTickResult, tickOf, type Tick } from '../lib/countWatchtimeTick.js';
import { WatchtimeEvents } from '../lib/watchtimeEvents.js';

/** Tick length: a minute of watch time. */
const TICK_MS = 60_000;

/** A tick as a run carries it to every process that does a part of it (JSON: the minute as epoch ms). */
interface TickRun {
	readonly tickAt: number;
	readonly now: number;
}

/**
 * Every minute, for every server linked to a Kick channel (only their chat makes viewers present):
 * each present viewer of a live server gains a minute. The minute is named by its start, and the
 * database counts each (server, minute) once, so a retried job or a second bot process running it
 * adds nothing. Servers run 16 at a time: each is a Redis round trip and one statement.
 */
@ApplyOptions<GuildTask.Options>({
	interval: TICK_MS,
	serversWithRowsIn: { table: 'kick_connections' },
	serversAtOnce: 16,
	customJobOptions: { removeOnComplete: true, removeOnFail: 100 }
})
export class WatchtimeTickTask extends GuildTask<TickRun> {
	protected override dataOfRun(): TickRun {
		const { tickAt, now } = tickOf(Date.now(), this.interval ?? TICK_MS);
		return { tickAt: tickAt.getTime(), now };
	}

	/** This process's chatters since its last flush are in Redis before the tick reads it. */
	protected override async beforeWork(): Promise<void> {
		await chatPresence
			.flush()
			.catch((error: unknown) => this.container.logger.warn('Watch time: the tick goes on without the last second of chat:', error));
	}

	protected override async runFor(context: GuildContext, run: TickRun | undefined): Promise<void> {
		if (run === undefined) return;
		const tick: Tick = { tickAt: new Date(run.tickAt), now: run.now };
		const result = await countWatchtimeTick(context, tick);
		if (result.status === 'counted') this.container.client.emit(WatchtimeEvents.MinuteCounted, tick.tickAt, context);
		this.container.logger.debug(`Watch time: server ${context.guildId}, tick ${tick.tickAt.toISOString()}: ${describeTickResult(result)}.`);
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		watchtimeTick: never;
	}
}
