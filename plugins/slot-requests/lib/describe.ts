import type { HuntFigures } from './huntMath.js';
import { formatMoney, ratioText, type Ratio } from './money.js';
import type { SlotRequestRecord } from './SlotRequestsRepository.js';
import type { SlotHunt } from './SlotHuntsRepository.js';

/** `12.50x`, or `–` when there is none. */
export function times(ratio: Ratio | null): string {
	return ratio === null ? '–' : `${ratioText(ratio)}x`;
}

/** `#12 Gates of Olympus (bob)`. */
export function requestLine(request: Pick<SlotRequestRecord, 'id' | 'slotCall' | 'kickUsername'>): string {
	return `#${request.id} ${request.slotCall} (${request.kickUsername})`;
}

/** A played request's result: `Gates of Olympus (bob): $250.00 on a $2.00 bet, 125.00x`. */
export function resultLine(request: Pick<SlotRequestRecord, 'slotCall' | 'kickUsername' | 'bet' | 'payout'>): string {
	const { bet, payout } = request;
	if (bet === null || payout === null) return `${request.slotCall} (${request.kickUsername})`;
	return `${request.slotCall} (${request.kickUsername}): ${formatMoney(payout)} on a ${formatMoney(bet)} bet, ${times({ numerator: payout, denominator: bet })}`;
}

/** The hunt's figures, one fact a line. */
export function huntLines(hunt: SlotHunt, figures: HuntFigures): string[] {
	const lines = [
		`Bonus hunt #${hunt.id} ${hunt.endedAt === null ? '(running)' : '(ended)'}`,
		`Start ${formatMoney(figures.startBalance)} · Balance ${formatMoney(figures.balance)} · Profit ${formatMoney(figures.profit)}`,
		`Bonuses: ${figures.played} played, ${figures.remaining} to go · Bet ${formatMoney(figures.totalBet)} · Paid ${formatMoney(figures.totalPayout)}`,
		`Average ${times(figures.averageMultiplier)} · Break-even ${times(figures.breakEven)}`
	];
	if (figures.best !== null) lines.push(`Best ${times(figures.best.multiplier)}: ${figures.best.bonus.slotCall} (${figures.best.bonus.kickUsername})`);
	if (figures.biggest !== null)
		lines.push(`Biggest payout ${formatMoney(figures.biggest.payout)}: ${figures.biggest.slotCall} (${figures.biggest.kickUsername})`);
	return lines;
}
