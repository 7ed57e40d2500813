/*
 * Bonus-hunt figures (KICK.md "Gambling-stream conventions"), exact: amounts in cents, ratios as
 * fractions of cents, rounded only when shown.
 * - multiplier of a bonus = payout ÷ bet;
 * - profit = Σ payout − Σ bet; balance = start balance + profit;
 * - average multiplier = Σ payout ÷ Σ bet;
 * - break-even multiplier = |loss| ÷ Σ remaining bets, where the remaining bonuses are the open and
 *   picked-not-played requests, each counted at its bet when known and else at the session's
 *   average bet (Σ bet ÷ bonuses played); 0 while there is no loss, none while nothing remains
 *   or no bet is known yet.
 */
import { compareRatios, type Ratio } from './money.js';

export interface PlayedBonus {
	readonly requestId: number;
	readonly slotCall: string;
	readonly kickUsername: string;
	readonly bet: bigint;
	readonly payout: bigint;
}

export interface HuntFigures {
	readonly startBalance: bigint;
	readonly played: number;
	readonly remaining: number;
	readonly totalBet: bigint;
	readonly totalPayout: bigint;
	readonly profit: bigint;
	readonly balance: bigint;
	readonly averageMultiplier: Ratio | null;
	readonly averageBet: Ratio | null;
	/** Σ of the remaining bonuses' bets (known or averaged); null when some are unknown and no bet is known. */
	readonly remainingBets: Ratio | null;
	readonly breakEven: Ratio | null;
	readonly best: { readonly bonus: PlayedBonus; readonly multiplier: Ratio } | null;
	readonly biggest: PlayedBonus | null;
}

/** The multiplier of one bonus. */
export function multiplierOf(bonus: Pick<PlayedBonus, 'bet' | 'payout'>): Ratio {
	if (bonus.bet <= 0n) throw new RangeError('A bonus needs a bet above 0.');
	return { numerator: bonus.payout, denominator: bonus.bet };
}

/** The figures of a hunt from its start balance, its played bonuses and the remaining ones (their bets, null when unknown). */
export function huntFigures(startBalance: bigint, played: readonly PlayedBonus[], remaining: readonly (bigint | null)[]): HuntFigures {
	let totalBet = 0n;
	let totalPayout = 0n;
	let best: HuntFigures['best'] = null;
	let biggest: PlayedBonus | null = null;
	for (const bonus of played) {
		const multiplier = multiplierOf(bonus);
		totalBet += bonus.bet;
		totalPayout += bonus.payout;
		if (best === null || compareRatios(multiplier, best.multiplier) > 0) best = { bonus, multiplier };
		if (biggest === null || bonus.payout > biggest.payout) biggest = bonus;
	}
	const profit = totalPayout - totalBet;
	const count = BigInt(played.length);
	const averageBet = count === 0n ? null : { numerator: totalBet, denominator: count };
	const known = remaining.filter((bet): bet is bigint => bet !== null);
	const unknown = BigInt(remaining.length - known.length);
	const knownSum = known.reduce((sum, bet) => sum + bet, 0n);
	// Σ known + unknown × (Σ bet ÷ played), over the common denominator `played`.
	const remainingBets: Ratio | null =
		unknown === 0n
			? { numerator: knownSum, denominator: 1n }
			: averageBet === null
				? null
				: { numerator: knownSum * count + unknown * totalBet, denominator: count };
	let breakEven: Ratio | null = null;
	if (remainingBets !== null && remainingBets.numerator > 0n)
		breakEven =
			profit >= 0n ? { numerator: 0n, denominator: 1n } : { numerator: -profit * remainingBets.denominator, denominator: remainingBets.numerator };
	return {
		startBalance,
		played: played.length,
		remaining: remaining.length,
		totalBet,
		totalPayout,
		profit,
		balance: startBalance + profit,
		averageMultiplier: totalBet === 0n ? null : { numerator: totalPayout, denominator: totalBet },
		averageBet,
		remainingBets,
		breakEven,
		best,
		biggest
	};
}
