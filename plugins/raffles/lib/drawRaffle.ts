import { InvalidInputError } from '#core';
import { drawWinners, pagedEntries, serializeDrawExport, verifyDraw, type DrawExportFile, type DrawRecord, type TicketEntries } from './fairness/index.js';
import type { RaffleRepository, StoredDraw } from './RaffleRepository.js';

/** At most this many winners in one draw. */
export const MAX_WINNERS = 10;

/** What a draw or reroll did. */
export type DrawOutcome =
	| { readonly status: 'drawn'; readonly draw: StoredDraw; readonly record: DrawRecord }
	/** Another call (a second process, a retried job) made it first: its draw. */
	| { readonly status: 'drawn already'; readonly draw: StoredDraw; readonly record: DrawRecord }
	| { readonly status: 'not drawable'; readonly reason: string };

/** The period's ticket table in the draw's order, read in keyset pages from the database each time it is called. */
export function ticketTable(raffles: RaffleRepository, periodId: number): TicketEntries {
	return () => pagedEntries((afterKey, limit) => raffles.entryPage(periodId, afterKey, limit));
}

/**
 * Draws a period, exactly once: an active period is ended first (its tickets stop), the rules are
 * checked again (the excluded entries and reasons go into the record), the engine draws from the
 * committed seed and the ticket table read in pages, and the record is stored as draw #1 with its
 * winners and the announcement owed, in one transaction whose primary key makes it happen once.
 * Two processes drawing at once compute the same record (same seed, same frozen table); one stores it.
 */
export async function drawPeriod(
	raffles: RaffleRepository,
	request: { periodId: number; winnerCount: number; drawnByDiscordId: bigint | null }
): Promise<DrawOutcome> {
	if (!Number.isSafeInteger(request.winnerCount) || request.winnerCount < 1 || request.winnerCount > MAX_WINNERS)
		throw new InvalidInputError(`A draw has 1 to ${MAX_WINNERS} winners`);
	const { period, serverSeed, draws } = await raffles.prepareDraw(request.periodId);
	const first = draws.find((draw) => draw.drawNumber === 1);
	if (first !== undefined) return { status: 'drawn already', draw: first, record: first.record as DrawRecord };
	if (period.status === 'cancelled') return { status: 'not drawable', reason: `Raffle period #${period.id} was cancelled.` };
	// Drawn without a record of this bot: the old single-server bot drew it.
	if (period.status === 'drawn') return { status: 'not drawable', reason: `Raffle period #${period.id} was drawn before this bot kept draw records.` };
	if (serverSeed === null || period.seedCommitment === null)
		return {
			status: 'not drawable',
			reason: `Raffle period #${period.id} has no committed seed yet (a legacy period): the bot commits one within minutes.`
		};
	const excluded = await raffles.ineligible(period.id, period.rules);
	const record = await drawWinners({
		serverSeed,
		commitment: period.seedCommitment,
		entries: ticketTable(raffles, period.id),
		winnerCount: request.winnerCount,
		firstNonce: 1,
		excluded,
		label: `period ${period.id} draw 1`
	});
	return store(raffles, period.id, 1, {
		kind: 'draw',
		slots: record.winners.map((winner) => winner.slot),
		record,
		drawnByDiscordId: request.drawnByDiscordId,
		prize: period.prize
	});
}

/**
 * Rerolls one winner slot of a drawn period: a draw of its own (number = the last + 1) with the
 * next unused nonce, every earlier winner left out, recorded and verifiable like the first.
 */
