import { createHash } from 'node:crypto';
import { plainAmount } from './amount.js';

/** A guess as the committed list holds it. */
export interface CommittedGuess {
	readonly kickUserId: string;
	readonly kickUsername: string;
	readonly cents: bigint;
	readonly guessedAt: Date;
}

/**
 * The canonical guess list of a round, the text its commitment is the sha256 of and `/gtb export`
 * attaches: one line per guess in guess order (time, then arrival), each
 * `kick_user_id,kick_username,amount,guessed_at_iso` and a line feed (the last line too), e.g.
 * `4242,viewer_vic,1234.56,2026-12-31T20:15:03.120Z\n`. Amounts have two decimals and no
 * separators; times are UTC ISO 8601 with milliseconds. An empty round is the empty text.
 */
export function canonicalGuessList(guesses: readonly CommittedGuess[]): string {
	return guesses.map((guess) => `${guess.kickUserId},${guess.kickUsername},${plainAmount(guess.cents)},${guess.guessedAt.toISOString()}\n`).join('');
}

/** The commitment: the sha256 of the canonical list's UTF-8 bytes, in lower-case hex (what `sha256sum` prints). */
export function commitmentOf(list: string): string {
	return createHash('sha256').update(list, 'utf8').digest('hex');
}

/** Whether a guess list (as exported) is the one a commitment was made to. */
export function matchesCommitment(list: string | Buffer, commitment: string): boolean {
	return createHash('sha256').update(list).digest('hex') === commitment.toLowerCase();
}
