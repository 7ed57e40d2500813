import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
	/** Kept by the bot until the code exchange: 86 base64url characters (RFC 7636 allows 43–128). */
	readonly verifier: string;
	/** Sent in the authorize URL: base64url(SHA-256(verifier)), for `code_challenge_method=S256`. */
	readonly challenge: string;
}

export function createPkcePair(): PkcePair {
	const verifier = randomBytes(64).toString('base64url');
	return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An unguessable `state` that ties the OAuth callback to the request the bot started. */
export function createOAuthState(): string {
	return randomBytes(32).toString('base64url');
}
