import { pageButtons, type CommandAnswer } from '#core';
import { anotherQuoteRow, listPageId } from './quoteButtons.js';
import { discordText, pageCount, QUOTES_PER_PAGE, quoteEmbed, quoteListEmbed } from './describeQuote.js';
import { readQuoteText } from './quoteText.js';
import type { QuoteAuthor, QuoteRecord, QuotesRepository } from './QuotesRepository.js';

/*
 * What /quote (both forms) and its buttons answer in Discord, from one server's quotes. Answers
 * that change nothing for others (a refusal, an unknown number, an empty list) are refusals: the
 * member alone sees them (a reply that deletes itself in the prefix form); quotes are for the channel.
 */

/** A shown quote, with "Another quote" under it. */
function shown(quote: QuoteRecord): CommandAnswer {
	return { embeds: [quoteEmbed(quote)], components: [anotherQuoteRow(quote.number)], visibility: 'channel' };
}

function noQuotesYet(howToAdd: string): CommandAnswer {
	return { content: `This server has no quotes yet. A moderator adds one with \`${howToAdd}\`.`, visibility: 'refusal' };
}

/** `show`: the quote with that number, or a random one when no number is given. */
export async function answerShow(quotes: QuotesRepository, number: number | null, howToAdd: string): Promise<CommandAnswer> {
	if (number === null) {
		const quote = await quotes.random();
		return quote === null ? noQuotesYet(howToAdd) : shown(quote);
	}
	const quote = await quotes.get(number);
	if (quote !== null) return shown(quote);
	const count = await quotes.count();
	return { content: `There is no quote #${number} in this server${count === 0 ? ' (it has none yet)' : ''}.`, visibility: 'refusal' };
}

/** "Another quote": a random one other than the one shown, whenever there is another. */
export async function answerAnother(quotes: QuotesRepository, shownNumber: number, howToAdd: string): Promise<CommandAnswer> {
	const quote = await quotes.random({ except: shownNumber });
	return quote === null ? noQuotesYet(howToAdd) : shown(quote);
}

/** `add`: stores what was typed (see readQuoteText) as the next quote. */
export async function answerAdd(quotes: QuotesRepository, typed: string, addedBy: QuoteAuthor): Promise<CommandAnswer> {
	const read = readQuoteText(typed);
	if (!read.ok) return { content: `${read.problem} Nothing was added.`, visibility: 'refusal' };
	const quote = await quotes.add(read.text, addedBy);
	return { content: `Added quote #${quote.number}.`, embeds: [quoteEmbed(quote)], visibility: 'channel' };
}

/** `remove`: said to the moderator alone, so a quote removed for what it says is not repeated to everyone. */
export async function answerRemove(quotes: QuotesRepository, number: number): Promise<CommandAnswer> {
	const removed = await quotes.remove(number);
	if (removed === null) return { content: `There is no quote #${number} in this server, so nothing was removed.`, visibility: 'refusal' };
	return { content: `Removed quote #${removed.number}: ${discordText(removed.text)}\nIts number is not given to another quote.`, visibility: 'caller' };
}

/** `list` and its page buttons: one page (from 1; past the end shows the last page). */
export async function answerList(quotes: QuotesRepository, page: number, howToAdd: string): Promise<CommandAnswer> {
	const total = await quotes.count();
	if (total === 0) return noQuotesYet(howToAdd);
	const pages = pageCount(total);
	const current = Math.min(Math.max(page, 1), pages);
	const onPage = await quotes.page((current - 1) * QUOTES_PER_PAGE, QUOTES_PER_PAGE);
	return {
		embeds: [quoteListEmbed(onPage, { number: current, total })],
		components: pageButtons(listPageId, current, current < pages),
		visibility: 'channel'
	};
}

/** The refusal of a moderator subcommand to a member who is not one, worded as the core's Moderator check words it. */
export function onlyModerators(what: string, moderatorRoleId: string | null): CommandAnswer {
	const needs = moderatorRoleId === null ? 'the Manage Server permission' : `the Manage Server permission or the <@&${moderatorRoleId}> role`;
	return { content: `Only moderators of this server can ${what}: it needs ${needs} here. Nothing was changed.`, visibility: 'refusal' };
}
