import { mayUse, type ChatterAccess, type KickCommandArgs } from '#core';
import { quoteChatLine } from './describeQuote.js';
import { readQuoteText } from './quoteText.js';
import type { QuotesRepository } from './QuotesRepository.js';

/** What `!quote ...` asks for. */
export type ChatQuoteCall =
	| { readonly kind: 'random' }
	| { readonly kind: 'number'; readonly number: number }
	| { readonly kind: 'add'; readonly text: string }
	| { readonly kind: 'unclear' };

/** The largest quote number (PostgreSQL's INTEGER). */
const MAX_NUMBER = 2_147_483_647;

/** `!quote` (random), `!quote 12` or `!quote #12`, `!quote add <text>` (the text as typed, quotes kept). */
export function readChatQuoteCall(args: KickCommandArgs): ChatQuoteCall {
	const first = args.pick(0);
	if (first === undefined) return { kind: 'random' };
	if (first.toLowerCase() === 'add') return { kind: 'add', text: args.rest(1) };
	const digits = /^#?(\d{1,10})$/.exec(first)?.[1];
	const number = digits === undefined ? Number.NaN : Number(digits);
	return number >= 1 && number <= MAX_NUMBER && args.tokens.length === 1 ? { kind: 'number', number } : { kind: 'unclear' };
}

/**
 * The chat's answer to `!quote ...` in one server, or null for none: adding is for moderators
 * and the broadcaster, and the chat is not told when someone else tries (chat commands refuse silently).
 */
export async function answerChatQuote(
	quotes: QuotesRepository,
	call: ChatQuoteCall,
	chatter: { readonly username: string; readonly access: ChatterAccess },
	prefix: string
): Promise<string | null> {
	switch (call.kind) {
		case 'random': {
			const quote = await quotes.random();
			return quote === null ? 'No quotes here yet.' : quoteChatLine(quote);
		}
		case 'number': {
			const quote = await quotes.get(call.number);
			return quote === null ? `There is no quote #${call.number}.` : quoteChatLine(quote);
		}
		case 'add': {
			if (!mayUse(chatter.access, 'moderators')) return null;
			const read = readQuoteText(call.text);
			if (!read.ok) return read.problem;
			const quote = await quotes.add(read.text, { via: 'kick', username: chatter.username });
			return `Added quote #${quote.number}.`;
		}
		case 'unclear':
			return `${prefix}quote shows a random quote, ${prefix}quote <number> that one.`;
	}
}
