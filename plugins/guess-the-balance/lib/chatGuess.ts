import type { GuildContext } from '#core';
import { formatMoney, parseAmount } from './amount.js';
import { openRounds } from './OpenRounds.js';

/** A chatter as the chat command knows them. */
export interface Chatter {
	readonly userId: string;
	readonly username: string;
}

const NO_ROUND = 'No guess the balance round is open right now.';

/**
 * `!gtb <amount>` and `!gtb` in one server's Kick chat. A guess costs one statement and no read
 * (the open round comes from this process's memory) and is taken silently: a busy chat of guesses
 * would otherwise bury the stream's chat under replies, each one more write. What is refused gets
 * a short answer; `!gtb` alone tells the viewer their guess. Returns the answer, or null for none.
 */
export async function answerChatGuess(
	context: Pick<GuildContext, 'guildId' | 'db' | 'overlayChanged'>,
	chatter: Chatter,
	typed: string,
	at: Date,
	prefix: string
): Promise<string | null> {
	const roundNumber = await openRounds.of(context);
	if (roundNumber === null) return `@${chatter.username} ${NO_ROUND}`;
	const viewer = { kickUserId: chatter.userId, kickUsername: committedName(chatter.username) };
	if (typed.trim() === '') {
		const guess = await context.db.gtb.guessOf(roundNumber, viewer);
		return guess === null
			? `@${chatter.username} you have not guessed in round #${roundNumber} yet: type ${prefix}gtb <amount>, like ${prefix}gtb 1234.56.`
			: `@${chatter.username} your guess in round #${roundNumber} is ${formatMoney(guess.cents)}.`;
	}
	const amount = parseAmount(typed);
	if (!amount.ok) return `@${chatter.username} ${amount.error}`;
	if ((await context.db.gtb.guess(roundNumber, viewer, amount.cents, at)) !== 'not open') {
		// The overlay's guess count: the core coalesces the changes of a busy chat.
		context.overlayChanged('gtb');
		return null;
	}
	// Closed by another process whose word has not arrived yet: read again at the next guess.
	openRounds.forget(context.guildId);
	return `@${chatter.username} ${NO_ROUND}`;
}

/** The name as the committed list holds it: one line per guess, so no line breaks or other control characters. */
function committedName(username: string): string {
	return username.replace(/[\u0000-\u001f\u007f]/g, '');
}
