import { expect } from 'chai';
import * as fc from 'fast-check';
import { ECHO_LENGTH, echoUserText } from '#lib/discord/echoUserText';
import { hostileText } from '#test/unit/hostileText';

describe('echoUserText', () => {
	it('shows user text in a code span, where Discord renders no link, markdown or mention', () => {
		expect(echoUserText('[Verify](https://evil.example)')).to.equal('`[Verify](https://evil.example)`');
		expect(echoUserText('**bold** ||spoiler|| <@&123456789012345678> @everyone')).to.equal('`**bold** ||spoiler|| <@&123456789012345678> @everyone`');
	});

	it('cannot be closed early: backticks become ˋ', () => {
		expect(echoUserText('a`[x](https://evil.example)`b')).to.equal('`aˋ[x](https://evil.example)ˋb`');
	});

	it('shows invisible, direction-changing and control characters as �, and empty text as a blank span', () => {
		expect(echoUserText('a\u202eb\u200bc\0d\ne')).to.equal('`a\uFFFDb\uFFFDc\uFFFDd\uFFFDe`');
		expect(echoUserText('')).to.equal('` `');
	});

	it(`cuts long text to ${ECHO_LENGTH} characters, marked with "…"`, () => {
		expect(echoUserText('k'.repeat(10_000))).to.equal(`\`${'k'.repeat(ECHO_LENGTH - 1)}…\``);
		expect(echoUserText('abcdef', 4)).to.equal('`abc…`');
	});

	it('always gives one closed code span of visible characters, at most the length asked (property)', () => {
		fc.assert(
			fc.property(fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 400 })), fc.integer({ min: 1, max: 200 }), (text, maxLength) => {
				const echo = echoUserText(text, maxLength);
				expect(echo).to.match(/^`[^`]+`$/u);
				expect(echo).to.not.match(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u);
				expect([...echo].length).to.be.at.most(maxLength + 2);
			}),
			{ numRuns: 1000 }
		);
	});
});
