import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { drawWinners, seedCommitment, type TicketEntry } from '../lib/fairness/index.js';

/*
 * Goodness of fit of many simulated draws to the ticket shares. Seeds are derived from the draw's
 * number, so the statistic is the same on every run: the test cannot flake, and it fails if the
 * mapping from hash to ticket, the ranges or the removal of earlier winners is biased.
 * Significance level 0.001; critical values of the chi-square distribution.
 */
const CRITICAL_0_001: Readonly<Record<number, number>> = { 2: 13.816, 7: 24.322 };
const DRAWS = 12_000;

const seedOf = (label: string, draw: number): string => createHash('sha256').update(`${label} ${draw}`).digest('hex');

function chiSquare(observed: readonly number[], expected: readonly number[]): number {
	return observed.reduce((sum, count, index) => sum + (count - expected[index]!) ** 2 / expected[index]!, 0);
}

/** Counts, per entry, how often it won each slot over `DRAWS` draws. */
async function simulate(entries: readonly TicketEntry[], winners: number, label: string): Promise<{ slots: number[][]; rejections: number }> {
	const slots = Array.from({ length: winners }, () => Array<number>(entries.length).fill(0));
	const index = new Map(entries.map((entry, position) => [entry.key, position]));
	let rejections = 0;
	for (let draw = 0; draw < DRAWS; draw++) {
		const serverSeed = seedOf(label, draw);
		const record = await drawWinners({ serverSeed, commitment: seedCommitment(serverSeed), entries: () => entries, winnerCount: winners });
		for (const winner of record.winners) {
			slots[winner.slot - 1]![index.get(winner.key)!]!++;
			rejections += winner.rejections;
		}
	}
	return { slots, rejections };
}

describe('raffle draw fairness (chi-square, α = 0.001)', function () {
	this.timeout(60_000);
	// Uneven holdings: one participant has 47 times the tickets of another.
	const tickets = [1, 2, 3, 5, 8, 13, 21, 47];
	const entries = tickets.map((count, index) => ({ key: `kick:viewer${index}`, tickets: count }));
	const total = tickets.reduce((sum, count) => sum + count, 0);
	const share = tickets.map((count) => count / total);

	it('gives each participant the first place with probability tickets / total', async () => {
		const { slots } = await simulate(entries, 1, 'first');
		const statistic = chiSquare(
			slots[0]!,
			share.map((p) => p * DRAWS)
		);
		expect(statistic, `chi-square ${statistic.toFixed(2)} over ${tickets.length - 1} degrees of freedom`).to.be.below(CRITICAL_0_001[7]!);
	});

	it('gives the second place as drawing again without the first winner’s tickets', async () => {
		const { slots } = await simulate(entries, 2, 'second');
		// P(second = j) = Σ over i ≠ j of P(first = i) · t_j / (total − t_i)
		const second = tickets.map((count, j) => share.reduce((sum, p, i) => (i === j ? sum : sum + (p * count) / (total - tickets[i]!)), 0));
		expect(second.reduce((sum, p) => sum + p, 0)).to.be.closeTo(1, 1e-12);
		const firstStatistic = chiSquare(
			slots[0]!,
			share.map((p) => p * DRAWS)
		);
		const secondStatistic = chiSquare(
			slots[1]!,
			second.map((p) => p * DRAWS)
		);
		expect(firstStatistic, `first place chi-square ${firstStatistic.toFixed(2)}`).to.be.below(CRITICAL_0_001[7]!);
		expect(secondStatistic, `second place chi-square ${secondStatistic.toFixed(2)}`).to.be.below(CRITICAL_0_001[7]!);
	});

	it('stays unbiased where rejection sampling rejects most (5 tickets: 3 of 8 candidates rejected)', async () => {
		const small = [1, 1, 3].map((count, index) => ({ key: `kick:small${index}`, tickets: count }));
		const { slots, rejections } = await simulate(small, 1, 'small');
		const statistic = chiSquare(
			slots[0]!,
			[0.2, 0.2, 0.6].map((p) => p * DRAWS)
		);
		expect(statistic, `chi-square ${statistic.toFixed(2)} over 2 degrees of freedom`).to.be.below(CRITICAL_0_001[2]!);
		// Expected rejections per draw: (3/8) / (5/8) = 0.6.
		expect(rejections / DRAWS).to.be.closeTo(0.6, 0.05);
	});

	it('would notice a biased draw: the same counts against shares shifted by one ticket fail', async () => {
		const { slots } = await simulate(entries, 1, 'first');
		// As if the first participant's range had one more ticket and the last one fewer (an off-by-one in the ranges).
		const shifted = tickets.map((count, index) => (index === 0 ? count + 1 : index === tickets.length - 1 ? count - 1 : count) / total);
		expect(
			chiSquare(
				slots[0]!,
				shifted.map((p) => p * DRAWS)
			)
		).to.be.above(CRITICAL_0_001[7]!);
	});
});
