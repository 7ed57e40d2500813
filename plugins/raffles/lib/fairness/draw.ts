import { RAFFLE_DRAW_ALGORITHM, assertSeed, clientSeedOf, compareKeys, isSafeText, seedCommitment } from './canonical.js';
import { candidateBlock, uniformBelow } from '#core';
import { readTable, type EligibleEntries } from './table.js';
import type { DrawInput, DrawRecord, DrawWinner } from './types.js';

/** Picks the winners of slots 1… from the eligible ranges; each winner's range is removed and the rest laid consecutively again. */
export function pickWinners(
	eligible: EligibleEntries,
	draw: { readonly serverSeed: string; readonly clientSeed: string; readonly requestedWinners: number; readonly firstNonce: number }
): DrawWinner[] {
	const winners: DrawWinner[] = [];
	// Ranges already won in this draw, in the original numbering, sorted by start.
	const removed: { start: number; length: number }[] = [];
	let remaining = eligible.tickets;
	const count = Math.min(draw.requestedWinners, eligible.count);
	for (let slot = 1; slot <= count; slot++) {
		const nonce = draw.firstNonce + slot - 1;
		const { value: ticket, rejections } = uniformBelow(remaining, (counter) => candidateBlock(draw.serverSeed, draw.clientSeed, nonce, counter));
		// The ticket in the original numbering: skip over every removed range at or before it.
		let original = ticket;
		for (const range of removed) {
			if (original >= range.start) original += range.length;
			else break;
		}
		const index = eligible.indexOfTicket(original);
		const start = eligible.startOf(index);
		const tickets = eligible.ticketsOf(index);
		let before = 0;
		for (const range of removed) if (range.start < start) before += range.length;
		const rangeStart = start - before;
		winners.push({
			slot,
			nonce,
			remainingTickets: remaining,
			ticket,
			rejections,
			key: eligible.keyOf(index),
			tickets,
			rangeStart,
			rangeEnd: rangeStart + tickets
		});
		removed.push({ start, length: tickets });
		removed.sort((a, b) => a.start - b.start);
		remaining -= tickets;
	}
	return winners;
}

/**
 * Draws `winnerCount` winners (fewer if fewer are eligible) from the ticket table, read once, and
 * returns the record that lets anyone recompute the draw. Throws when the seed does not match
 * its commitment or an input is malformed.
 */
export async function drawWinners(input: DrawInput): Promise<DrawRecord> {
	assertSeed(input.serverSeed);
	if (seedCommitment(input.serverSeed) !== input.commitment)
		throw new Error('The server seed does not match the commitment published when the period opened.');
	const requestedWinners = input.winnerCount;
	if (!Number.isSafeInteger(requestedWinners) || requestedWinners < 1)
		throw new RangeError(`The number of winners must be a positive whole number, got ${requestedWinners}.`);
	const firstNonce = input.firstNonce ?? 1;
	if (!Number.isSafeInteger(firstNonce) || firstNonce < 0 || !Number.isSafeInteger(firstNonce + requestedWinners))
		throw new RangeError(`The first nonce must be a whole number ≥ 0, got ${firstNonce}.`);
	const label = input.label ?? '';
	if (!isSafeText(label)) throw new TypeError('The draw label must be one line of text without control characters.');
	const excluded = input.excluded ?? new Map<string, string>();
	for (const [key, reason] of excluded) {
		if (!isSafeText(key) || key === '')
			throw new TypeError(`An excluded key must be non-empty text without control characters, got ${JSON.stringify(key)}.`);
		if (!isSafeText(reason) || reason === '') throw new TypeError(`The reason ${key} is excluded must be non-empty text without control characters.`);
	}
	const previousWinners = [...new Set(input.previousWinners ?? [])].sort(compareKeys);
	for (const key of previousWinners) {
		if (!isSafeText(key) || key === '')
			throw new TypeError(`A previous winner's key must be non-empty text without control characters, got ${JSON.stringify(key)}.`);
	}

	const table = await readTable(input.entries, excluded, new Set(previousWinners));
	const clientSeed = clientSeedOf({
		commitment: input.commitment,
		fingerprint: table.fingerprint,
		label,
		requestedWinners,
		firstNonce,
		excluded: table.excluded,
		previousWinners
	});
	return {
		version: 1,
		algorithm: RAFFLE_DRAW_ALGORITHM,
		label,
		serverSeed: input.serverSeed,
		commitment: input.commitment,
		fingerprint: table.fingerprint,
		participants: table.participants,
		totalTickets: table.totalTickets,
		eligibleParticipants: table.eligible.count,
		eligibleTickets: table.eligible.tickets,
		excluded: table.excluded,
		previousWinners,
		requestedWinners,
		firstNonce,
		clientSeed,
		winners: pickWinners(table.eligible, { serverSeed: input.serverSeed, clientSeed, requestedWinners, firstNonce })
	};
}
