import { expect } from 'chai';
import * as fc from 'fast-check';
import { coreSettings } from '#lib/settings/coreSettings';
import { setting, type SettingDefinition } from '#lib/settings/SettingDefinition';
import { CONTROL_OR_BROKEN, hostileText } from '#test/unit/hostileText';

const BIGINT_MAX = 2n ** 63n - 1n;
const anything = { pattern: /^[\s\S]{1,200}$/u, accepts: 'anything' };

/** Every kind of setting, with rules as loose as a plugin could write them. */
const definitions: Readonly<Record<string, SettingDefinition>> = {
	...coreSettings,
	boolean: setting.boolean(true, 'A switch.'),
	integer: setting.integer({ min: -1000, max: 1000 }, 0, 'A number.'),
	'text (anything)': setting.text(anything, 'x', 'Free text.'),
	'optional text (anything)': setting.optionalText(anything, 'Free text or none.'),
	role: setting.role('A role.'),
	textChannel: setting.textChannel('A channel.'),
	'managed text (anything)': setting.managed(setting.text(anything, 'x', 'Owned text.'), '/owner')
};

describe('SettingDefinition.parse with arbitrary and hostile text (property)', () => {
	for (const [name, definition] of Object.entries(definitions)) {
		it(`${name}: returns a value or undefined, never throws, never takes a control character, and its stored form reads back the same`, () => {
			fc.assert(
				fc.property(hostileText, (text) => {
					const value = definition.parse(text);
					if (value === undefined) return;
					const stored = definition.serialize(value);
					expect(stored, JSON.stringify(text)).to.not.match(CONTROL_OR_BROKEN);
					expect(definition.parse(stored), `${JSON.stringify(text)} stored as ${JSON.stringify(stored)}`).to.deep.equal(value);
				}),
				{ numRuns: 2000 }
			);
		});
	}

	for (const name of ['moderator_role_id', 'kick_alerts_channel_id', 'kick_broadcaster_user_id', 'kick_chatroom_id', 'role', 'textChannel'] as const) {
		it(`${name}: every id it takes is a positive number that PostgreSQL's BIGINT holds, written without a leading zero`, () => {
			fc.assert(
				fc.property(hostileText, (text) => {
					const value = definitions[name]!.parse(text);
					if (typeof value !== 'string') return;
					expect(value, JSON.stringify(text)).to.match(/^[1-9]\d*$/);
					expect(BigInt(value) <= BIGINT_MAX, value).to.equal(true);
				}),
				{ numRuns: 2000 }
			);
		});
	}

	it('prefix: every prefix it takes is 1 to 5 visible characters that NFKC keeps, without markdown, mention, quote or bracket characters', () => {
		fc.assert(
			fc.property(hostileText, (text) => {
				const value = coreSettings.prefix.parse(text);
				if (value === undefined) return;
				const characters = [...value];
				expect(characters.length, JSON.stringify(text)).to.be.within(1, 5);
				expect(value.normalize('NFKC')).to.equal(value);
				expect(value).to.not.match(/[\p{C}\p{Z}\p{M}\p{Pi}\p{Pf}\p{Ps}\p{Pe}*_~|`>#@<\\'"]/u);
			}),
			{ numRuns: 3000 }
		);
	});
});
