import { escapeMarkdown, type APIEmbed } from 'discord.js';
import type { ChannelMessage } from '#core';
import { formatMoney } from './amount.js';
import { panelButtons } from './gtbButtons.js';
import type { GtbGuess, GtbRound } from './GtbRepository.js';

/** How far a guess is from the final balance, as answers show it. */
export function offBy(guess: GtbGuess, finalCents: bigint): string {
	const distance = guess.cents > finalCents ? guess.cents - finalCents : finalCents - guess.cents;
	return distance === 0n ? 'exact' : `off by ${formatMoney(distance)}`;
}

const STATUS_WORD = { open: '🟢 open', closed: '🔒 closed', finished: '🏁 finished' } as const;

/** A round in a few lines for Discord: state, guesses, commitment, final balance and winners. */
export function roundLines(round: GtbRound, guesses: number, winners: readonly GtbGuess[], prefix: string): string[] {
	const lines = [`**Round #${round.number}** · ${STATUS_WORD[round.status]} · ${guesses === 1 ? '1 guess' : `${guesses} guesses`}`];
	if (round.status === 'open') lines.push(`Viewers guess with \`${prefix}gtb <amount>\` in Kick chat; a new guess replaces theirs.`);
	if (round.commitment !== null) lines.push(`Commitment (sha256 of the guess list): \`${round.commitment}\``);
	if (round.status === 'closed') lines.push('Waiting for the final balance.');
	if (round.finalCents !== null) {
		lines.push(`Final balance: **${formatMoney(round.finalCents)}**`);
		if (winners.length === 0) lines.push('Nobody guessed.');
		for (const winner of winners) lines.push(winnerLine(winner, round.finalCents));
	}
	return lines;
}

function winnerLine(winner: GtbGuess, finalCents: bigint): string {
	return `${winner.place}. ${escapeMarkdown(winner.kickUsername)} · ${formatMoney(winner.cents)} (${offBy(winner, finalCents)})`;
}

/** The moderators' panel: the latest round as it is now, and its buttons. */
export function panelMessage(guildId: bigint, round: GtbRound | null, guesses: number, winners: readonly GtbGuess[], prefix: string): ChannelMessage {
	const embed: APIEmbed = {
		title: '🎰 Guess the balance',
		description: round === null ? 'No round yet: **Open round** starts one.' : roundLines(round, guesses, winners, prefix).join('\n'),
		footer: { text: 'Guess counts show as of the last change; Refresh shows them now.' },
		timestamp: new Date().toISOString()
	};
	return { content: '', embeds: [embed], components: [panelButtons(guildId, round?.status ?? null).toJSON()] };
}

/** Kick chat, when a round opens. */
export function openedInChat(round: GtbRound, prefix: string): string {
	return `Guess the balance #${round.number} is open! Type ${prefix}gtb <amount> (like ${prefix}gtb 1234.56). One guess each; a new guess replaces yours.`;
}

/** Kick chat, when a round closes: the commitment, before the final balance is known. */
export function closedInChat(round: GtbRound): string {
	return `Guess the balance #${round.number} is closed with ${count(round.guessCount ?? 0)}. Commitment (sha256 of the guess list): ${round.commitment}`;
}

/** Discord, when a round closes. */
export function closedInDiscord(round: GtbRound): string {
	return [
		`🔒 **Guess the balance #${round.number}** is closed with ${count(round.guessCount ?? 0)}.`,
		`Commitment (sha256 of the guess list): \`${round.commitment}\``,
		'Moderators attach the list with `/gtb export`: its `sha256sum` is this commitment.'
	].join('\n');
}

/** Kick chat, when the final balance is in. */
export function resultInChat(round: GtbRound, winners: readonly GtbGuess[]): string {
	const final = formatMoney(round.finalCents ?? 0n);
	if (winners.length === 0) return `Guess the balance #${round.number}: the final balance is ${final}. Nobody guessed.`;
	const places = winners.map((winner) => `${winner.place}. @${winner.kickUsername} (${formatMoney(winner.cents)})`).join(', ');
	return `Guess the balance #${round.number}: the final balance is ${final}. ${winners.length === 1 ? 'Winner' : 'Winners'}: ${places}`;
}

/** Discord, when the final balance is in. */
export function resultInDiscord(round: GtbRound, winners: readonly GtbGuess[]): string {
	const final = round.finalCents ?? 0n;
	const lines = [`🏆 **Guess the balance #${round.number}**: the final balance is **${formatMoney(final)}**.`];
	if (winners.length === 0) lines.push('Nobody guessed.');
	for (const winner of winners) lines.push(winnerLine(winner, final));
	return lines.join('\n');
}

export function count(guesses: number): string {
	return guesses === 1 ? '1 guess' : `${guesses} guesses`;
}
