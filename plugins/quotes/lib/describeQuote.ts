import { cutText } from '@sapphire/utilities';
import { escapeMarkdown, time, TimestampStyles, type APIEmbed } from 'discord.js';
import type { QuoteAuthor, QuoteRecord } from './QuotesRepository.js';

/** How many quotes one page of the list shows. */
export const QUOTES_PER_PAGE = 10;
/** How much of each quote a list line shows. */
const LIST_LINE_LENGTH = 120;

/**
 * A quote's text as Discord shows it: exactly what was said. Markdown is escaped (a quote never
 * turns bold or into a heading or a masked link), and every @ gets a zero-width space after it,
 * so neither `@everyone` nor `<@id>` is a mention, whatever the message's allowed mentions.
 */
export function discordText(text: string): string {
	return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true }).replaceAll('@', '@\u200b');
}

/** Who added it, for Discord: a member mention (never pinging in an embed), or the Kick chatter's name. */
function describeAuthor(author: QuoteAuthor): string {
	return author.via === 'discord' ? `<@${author.userId}>` : `${discordText(author.username)} in Kick chat`;
}

/** One quote as a Discord embed: the quote, who added it and when. */
export function quoteEmbed(quote: QuoteRecord): APIEmbed {
	return {
		title: `Quote #${quote.number}`,
		description: `${discordText(quote.text)}\n\n— added by ${describeAuthor(quote.addedBy)}, ${time(quote.addedAt, TimestampStyles.LongDate)}`
	};
}

/** One quote as a line of Kick chat; it starts with "Quote", so it never reads as a chat command. */
export function quoteChatLine(quote: QuoteRecord, heading = 'Quote'): string {
	return `${heading} #${quote.number}: ${quote.text}`;
}

/** The number of pages a list of `total` quotes has (one, when there are none). */
export function pageCount(total: number): number {
	return Math.max(1, Math.ceil(total / QUOTES_PER_PAGE));
}

/** One page of the list (pages count from 1), each quote cut to one line. */
export function quoteListEmbed(quotes: readonly QuoteRecord[], page: { readonly number: number; readonly total: number }): APIEmbed {
	return {
		title: `Quotes (${page.total})`,
		description: quotes.map((quote) => `**#${quote.number}** ${discordText(cutText(quote.text, LIST_LINE_LENGTH))}`).join('\n'),
		footer: { text: `Page ${page.number} of ${pageCount(page.total)}` }
	};
}