export async function rerollSlot(
	raffles: RaffleRepository,
	request: { periodId: number; slot: number; drawnByDiscordId: bigint | null }
): Promise<DrawOutcome> {
	const draws = await raffles.draws(request.periodId);
	const first = draws.find((draw) => draw.drawNumber === 1);
	if (first === undefined) return { status: 'not drawable', reason: `Raffle period #${request.periodId} has not been drawn yet.` };
	if (!first.slots.includes(request.slot))
		return { status: 'not drawable', reason: `The draw of period #${request.periodId} has no winner #${request.slot}.` };
	const records = draws.map((draw) => draw.record as DrawRecord);
	const period = (await raffles.period(request.periodId))!;
	const last = records.at(-1)!;
	const nextNonce = Math.max(...records.flatMap((record) => record.winners.map((winner) => winner.nonce)), last.firstNonce) + 1;
	const previousWinners = [...new Set(records.flatMap((record) => record.winners.map((winner) => winner.key)))];
	const drawNumber = draws.at(-1)!.drawNumber + 1;
	const record = await drawWinners({
		serverSeed: last.serverSeed,
		commitment: last.commitment,
		entries: ticketTable(raffles, request.periodId),
		winnerCount: 1,
		firstNonce: nextNonce,
		excluded: new Map(last.excluded.map((entry) => [entry.key, entry.reason])),
		previousWinners,
		label: `period ${request.periodId} draw ${drawNumber} (reroll of winner #${request.slot})`
	});
	if (record.winners.length === 0)
		return { status: 'not drawable', reason: 'Nobody else is eligible: every participant left has won already or is excluded.' };
	return store(raffles, request.periodId, drawNumber, {
		kind: 'reroll',
		slots: [request.slot],
		record,
		drawnByDiscordId: request.drawnByDiscordId,
		prize: period.prize
	});
}

async function store(
	raffles: RaffleRepository,
	periodId: number,
	drawNumber: number,
	draw: { kind: 'draw' | 'reroll'; slots: number[]; record: DrawRecord; drawnByDiscordId: bigint | null; prize: string | null }
): Promise<DrawOutcome> {
	const names = await raffles.ticketsOfKeys(
		periodId,
		draw.record.winners.map((winner) => winner.key)
	);
	const { stored, draw: saved } = await raffles.storeDraw(periodId, drawNumber, {
		kind: draw.kind,
		slots: draw.slots,
		record: draw.record,
		winners: draw.record.winners.map((winner, index) => ({
			slot: draw.slots[index]!,
			participantKey: winner.key,
			discordId: names.get(winner.key)?.discordId ?? null,
			kickName: names.get(winner.key)?.kickName ?? '',
			winningTicket: winner.ticket,
			nonce: winner.nonce
		})),
		totalTickets: draw.record.eligibleTickets,
		totalParticipants: draw.record.eligibleParticipants,
		drawnByDiscordId: draw.drawnByDiscordId,
		prize: draw.prize,
		serverSeed: draw.record.serverSeed,
		clientSeed: draw.record.clientSeed,
		commitment: draw.record.commitment
	});
	return { status: stored ? 'drawn' : 'drawn already', draw: saved, record: saved.record as DrawRecord };
}

/** The winner of each slot now: the latest draw that named it (a reroll replaces the slot's winner). */
export function currentWinners(draws: readonly StoredDraw[]): Map<number, { key: string; drawNumber: number; rerolled: boolean }> {
	const winners = new Map<number, { key: string; drawNumber: number; rerolled: boolean }>();
	for (const draw of draws) {
		const record = draw.record as DrawRecord;
		record.winners.forEach((winner, index) => {
			const slot = draw.slots[index];
			if (slot !== undefined) winners.set(slot, { key: winner.key, drawNumber: draw.drawNumber, rerolled: draw.kind === 'reroll' });
		});
	}
	return winners;
}

/**
 * Recomputes a stored draw from its record and the period's ticket table, and checks that its
 * commitment is the one published when the period opened.
 */
export async function verifyStoredDraw(raffles: RaffleRepository, draw: StoredDraw): Promise<{ ok: boolean; problems: string[] }> {
	const record = draw.record as DrawRecord;
	const period = await raffles.period(draw.periodId);
	const result = await verifyDraw(record, ticketTable(raffles, draw.periodId));
	const problems = [...result.problems];
	if (period?.seedCommitment !== record.commitment) problems.push('The commitment in the record is not the one published when the period opened.');
	return { ok: problems.length === 0, problems };
}

/** The file `/raffle export` attaches: the record and the ticket table, which docs/verify-raffle-draw.mjs checks. */
export function exportDraw(raffles: RaffleRepository, draw: StoredDraw): Promise<DrawExportFile> {
	return serializeDrawExport(draw.record as DrawRecord, ticketTable(raffles, draw.periodId));
}
