/** A period's eligibility rules, fixed when it opens, shown with it, checked again at the draw. */
export interface PeriodRules {
	/** Only members with a Kick account linked here (at the draw) can win. */
	readonly linkedOnly: boolean;
	/** The least watch time inside the period, in minutes, to win (0: none). */
	readonly minWatchMinutes: number;
	/** Participants left out, by key, with the reason published in the draw record. */
	readonly excluded: readonly { readonly key: string; readonly reason: string }[];
}

export const EMPTY_RULES: PeriodRules = { linkedOnly: false, minWatchMinutes: 0, excluded: [] };
/** What a period opened without saying otherwise gets. */
export const DEFAULT_RULES: PeriodRules = { linkedOnly: true, minWatchMinutes: 0, excluded: [] };

/** The rules as stored (legacy periods have none: nobody is left out). */
export function readRules(stored: unknown): PeriodRules {
	if (typeof stored !== 'object' || stored === null) return EMPTY_RULES;
	const value = stored as Record<string, unknown>;
	const excluded = Array.isArray(value.excluded)
		? value.excluded.flatMap((entry: unknown) => {
				const item = entry as { key?: unknown; reason?: unknown } | null;
				return typeof item?.key === 'string' && typeof item.reason === 'string' ? [{ key: item.key, reason: item.reason }] : [];
			})
		: [];
	return {
		linkedOnly: value.linkedOnly === true,
		minWatchMinutes: typeof value.minWatchMinutes === 'number' && Number.isSafeInteger(value.minWatchMinutes) ? Math.max(0, value.minWatchMinutes) : 0,
		excluded
	};
}

/** The rules in one line, as shown with the period. */
export function describeRules(rules: PeriodRules): string {
	const parts = [rules.linkedOnly ? 'a Kick account linked here is required to win' : 'anyone with tickets can win'];
	if (rules.minWatchMinutes > 0) parts.push(`at least ${formatHours(rules.minWatchMinutes)} watched in the period`);
	if (rules.excluded.length > 0) parts.push(`${rules.excluded.length} participant(s) excluded`);
	return parts.join('; ');
}

function formatHours(minutes: number): string {
	return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
