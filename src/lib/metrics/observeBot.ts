import { ScheduledTaskEvents, type ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { DefaultRestOptions, RESTEvents, type Client, type RESTOptions } from 'discord.js';
import {
	collectProcessMetrics,
	discordRateLimited,
	discordRateLimitWaits,
	redisErrorCounter,
	scheduledTaskDuration,
	scheduledTaskFailures,
	scheduledTaskLag,
	scheduledTaskRuns,
	scrapeSources,
	type OutboxDepth
} from '#lib/metrics/metrics';

/** The scopes Discord gives a 429 (`X-RateLimit-Scope`); anything else is counted as unknown. */
const RATE_LIMIT_SCOPES = new Set(['user', 'global', 'shared']);

/** discord.js's request function, counting Discord's 429 answers by scope (the REST client's own events do not report them). */
export function countingDiscordRateLimits(makeRequest: RESTOptions['makeRequest'] = DefaultRestOptions.makeRequest): RESTOptions['makeRequest'] {
	return async (url, init) => {
		const response = await makeRequest(url, init);
		if (response.status === 429) {
			const scope = response.headers.get('x-ratelimit-scope') ?? '';
			discordRateLimited.inc({ scope: RATE_LIMIT_SCOPES.has(scope) ? scope : 'unknown' });
		}
		return response;
	};
}

/**
 * How late a repeating run of an interval task started, in ms: BullMQ puts the runs of `every`
 * on the multiples of the interval since the epoch, so the run was due at the last multiple
 * (for a lag within one interval). Undefined for one-off jobs (they carry a payload) and cron
 * patterns, whose due time the run does not carry.
 */
export function repeatingRunLagMs(task: Pick<ScheduledTask, 'interval'>, payload: unknown, now: number): number | undefined {
	const repeating = payload === undefined || (typeof payload === 'object' && payload !== null && Object.keys(payload).length === 0);
	if (!repeating || task.interval === null || task.interval <= 0) return undefined;
	return now % task.interval;
}

/** Counts what the bot's client reports (scheduled tasks, Discord's rate limits, the task queue's Redis errors) and gives the gauges their sources. */
export function observeBotForMetrics(client: Client, sources: { readonly outboxDepth: () => Promise<readonly OutboxDepth[]> }): void {
	collectProcessMetrics();
	scrapeSources.guilds = () => client.guilds.cache.size;
	scrapeSources.outboxDepth = sources.outboxDepth;
	client.rest.on(RESTEvents.RateLimited, () => discordRateLimitWaits.inc());
	client.on(ScheduledTaskEvents.ScheduledTaskRun, (task, payload) => {
		scheduledTaskRuns.inc({ task: task.name });
		const lagMs = repeatingRunLagMs(task, payload, Date.now());
		if (lagMs !== undefined) scheduledTaskLag.observe({ task: task.name }, lagMs / 1000);
	});
	client.on(ScheduledTaskEvents.ScheduledTaskSuccess, (task, _payload, _result, durationMs) =>
		scheduledTaskDuration.observe({ task: task.name }, durationMs / 1000)
	);
	client.on(ScheduledTaskEvents.ScheduledTaskError, (_error, task) => scheduledTaskFailures.inc({ task: task.name }));
	const taskQueueError = redisErrorCounter('tasks');
	for (const event of [
		ScheduledTaskEvents.ScheduledTaskStrategyConnectError,
		ScheduledTaskEvents.ScheduledTaskStrategyClientError,
		ScheduledTaskEvents.ScheduledTaskStrategyWorkerError
	] as const)
		client.on(event, taskQueueError);
}
