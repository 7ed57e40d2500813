/*
 * A fair pick from the open queue, anyone can recompute: the server seed is committed (its sha256
 * shown on the panel) before the pick and revealed by it; the client seed binds the server, the
 * pick's nonce, the commitment and the queue (request ids in order); the drawn place comes from the
 * core's HMAC-SHA256 stream with rejection sampling (no modulo bias), as raffle draws do.
 */
import { candidateBlock, seedCommitment, sha256Hex, uniformBelow } from '#core';

export const PICK_ALGORITHM = 'slot-pick-v1: sha256 commitment, sha256 client seed of server, nonce and queue ids, hmac-sha256 stream, rejection sampling';

/** What a pick drew from. */
export interface PickInput {
	readonly guildId: bigint;
	readonly serverSeed: string;
	readonly commitment: string;
	/** The pick's number in its server: 1 for the first. */
	readonly nonce: number;
	/** The open requests' ids, ascending. */
	readonly candidateIds: readonly number[];
}

export interface PickDraw {
	readonly clientSeed: string;
	readonly index: number;
	readonly rejections: number;
	readonly requestId: number;
}

/** The client seed: sha256 of the algorithm, server, nonce, commitment and queue, one per line. */
export function pickClientSeed(input: Omit<PickInput, 'serverSeed'>): string {
	return sha256Hex([PICK_ALGORITHM, input.guildId.toString(), String(input.nonce), input.commitment, input.candidateIds.join(',')].join('\n'));
}

/** Draws one of the candidates; throws when the seed does not match its commitment or there is no candidate. */
export function drawPick(input: PickInput): PickDraw {
	if (seedCommitment(input.serverSeed) !== input.commitment) throw new Error('The server seed does not match its commitment.');
	if (input.candidateIds.length === 0) throw new RangeError('There is no open request to pick.');
	const clientSeed = pickClientSeed(input);
	const { value, rejections } = uniformBelow(input.candidateIds.length, (counter) => candidateBlock(input.serverSeed, clientSeed, input.nonce, counter));
	return { clientSeed, index: value, rejections, requestId: input.candidateIds[value]! };
}

/** A stored pick, as `/slots verify` reads it. */
export interface StoredPick extends PickInput, PickDraw {}

/** Every way the stored pick differs from its recomputation, in short words; empty when it holds. */
export function verifyPick(pick: StoredPick): string[] {
	const problems: string[] = [];
	if (!/^[0-9a-f]{64}$/.test(pick.serverSeed)) return ['the server seed is not 64 lowercase hex characters'];
	if (seedCommitment(pick.serverSeed) !== pick.commitment) problems.push('the server seed does not match the commitment');
	if (pick.candidateIds.length === 0) return [...problems, 'the queue it drew from is empty'];
	const clientSeed = pickClientSeed(pick);
	if (clientSeed !== pick.clientSeed) problems.push('the client seed is not the one the queue gives');
	const { value, rejections } = uniformBelow(pick.candidateIds.length, (counter) => candidateBlock(pick.serverSeed, clientSeed, pick.nonce, counter));
	if (value !== pick.index || rejections !== pick.rejections) problems.push(`the stream draws place ${value + 1}, not ${pick.index + 1}`);
	if (pick.candidateIds[value] !== pick.requestId) problems.push(`the drawn place holds request #${pick.candidateIds[value]}, not #${pick.requestId}`);
	return problems;
}
