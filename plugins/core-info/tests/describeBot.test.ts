import { expect } from 'chai';
import type { BotFacts } from '#core';
import { describeBot, formatDuration } from '../lib/describeBot.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('core-info: describeBot (/about)', () => {
	let facts: BotFacts;
	before(() => {
		facts = {
			version: '1.2.3',
			serverCount: 42,
			uptimeMs: 3 * DAY + 4 * HOUR + 5 * MINUTE,
			databaseKind: 'postgres',
			plugins: [
				{
					name: 'core-info',
					description: 'Tells whether the bot is alive (/ping), what it is (/about) and what it holds about this server (/server).'
				},
				{ name: 'raffles', description: 'Raffle periods, tickets and draws per server.' }
			]
		};
	});

	it('gives the fields of /about in order: version, servers, uptime, database, plugins', () => {
		const fields = describeBot(facts);

		expect(fields.map((field) => field.name)).to.deep.equal(['Version', 'Servers', 'Uptime', 'Database', 'Plugins']);
		expect(fields.slice(0, 4)).to.deep.equal([
			{ name: 'Version', value: '1.2.3', inline: true },
			{ name: 'Servers', value: '42', inline: true },
			{ name: 'Uptime', value: '3d 4h', inline: true },
			{ name: 'Database', value: 'PostgreSQL', inline: true }
		]);
		expect(fields[4]?.inline).to.equal(false);
	});

	it('lists each loaded plugin as "**name**: description", one a line, and nothing else', () => {
		expect(describeBot(facts)[4]?.value.split('\n')).to.deep.equal([
			'**core-info**: Tells whether the bot is alive (/ping), what it is (/about) and what it holds about this server (/server).',
			'**raffles**: Raffle periods, tickets and draws per server.'
		]);
	});

	it('lists only the plugins’ names once their descriptions would not fit one embed field (1,024 characters)', () => {
		const many = Array.from({ length: 12 }, (_, index) => ({ name: `plugin-${index}`, description: 'd'.repeat(80) }));

		const value = describeBot({ ...facts, plugins: many })[4]!.value;

		expect(value).to.equal(many.map((plugin) => plugin.name).join(', '));
	});

	it('names the embedded database, and says "none" when every plugin is off', async () => {
		const fields = describeBot({ ...facts, databaseKind: 'embedded', serverCount: 0, uptimeMs: 0, plugins: [] });

		expect(fields.find((field) => field.name === 'Database')?.value).to.equal('embedded PostgreSQL');
		expect(fields.find((field) => field.name === 'Servers')?.value).to.equal('0');
		expect(fields.find((field) => field.name === 'Uptime')?.value).to.equal('0s');
		expect(fields.find((field) => field.name === 'Plugins')?.value).to.equal('none');
	});

	it('every field value is non-empty (Discord refuses empty embed fields)', () => {
		for (const field of describeBot({ ...facts, uptimeMs: 0 })) expect(field.value, field.name).to.not.equal('');
	});
});

describe('core-info: formatDuration', () => {
	it('shows the two largest units, leaving out a zero second unit', () => {
		const cases: [number, string][] = [
			[0, '0s'],
			[999, '0s'],
			[SECOND, '1s'],
			[59 * SECOND + 999, '59s'],
			[MINUTE, '1m'],
			[5 * MINUTE + 6 * SECOND, '5m 6s'],
			[HOUR, '1h'],
			[HOUR + 59 * SECOND, '1h'],
			[4 * HOUR + 5 * MINUTE + 6 * SECOND, '4h 5m'],
			[DAY, '1d'],
			[DAY + 59 * MINUTE, '1d'],
			[3 * DAY + 4 * HOUR + 5 * MINUTE, '3d 4h'],
			[400 * DAY + 23 * HOUR + 59 * MINUTE + 59 * SECOND, '400d 23h']
		];
		for (const [milliseconds, expected] of cases) expect(formatDuration(milliseconds), `${milliseconds} ms`).to.equal(expected);
	});
});
