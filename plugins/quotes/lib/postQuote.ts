import type { GuildContext, OutboxAcceptance } from '#core';
import { quoteChatLine } from './describeQuote.js';

/** What became of a quote to post in Kick chat: the outbox's answer, or why nothing was posted. */
export type QuotePostOutcome = OutboxAcceptance | { readonly status: 'not linked' | 'switched off' | 'offline' | 'no quotes' | 'no such quote' };

/** The day a quote of the day belongs to, in UTC: `2026-12-02`. */
export function dayOf(moment: Date): string {
	return moment.toISOString().slice(0, 10);
}

/**
 * The quote of the day: a random quote of the server, posted in its Kick chat while the stream
 * is live, once per UTC day (the outbox key is the day's: a later run the same day adds nothing),
 * when the server's `quotes_daily_in_chat` is on.
 */
export async function postQuoteOfTheDay(context: Pick<GuildContext, 'settings' | 'db' | 'sayInKickChat'>, now: Date): Promise<QuotePostOutcome> {
	if (!context.settings.get('quotes_daily_in_chat')) return { status: 'switched off' };
	const connection = await context.db.kickConnection.get();
	if (connection === null) return { status: 'not linked' };
	// Chat read by nobody is no place for it: it waits for the stream to go live.
	if (connection.isLive !== true) return { status: 'offline' };
	const quote = await context.db.quotes.random();
	if (quote === null) return { status: 'no quotes' };
	return context.sayInKickChat(quoteChatLine(quote, 'Quote of the day'), { key: `quotes:daily:${dayOf(now)}`, kind: 'announcement' });
}

/** Posts quote `number` in the server's Kick chat now (the dashboard's `post`); `key` names this request, so a repeat of it posts nothing more. */
export async function postQuoteNow(context: Pick<GuildContext, 'db' | 'sayInKickChat'>, number: number, key: string): Promise<QuotePostOutcome> {
	const quote = await context.db.quotes.get(number);
	if (quote === null) return { status: 'no such quote' };
	return context.sayInKickChat(quoteChatLine(quote), { key: `quotes:post:${key}`, kind: 'announcement' });
}
