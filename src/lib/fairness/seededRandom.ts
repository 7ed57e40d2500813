/*
 * The commit-reveal randomness of the bot's fair draws (docs/provably-fair.md): a secret seed whose
 * sha256 is shown before the draw, then a stream of HMAC-SHA256 blocks keyed by it and rejection
 * sampling without modulo bias. Raffle draws and slot-request picks both draw from it.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

const SEED_PATTERN = /^[0-9a-f]{64}$/;

export function sha256Hex(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A new secret seed and the commitment to show before it is used. */
export function commitSeed(): { serverSeed: string; commitment: string } {
	const serverSeed = randomBytes(32).toString('hex');
	return { serverSeed, commitment: seedCommitment(serverSeed) };
}

/** sha256 of the seed's 64-character lowercase hex text (UTF-8), as hex: checkable with any sha256 tool. */
export function seedCommitment(serverSeed: string): string {
	assertSeed(serverSeed);
	return sha256Hex(serverSeed);
}

export function assertSeed(serverSeed: string): void {
	if (typeof serverSeed !== 'string' || !SEED_PATTERN.test(serverSeed)) throw new TypeError('The server seed must be 64 lowercase hex characters.');
}

/** The 32 bytes of candidate `counter` for one draw: HMAC-SHA256 keyed by the seed's text over `clientSeed:nonce:counter`. */
export function candidateBlock(serverSeed: string, clientSeed: string, nonce: number, counter: number): Buffer {
	return createHmac('sha256', Buffer.from(serverSeed, 'utf8')).update(`${clientSeed}:${nonce}:${counter}`, 'utf8').digest();
}

/** Bits needed to write every value below `range`: the bit length of range − 1 (0 when range is 1). */
export function bitsFor(range: number): number {
	let bits = 0;
	for (let rest = BigInt(range - 1); rest > 0n; rest >>= 1n) bits++;
	return bits;
}

/**
 * A whole number uniform in [0, range) from a stream of blocks, without modulo bias: each block's
 * first 8 bytes (big-endian) give a candidate, its top `bitsFor(range)` bits; a candidate ≥ range
 * is rejected and the next block is read.
 */
export function uniformBelow(range: number, blockAt: (counter: number) => Uint8Array): { value: number; rejections: number } {
	if (!Number.isSafeInteger(range) || range < 1) throw new RangeError(`The range must be a positive safe integer, got ${range}.`);
	const shift = BigInt(64 - bitsFor(range));
	// Each candidate is accepted with probability above 1/2, so this never ends only with a broken stream.
	for (let counter = 0; counter < 10_000; counter++) {
		const block = blockAt(counter);
		if (block.length < 8) throw new RangeError('A block of the stream has fewer than 8 bytes.');
		const candidate = Number(Buffer.from(block.buffer, block.byteOffset, 8).readBigUInt64BE(0) >> shift);
		if (candidate < range) return { value: candidate, rejections: counter };
	}
	throw new Error('The stream gave 10,000 rejected candidates in a row; it is not random.');
}
