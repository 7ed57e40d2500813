import { InvalidInputError } from '#core';
import { commitSeed } from './fairness/index.js';
import type { RafflePeriodRecord, RaffleRepository } from './RaffleRepository.js';
import { DEFAULT_RULES, type PeriodRules } from './rules.js';

/** The longest period: a year. */
export const PERIOD_MAX_MS = 366 * 86_400_000;

/** The first moment of the calendar month (UTC) after the one `moment` is in. */
export function startOfNextMonth(moment: Date): Date {
	return new Date(Date.UTC(moment.getUTCFullYear(), moment.getUTCMonth() + 1, 1));
}

/** The default period: from `now` to the end of this calendar month (UTC). */
export function defaultPeriod(now: Date): { startDate: Date; endDate: Date } {
	return { startDate: now, endDate: startOfNextMonth(now) };
}

/** The period after one that ended at `end`: from `end` to the end of that calendar month (UTC), so monthly periods stay monthly. */
export function periodAfter(end: Date): { startDate: Date; endDate: Date } {
	return { startDate: end, endDate: startOfNextMonth(end) };
}

/**
 * Opens a period: its seed is committed now (the commitment stored and shown, the seed kept
 * secret until the draw), its rules fixed. Every way of opening one (command, dashboard,
 * auto-renew) comes here. @throws {ConflictError} while another is active; {InvalidInputError} for bad dates.
 */
export async function openPeriod(
	raffles: RaffleRepository,
	request: { startDate: Date; endDate: Date; rules?: PeriodRules; prize: string | null; openedByDiscordId: bigint | null }
): Promise<RafflePeriodRecord> {
	const length = request.endDate.getTime() - request.startDate.getTime();
	if (!Number.isFinite(length) || length <= 0) throw new InvalidInputError('A raffle period ends after it starts.');
	if (length > PERIOD_MAX_MS) throw new InvalidInputError('A raffle period lasts at most a year.');
	return raffles.createPeriod({
		startDate: request.startDate,
		endDate: request.endDate,
		seed: commitSeed(),
		rules: request.rules ?? DEFAULT_RULES,
		prize: request.prize,
		openedByDiscordId: request.openedByDiscordId
	});
}

/** Reads `YYYY-MM-DD` (a UTC day's start) or a full ISO time; null when it is neither. */
export function readDate(text: string): Date | null {
	const trimmed = text.trim();
	const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
	const parsed =
		day === null
			? /^\d{4}-\d{2}-\d{2}T/.test(trimmed)
				? new Date(trimmed)
				: null
			: new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
	if (parsed === null || Number.isNaN(parsed.getTime())) return null;
	if (day !== null && parsed.toISOString().slice(0, 10) !== trimmed) return null;
	return parsed;
}
