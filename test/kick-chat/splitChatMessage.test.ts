import { expect } from 'chai';
import * as fc from 'fast-check';
import { KICK_CHAT_MESSAGE_LIMIT, splitChatMessage } from '#lib/kick/chat/splitChatMessage';

const EMOTES = ['[emote:123:wave]', '[emote:7:x]', '[emote:4148074:HYPERCLAP]'] as const;
const EMOTE_TOKEN = /\[emote:\d+:[^\]\s]*\]/g;

function words(text: string): string[] {
	return text.split(/\s+/).filter((word) => word.length > 0);
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}

describe('splitChatMessage', () => {
	it('returns a message that fits as one trimmed part, and nothing for blank text', () => {
		expect(splitChatMessage('  hello  world \n')).to.deep.equal(['hello  world']);
		expect(splitChatMessage('x'.repeat(KICK_CHAT_MESSAGE_LIMIT))).to.deep.equal(['x'.repeat(KICK_CHAT_MESSAGE_LIMIT)]);
		expect(splitChatMessage('')).to.deep.equal([]);
		expect(splitChatMessage(' \n\t\n ')).to.deep.equal([]);
	});

	it('splits 600 characters at Kick’s 500 by default, at the last space that fits', () => {
		const text = `${'a'.repeat(299)} ${'b'.repeat(150)} ${'c'.repeat(149)}`;
		expect(text).to.have.length(600);

		expect(splitChatMessage(text)).to.deep.equal([`${'a'.repeat(299)} ${'b'.repeat(150)}`, 'c'.repeat(149)]);
	});

	it('prefers a blank line, then a line break, then a sentence end, then a space', () => {
		const paragraphs = 'First paragraph here.\n\nSecond one. It goes on a bit longer';
		expect(splitChatMessage(paragraphs, 40)).to.deep.equal(['First paragraph here.', 'Second one. It goes on a bit longer']);

		const lines = 'Line one. Still line one\nline two is here';
		expect(splitChatMessage(lines, 30)).to.deep.equal(['Line one. Still line one', 'line two is here']);

		const sentences = 'Is it on? Yes it is on and it works';
		expect(splitChatMessage(sentences, 30)).to.deep.equal(['Is it on?', 'Yes it is on and it works']);

		const quoted = 'He said "go." Then we went on and on';
		expect(splitChatMessage(quoted, 30)).to.deep.equal(['He said "go."', 'Then we went on and on']);

		const spaces = 'no punctuation at all in this rather long line';
		expect(splitChatMessage(spaces, 20)).to.deep.equal(['no punctuation at', 'all in this rather', 'long line']);
	});

	it('packs several breaks into one part and keeps the text between them as written', () => {
		const text = 'a.  b\n c\n\n\nd e';
		expect(splitChatMessage(text, 9)).to.deep.equal(['a.  b\n c', 'd e']);
		expect(splitChatMessage(text, 100)).to.deep.equal([text]);
	});

	it('cuts a word only when it alone is longer than the limit', () => {
		expect(splitChatMessage(`hi ${'w'.repeat(25)} there`, 10)).to.deep.equal(['hi', 'w'.repeat(10), 'w'.repeat(10), 'w'.repeat(5), 'there']);
	});

	it('never cuts between the two halves of a surrogate pair', () => {
		const parts = splitChatMessage('😀'.repeat(6), 5);

		expect(parts).to.deep.equal(['😀😀', '😀😀', '😀😀']);
		expect(splitChatMessage('a😀b', 2)).to.deep.equal(['a', '😀', 'b']);
	});

	it('never cuts inside an emote token that fits a part, and cuts one only when it alone is longer than the limit', () => {
		const glued = `${'x'.repeat(15)}[emote:123:wave][emote:7:x]`;
		expect(splitChatMessage(glued, 20)).to.deep.equal(['x'.repeat(15), '[emote:123:wave]', '[emote:7:x]']);

		expect(splitChatMessage('gg [emote:4148074:HYPERCLAP] gg', 20)).to.deep.equal(['gg', '[emote:4148074:HYPER', 'CLAP]', 'gg']);
	});

	it('refuses a limit that could not hold a surrogate pair', () => {
		expect(() => splitChatMessage('abc', 1)).to.throw(RangeError);
		expect(() => splitChatMessage('abc', 2.5)).to.throw(RangeError);
	});

	it('property: parts fit, are non-empty and trimmed, are slices of the text in order, and give back its words', () => {
		const chunk = fc.constantFrom('a', 'b', 'Z', 'é', '😀', '.', '!', '?', '…', '"', ')', ...EMOTES);
		const word = fc.array(chunk, { minLength: 1, maxLength: 12 }).map((chunks) => chunks.join(''));
		const gap = fc.constantFrom(' ', '  ', '\t', '\n', '\n\n', ' \n \n ', '. ', '! ');
		const text = fc
			.tuple(fc.constantFrom('', ' ', '\n'), fc.array(fc.tuple(word, gap), { maxLength: 60 }), word)
			.map(([lead, pairs, last]) => lead + pairs.map(([w, g]) => w + g).join('') + last);
		const limit = fc.integer({ min: 2, max: 80 });

		fc.assert(
			fc.property(text, limit, (input, max) => {
				const parts = splitChatMessage(input, max);

				let cursor = 0;
				for (const part of parts) {
					expect(part.length).to.be.within(1, max);
					expect(part).to.equal(part.trim());
					expect(isLowSurrogate(part.charCodeAt(0)), `part starts inside a pair: ${JSON.stringify(part)}`).to.equal(false);
					expect(isHighSurrogate(part.charCodeAt(part.length - 1)), `part ends inside a pair: ${JSON.stringify(part)}`).to.equal(false);
					const at = input.indexOf(part, cursor);
					expect(at, `part ${JSON.stringify(part)} is not the next slice of the text`).to.be.at.least(0);
					cursor = at + part.length;
				}
				expect(parts.join('').replace(/\s+/g, '')).to.equal(input.replace(/\s+/g, ''));

				const original = words(input);
				if (original.every((w) => w.length <= max)) {
					expect(words(parts.join(' '))).to.deep.equal(original);
					expect(words(parts.join('\n'))).to.deep.equal(original);
				}
				if (EMOTES.every((emote) => emote.length <= max)) {
					expect(parts.flatMap((part) => part.match(EMOTE_TOKEN) ?? [])).to.deep.equal(input.match(EMOTE_TOKEN) ?? []);
				}
			}),
			{ numRuns: 500 }
		);
	});
});
