import { escapeMarkdown } from 'discord.js';
import { pageButtons, type CommandAnswer, type GuildContext } from '#core';
import { formatMoney } from './amount.js';
import { canonicalGuessList, commitmentOf } from './commitment.js';
import { count, roundLines } from './describeRound.js';
import { guessesPageId } from './gtbButtons.js';
import type { GtbRound } from './GtbRepository.js';

/** Guesses per page of `/gtb guesses`. */
export const GUESSES_PER_PAGE = 15;

type AnswerContext = Pick<GuildContext, 'guildId' | 'db' | 'settings'>;

const NO_ROUND: CommandAnswer = { content: 'This server has had no guess the balance round yet. Moderators open one with `/gtb open`.', visibility: 'refusal' };

export function refusal(content: string): CommandAnswer {
	return { content, visibility: 'refusal' };
}

/** `status`: the latest round, for anyone. */
export async function answerStatus(context: AnswerContext): Promise<CommandAnswer> {
	const round = await context.db.gtb.latestRound();
	if (round === null) return NO_ROUND;
	const guesses = round.guessCount ?? (await context.db.gtb.guessCount(round.number));
	const winners = round.status === 'finished' ? await context.db.gtb.winners(round.number) : [];
	return { content: roundLines(round, guesses, winners, context.settings.get('prefix')).join('\n'), visibility: 'caller' };
}

/** `guesses`: a page of the latest (or the named) round's guesses in guess order, for moderators. */
export async function answerGuesses(context: AnswerContext, roundNumber: number | null, page: number): Promise<CommandAnswer> {
	const round = await roundNamed(context, roundNumber);
	if (round === null) return roundNumber === null ? NO_ROUND : refusal(`There is no round #${roundNumber} in this server.`);
	const total = round.guessCount ?? (await context.db.gtb.guessCount(round.number));
	if (total === 0) return refusal(`Round #${round.number} has no guesses${round.status === 'open' ? ' yet' : ''}.`);
	const pages = Math.ceil(total / GUESSES_PER_PAGE);
	const current = Math.min(Math.max(page, 1), pages);
	const rows = await context.db.gtb.guessPage(round.number, (current - 1) * GUESSES_PER_PAGE, GUESSES_PER_PAGE);
	const lines = rows.map((guess, index) => {
		const place = guess.place === null ? '' : ` · 🏆 ${guess.place}`;
		const time = `<t:${Math.floor(guess.guessedAt.getTime() / 1000)}:T>`;
		return `${(current - 1) * GUESSES_PER_PAGE + index + 1}. ${escapeMarkdown(guess.kickUsername)} · ${formatMoney(guess.cents)} · ${time}${place}`;
	});
	return {
		embeds: [
			{
				title: `Guesses of round #${round.number} (${round.status})`,
				description: lines.join('\n'),
				footer: { text: `Page ${current} of ${pages} · ${count(total)} · in guess order` }
			}
		],
		components: pageButtons(guessesPageId(context.guildId, round.number), current, current < pages),
		visibility: 'caller'
	};
}

/** `export`: a closed round's guess list as a file, byte for byte the text its commitment is the sha256 of. */
export async function answerExport(context: AnswerContext, roundNumber: number | null): Promise<CommandAnswer> {
	const round = await roundNamed(context, roundNumber);
	if (round === null) return roundNumber === null ? NO_ROUND : refusal(`There is no round #${roundNumber} in this server.`);
	if (round.commitment === null) return refusal(`Round #${round.number} is still open: its list is committed, and exported, once it is closed.`);
	const name = `gtb-${context.guildId}-round-${round.number}.csv`;
	return {
		content: [
			`Round #${round.number}: ${count(round.guessCount ?? 0)}, one line each (\`kick_user_id,kick_username,amount,guessed_at\`) in guess order.`,
			`Commitment: \`${round.commitment}\`. Anyone can check it: \`sha256sum ${name}\` prints the same.`
		].join('\n'),
		files: [{ name, data: Buffer.from(canonicalGuessList(await context.db.gtb.guesses(round.number)), 'utf8') }],
		visibility: 'caller'
	};
}

function roundNamed(context: AnswerContext, roundNumber: number | null): Promise<GtbRound | null> {
	return roundNumber === null ? context.db.gtb.latestRound() : context.db.gtb.round(roundNumber);
}

/** What a member who is not a moderator is told by a moderators' subcommand. */
export function onlyModerators(what: string, context: Pick<GuildContext, 'settings'>): CommandAnswer {
	const roleId = context.settings.get('moderator_role_id');
	const needs = roleId === null ? 'the Manage Server permission' : `the Manage Server permission or the <@&${roleId}> role`;
	return refusal(`Only moderators of this server can ${what}: it needs ${needs} here. Nothing was changed.`);
}

/** `verify`: whether a closed round's guesses, as stored now, still hash to the commitment published at its close. */
export async function answerVerify(context: AnswerContext, roundNumber: number | null): Promise<CommandAnswer> {
	const round = await roundNamed(context, roundNumber);
	if (round === null) return roundNumber === null ? NO_ROUND : refusal(`There is no round #${roundNumber} in this server.`);
	if (round.commitment === null) return refusal(`Round #${round.number} is still open: its list is committed when it closes.`);
	const recomputed = commitmentOf(canonicalGuessList(await context.db.gtb.guesses(round.number)));
	return {
		content:
			recomputed === round.commitment
				? `✅ Round #${round.number}: its ${count(round.guessCount ?? 0)} hash to the commitment published at close, \`${round.commitment}\`.`
				: `❌ Round #${round.number}: the stored guesses hash to \`${recomputed}\`, not to the commitment published at close, \`${round.commitment}\`.`,
		visibility: 'caller'
	};
}
