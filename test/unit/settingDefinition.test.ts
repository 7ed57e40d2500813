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

		it('the core prefix takes 1 to 5 characters without spaces or mention characters', () => {
			for (const text of ['!', '?', '$$', '!kick', 'é']) expect(prefix.parse(text), text).to.equal(text);
			for (const text of ['', '!!!!!!', 'a b', ' !', '@', '#', '<', '>', '`']) expect(prefix.parse(text), JSON.stringify(text)).to.equal(undefined);
			expect(prefix.accepts).to.equal('1 to 5 characters without spaces, @, #, <, > or `');
			expect(prefix.defaultValue).to.equal('!');
		});

		it('a custom rule says what it accepts in its own words', () => {
			const definition = setting.text({ pattern: /^[a-z]{3}$/, accepts: 'three lower-case letters' }, 'abc', 'Code.');
			expect(definition.parse('xyz')).to.equal('xyz');
			expect(definition.parse('XYZ')).to.equal(undefined);
			expect(definition.accepts).to.equal('three lower-case letters');
			expect(definition.serialize('xyz')).to.equal('xyz');
		});
	});

	describe('discordId', () => {
		const definition = setting.discordId('The raffle channel.');

		it('reads a plain id and the mention forms of roles, users and channels', () => {
			const id = '123456789012345678';
			for (const text of [id, ` ${id} `, `<@&${id}>`, `<@${id}>`, `<@!${id}>`, `<#${id}>`]) expect(definition.parse(text), text).to.equal(id);
		});

		it('"none" (any case) clears it; unset by default; null is stored as "none"', () => {
			expect(definition.parse('none')).to.equal(null);
			expect(definition.parse(' NONE ')).to.equal(null);
			expect(definition.defaultValue).to.equal(null);
			expect(definition.serialize(null)).to.equal('none');
			expect(definition.serialize('123456789012345678')).to.equal('123456789012345678');
		});

		it('refuses what is not 17 to 20 digits, and says so', () => {
			for (const text of ['', '1234', '1'.repeat(21), 'general', '#general', '<@&abc>', '12345678901234567x']) {
				expect(definition.parse(text), JSON.stringify(text)).to.equal(undefined);
			}
			expect(definition.accepts).to.equal('a Discord id (17 to 20 digits), or "none"');
		});
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
