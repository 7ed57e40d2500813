import { expect } from 'chai';
import * as fc from 'fast-check';
import { KickCommandArgs } from '#core';
import { readChatQuoteCall } from '../lib/chatQuote.js';
import { discordText, quoteChatLine, quoteEmbed, quoteListEmbed } from '../lib/describeQuote.js';
import { characterCount, QUOTE_MAX_LENGTH, readQuoteText } from '../lib/quoteText.js';

describe('quotes: reading what was typed (readQuoteText)', () => {
	it('keeps a quote on one line: line breaks and runs of spaces become one space, the ends are trimmed', () => {
		expect(readQuoteText('  I said\n\nwhat   I said\t ')).to.deep.equal({ ok: true, text: 'I said what I said' });
	});

	it('drops control characters, which PostgreSQL (NUL) or a chat line cannot take', () => {
		expect(readQuoteText('a\u0000b\u0007c')).to.deep.equal({ ok: true, text: 'abc' });
		expect(readQuoteText('a \u0000 b')).to.deep.equal({ ok: true, text: 'a b' });
	});

	it('says what is wrong with nothing to store, or too much', () => {
		expect(readQuoteText(' \n ')).to.deep.equal({ ok: false, problem: 'A quote needs some text: add it after the command.' });
		expect(readQuoteText('\u0000')).to.deep.equal({ ok: false, problem: 'A quote needs some text: add it after the command.' });
		expect(readQuoteText('x'.repeat(401))).to.deep.equal({ ok: false, problem: 'A quote is at most 400 characters; this one has 401.' });
	});

	it('counts characters as people do: 400 emoji fit', () => {
		expect(readQuoteText('🎲'.repeat(400))).to.deep.equal({ ok: true, text: '🎲'.repeat(400) });
		expect(readQuoteText('🎲'.repeat(401))).to.deep.include({ ok: false });
	});

	it('stores, for any typed text, one trimmed line of 1 to 400 characters without control characters, or refuses', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string({ unit: 'binary', maxLength: 500 }),
					fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\u0000', '\u0007', '🎲'), maxLength: 500 })
				),
				(typed) => {
					const read = readQuoteText(typed);
					if (!read.ok) return;
					expect(characterCount(read.text)).to.be.within(1, QUOTE_MAX_LENGTH);
					expect(read.text).to.equal(read.text.trim());
					expect(read.text).not.to.match(/[\p{Cc}\p{Cs}]|\s{2}/u);
				}
			)
		);
	});
});

describe('quotes: showing a quote (describeQuote)', () => {
	const quote = {
		number: 3,
		text: '**bold** claim to @everyone and <@123>, see [this](https://example.com)',
		addedBy: { via: 'kick', username: 'mod_mia' },
		addedAt: new Date(Date.UTC(2026, 11, 2))
	} as const;

	it('shows the text as said in Discord: no markdown, no mention, no masked link', () => {
		expect(discordText(quote.text)).to.equal('\\*\\*bold\\*\\* claim to @\u200beveryone and <@\u200b123>, see \\[this](https://example.com)');
		expect(discordText('# shouting\n- a list')).to.equal('\\# shouting\n\\- a list');
	});

	it('never lets any text become a mention of everyone, a member or a role', () => {
		fc.assert(
			fc.property(
				fc.string({ maxLength: 60 }),
				fc.constantFrom('@everyone', '@here', '<@123>', '<@!123>', '<@&456>'),
				fc.string({ maxLength: 60 }),
				(before, mention, after) => {
					expect(discordText(before + mention + after)).not.to.match(/@everyone|@here|<@[!&]?\d/);
				}
			)
		);
	});

	it('gives an embed with the number, the text, who added it and when', () => {
		expect(quoteEmbed(quote)).to.deep.equal({
			title: 'Quote #3',
			description: `${discordText(quote.text)}\n\n— added by mod\\_mia in Kick chat, <t:${Date.UTC(2026, 11, 2) / 1000}:D>`
		});
		expect(quoteEmbed({ ...quote, addedBy: { via: 'discord', userId: 42n } }).description).to.match(/— added by <@42>, <t:\d+:D>$/);
	});

	it('gives a chat line that never starts like a chat command', () => {
		expect(quoteChatLine({ ...quote, text: '!ban everyone' })).to.equal('Quote #3: !ban everyone');
		expect(quoteChatLine(quote, 'Quote of the day')).to.match(/^Quote of the day #3: /);
	});

	it('lists a page with each quote cut to one line and where the page is', () => {
		const embed = quoteListEmbed([quote, { ...quote, number: 4, text: 'word '.repeat(60) }], { number: 2, total: 14 });
		expect(embed.title).to.equal('Quotes (14)');
		expect(embed.footer).to.deep.equal({ text: 'Page 2 of 2' });
		const [first, second] = embed.description!.split('\n');
		expect(first).to.equal(`**#3** ${discordText(quote.text)}`);
		expect(second).to.match(/^\*\*#4\*\* (word ){20,}word…$/);
	});
});

describe('quotes: reading !quote in Kick chat (readChatQuoteCall)', () => {
	const read = (text: string) => readChatQuoteCall(new KickCommandArgs(text));

	it('reads a random quote, a number (also as #12) and an add with its text as typed', () => {
		expect(read('')).to.deep.equal({ kind: 'random' });
		expect(read('12')).to.deep.equal({ kind: 'number', number: 12 });
		expect(read(' #12 ')).to.deep.equal({ kind: 'number', number: 12 });
		expect(read('add "I never lose" - the streamer')).to.deep.equal({ kind: 'add', text: '"I never lose" - the streamer' });
		expect(read('ADD hi')).to.deep.equal({ kind: 'add', text: 'hi' });
		expect(read('add')).to.deep.equal({ kind: 'add', text: '' });
	});

	it('finds anything else unclear: no number, 0, a negative, too large, or more words', () => {
		for (const text of ['abc', '0', '-1', '2147483648', '99999999999', '12 13', '1.5']) expect(read(text), text).to.deep.equal({ kind: 'unclear' });
		expect(read('2147483647')).to.deep.equal({ kind: 'number', number: 2_147_483_647 });
	});
});
