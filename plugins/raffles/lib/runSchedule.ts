import { ConflictError, type GuildContext } from '#core';
import { deliverOwedAnnouncements, type AnnounceContext } from './announce.js';
import { drawPeriod } from './drawRaffle.js';
import { commitSeed } from './fairness/index.js';
import { keepLeaderboard } from './leaderboard.js';
import { defaultPeriod, openPeriod, periodAfter } from './periods.js';
import type { RafflePeriodRecord } from './RaffleRepository.js';

/** What the schedule needs of a server's context. */
export type ScheduleContext = AnnounceContext & Pick<GuildContext, 'settings'>;

/** What one run of the schedule did for a server, for the log and the tests. */
export interface ScheduleRun {
	readonly seeded: number;
	readonly ended: number[];
	readonly drawn: number[];
	readonly opened: number | null;
	readonly announced: number;
	/** The active period's end, for the job that wakes the schedule then; null without one. */
	readonly nextEnd: Date | null;
}

/**
 * One server's raffle schedule, run by the job at a period's end and by the safety sweep (so a
 * lost job, or a bot that was down at the end, still draws once it is up). Every step is
 * idempotent and decided by the database: a legacy period without a commitment gets one; a
 * period whose end passed is ended, and drawn when `raffle_auto_draw` is on (exactly once:
 * see drawPeriod); with `raffle_auto_renew` the next period opens with the same rules (one active period per server);
 * owed announcements are delivered; the leaderboard message is brought up to date.
 */
export async function runSchedule(context: ScheduleContext, now: Date, log: (line: string) => void = () => undefined): Promise<ScheduleRun> {
	const raffles = context.db.raffles;
	let seeded = 0;
	for (const period of await raffles.periods(5)) {
		if (period.seedCommitment === null && (period.status === 'active' || period.status === 'ended')) {
			if (await raffles.commitLegacySeed(period.id, commitSeed())) seeded++;
		}
	}
	const ended: number[] = [];
	const drawn: number[] = [];
	let opened: number | null = null;
	const due = await raffles.periodsDue(now);
	for (const period of due) {
		if (context.settings.get('raffle_auto_draw')) {
			const outcome = await drawPeriod(raffles, { periodId: period.id, winnerCount: 1, drawnByDiscordId: null });
			if (outcome.status === 'drawn') drawn.push(period.id);
			else if (outcome.status === 'not drawable') log(`Raffles: server ${context.guildId}: period #${period.id} not drawn: ${outcome.reason}`);
		} else if (period.status === 'active' && (await raffles.endPeriod(period.id))) ended.push(period.id);
	}
	const latest = due.at(-1);
	if (context.settings.get('raffle_auto_renew') && latest !== undefined && (await isLatest(context, latest))) {
		const next = periodAfter(latest.endDate);
		const range = next.endDate <= now ? defaultPeriod(now) : next;
		try {
			// The next period keeps the rules of the one it follows.
			opened = (await openPeriod(raffles, { ...range, rules: latest.rules, prize: context.settings.get('raffle_prize'), openedByDiscordId: null })).id;
		} catch (error) {
			if (!(error instanceof ConflictError)) throw error;
		}
	}
	const announced = await deliverOwedAnnouncements(context, log);
	await keepLeaderboard(context, log);
	const active = await raffles.activePeriod();
	return { seeded, ended, drawn, opened, announced, nextEnd: active?.endDate ?? null };
}

/** Whether no period started after this one (so renewing after it opens the next, once). */
async function isLatest(context: ScheduleContext, period: RafflePeriodRecord): Promise<boolean> {
	const [newest] = await context.db.raffles.periods(1);
	return newest?.id === period.id;
}
