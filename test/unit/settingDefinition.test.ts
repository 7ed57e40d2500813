import { expect } from 'chai';
import { coreSettings } from '#lib/settings/coreSettings';
import { InvalidSettingValueError, setting } from '#lib/settings/SettingDefinition';

describe('SettingDefinition', () => {
	describe('boolean', () => {
		const definition = setting.boolean(false, 'Whether raffles are open.');

		it('reads the usual yes/no words, in any case and with spaces around', () => {
			for (const text of ['true', 'yes', 'on', '1', 'enable', 'enabled', ' TRUE ', 'Yes']) expect(definition.parse(text), text).to.equal(true);
			for (const text of ['false', 'no', 'off', '0', 'disable', 'disabled', ' OFF ', 'No']) expect(definition.parse(text), text).to.equal(false);
		});

		it('refuses anything else, and says it accepts true or false', () => {
			for (const text of ['', 'maybe', '2', 'y', 'truee']) expect(definition.parse(text), text).to.equal(undefined);
			expect(definition.accepts).to.equal('true or false');
		});

		it('keeps its default and description, and stores "true"/"false" that parse back', () => {
			expect(definition).to.include({ defaultValue: false, description: 'Whether raffles are open.' });
			expect(definition.serialize(true)).to.equal('true');
			expect(definition.serialize(false)).to.equal('false');
			expect(definition.parse(definition.serialize(true))).to.equal(true);
		});
	});

	describe('integer', () => {
		const definition = setting.integer({ min: 0, max: 100 }, 10, 'Points per minute.');

		it('reads whole numbers within the range, bounds included', () => {
			expect(definition.parse('0')).to.equal(0);
			expect(definition.parse('100')).to.equal(100);
			expect(definition.parse(' 42 ')).to.equal(42);
			expect(definition.parse('007')).to.equal(7);
		});

		it('refuses numbers out of range, fractions, exponents, words and blanks', () => {
			for (const text of ['-1', '101', '1.5', '1e2', '0x10', 'ten', '', ' ', '+5', '99999999999999999999']) {
				expect(definition.parse(text), JSON.stringify(text)).to.equal(undefined);
			}
		});

		it('says its range', () => {
			expect(definition.accepts).to.equal('a whole number from 0 to 100');
			expect(setting.integer({ min: -5, max: 5 }, 0, 'Offset.').parse('-5')).to.equal(-5);
			expect(definition.serialize(55)).to.equal('55');
		});
	});

	describe('text', () => {
		const prefix = coreSettings.prefix!;

		it('the core prefix takes 1 to 5 visible characters: punctuation such as ! ? $ . - and letters', () => {
			for (const text of ['!', '?', '$$', '!kick', 'é', '.', '-', '+', '%', '&', '=', ',', 'ß', 'ж', '⭐', '!!!!!'])
				expect(prefix.parse(text), text).to.equal(text);
			expect(prefix.defaultValue).to.equal('!');
		});

		it('the core prefix refuses spaces, invisible, direction-changing and combining characters, and look-alike forms', () => {
			const refused = [
				'',
				'!!!!!!',
				'a b',
				' !',
				'\u00a0!',
				'\u200b!',
				'!\u200b',
				'\u202e!',
				'\u2066!',
				'\u2028',
				'e\u0301',
				'1\ufe0f\u20e3',
				'！',
				'ﬁ',
				'①',
				'\u{1D400}'
			];
			for (const text of refused) expect(prefix.parse(text), JSON.stringify(text)).to.equal(undefined);
		});

		it('the core prefix refuses control characters (NUL above all) and broken Unicode', () => {
			for (const text of ['\0', '!\0', '\t', '\n!', '\u007f', '\u0085', '\ud800', '!\udc00'])
				expect(prefix.parse(text), JSON.stringify(text)).to.equal(undefined);
		});

		it('the core prefix refuses the characters of markdown and mentions, quotes and brackets', () => {
			const refused = ['**', '||', '__', '~~', '`', '>', '#', '@', '<', '[', ']', '(', ')', '\\', '"abc', "'", '“', '”', '‘', '«', '「', '{', '!*', '-#'];
			for (const text of refused) expect(prefix.parse(text), JSON.stringify(text)).to.equal(undefined);
		});

		it('the core prefix says what it accepts', () => {
			expect(prefix.accepts).to.equal(
				'1 to 5 visible characters, such as ! ? $ . - or letters; no spaces, invisible, combining or full-width characters, quotes, brackets, or * _ ~ | ` > # @ < \\'
			);
		});

		it('a custom rule says what it accepts in its own words', () => {
			const definition = setting.text({ pattern: /^[a-z]{3}$/, accepts: 'three lower-case letters' }, 'abc', 'Code.');
			expect(definition.parse('xyz')).to.equal('xyz');
			expect(definition.parse('XYZ')).to.equal(undefined);
			expect(definition.accepts).to.equal('three lower-case letters');
			expect(definition.serialize('xyz')).to.equal('xyz');
		});

		it('refuses control characters and broken Unicode whatever a custom rule lets through', () => {
			const anything = { pattern: /^[\s\S]{1,50}$/u, accepts: 'anything' };
			const text = setting.text(anything, 'x', 'Free text.');
			const optional = setting.optionalText(anything, 'Free text or none.');
			for (const value of ['a\0b', 'line\nbreak', 'tab\there', '\u001b[31m', 'x\ud800']) {
				expect(text.parse(value), JSON.stringify(value)).to.equal(undefined);
				expect(optional.parse(value), JSON.stringify(value)).to.equal(undefined);
			}
			expect(text.parse('plain words')).to.equal('plain words');
		});
	});

	describe('Kick ids', () => {
		for (const key of ['kick_chatroom_id', 'kick_broadcaster_user_id'] as const) {
			const definition = coreSettings[key];

			it(`${key} takes digits without a leading zero, up to what PostgreSQL's BIGINT holds, or "none"`, () => {
				for (const text of ['1', '4242', '9223372036854775807', ' 77 ']) expect(definition.parse(text), text).to.equal(text.trim());
				expect(definition.parse('none')).to.equal(null);
				for (const text of ['', '0', '007', '-5', '9223372036854775808', '18446744073709551616', '1'.repeat(25), '12a', '12\0', '１２']) {
					expect(definition.parse(text), JSON.stringify(text)).to.equal(undefined);
				}
			});
		}

		it('say what they accept', () => {
			expect(coreSettings.kick_chatroom_id.accepts).to.equal('a Kick chatroom id (digits, no leading zero), or "none"');
			expect(coreSettings.kick_broadcaster_user_id.accepts).to.equal('a Kick user id (digits, no leading zero), or "none"');
		});
	});

	for (const [kind, definition, mention, otherMention] of [
		['role', setting.role('The raffle role.'), (id: string) => `<@&${id}>`, (id: string) => `<#${id}>`],
		['textChannel', setting.textChannel('The raffle channel.'), (id: string) => `<#${id}>`, (id: string) => `<@&${id}>`]
	] as const) {
		describe(kind, () => {
			const id = '123456789012345678';

			it('reads a plain id and its own mention form', () => {
				for (const text of [id, ` ${id} `, mention(id), ` ${mention(id)} `]) expect(definition.parse(text), text).to.equal(id);
			});

			it('refuses the mention of another kind of thing: a user, or a channel for a role and a role for a channel', () => {
				for (const text of [otherMention(id), `<@${id}>`, `<@!${id}>`]) expect(definition.parse(text), text).to.equal(undefined);
			});

			it('"none" (any case) clears it; unset by default; null is stored as "none"', () => {
				expect(definition.parse('none')).to.equal(null);
				expect(definition.parse(' NONE ')).to.equal(null);
				expect(definition.defaultValue).to.equal(null);
				expect(definition.serialize(null)).to.equal('none');
				expect(definition.serialize(id)).to.equal(id);
			});

			it("refuses what is not a snowflake: 17 to 19 digits, no leading zero, within PostgreSQL's BIGINT", () => {
				const refused = [
					'',
					'1234',
					'1'.repeat(20),
					'general',
					'#general',
					'@Moderators',
					mention('abc'),
					'12345678901234567x',
					'00000000000000000',
					'01234567890123456',
					'9223372036854775808',
					'18446744073709551615',
					mention('18446744073709551616'),
					`${id}\0`,
					'١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨'
				];
				for (const text of refused) expect(definition.parse(text), JSON.stringify(text)).to.equal(undefined);
				expect(definition.parse('9223372036854775807')).to.equal('9223372036854775807');
				expect(definition.parse('10000000000000000')).to.equal('10000000000000000');
			});
		});
	}

	it('role and textChannel say they name a role or a text channel of this server, which the command that sets them checks', () => {
		expect(setting.role('A role.')).to.include({ refersTo: 'role', accepts: 'a role of this server (@role or its id), or "none"' });
		expect(setting.textChannel('A channel.')).to.include({
			refersTo: 'text-channel',
			accepts: 'a text channel of this server where the bot can post (#channel or its id), or "none"'
		});
		expect(coreSettings.moderator_role_id.refersTo).to.equal('role');
		expect(coreSettings.kick_alerts_channel_id.refersTo).to.equal('text-channel');
	});

	describe('InvalidSettingValueError', () => {
		it('names the key and what it accepts', () => {
			const definition = setting.integer({ min: 1, max: 10 }, 3, 'Tickets per user.');
			const error = new InvalidSettingValueError('max_tickets', definition.accepts);

			expect(error).to.be.instanceOf(Error);
			expect(error.name).to.equal('InvalidSettingValueError');
			expect(error.message).to.equal('max_tickets accepts a whole number from 1 to 10');
			expect(error).to.include({ key: 'max_tickets', accepts: 'a whole number from 1 to 10' });
		});
	});
});
