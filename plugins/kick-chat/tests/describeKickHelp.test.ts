import { expect } from 'chai';
import type { KickCommandSummary } from '#core';
import { describeKickCommand, describeKickHelp } from '../lib/describeKickHelp.js';

function command(plugin: string, name: string, extra: Partial<KickCommandSummary> = {}): KickCommandSummary {
	return { plugin, name, description: `Does ${name}.`, aliases: [], access: 'everyone', ...extra };
}

const COMMANDS = [
	command('quotes', 'quote'),
	command('kick-chat', 'uptime'),
	command('kick-chat', 'help', { aliases: ['commands'] }),
	command('raffles', 'draw', { access: 'moderators' })
];

describe('kick-chat: !help', () => {
	it('lists a line per plugin of what this chatter may use, with this server’s prefix', () => {
		expect(describeKickHelp(COMMANDS, { prefix: '?', access: 'everyone' })).to.equal(
			'kick-chat: ?help (does help), ?uptime (does uptime)\nquotes: ?quote (does quote)'
		);
		expect(describeKickHelp(COMMANDS, { prefix: '!', access: 'moderator' })).to.contain('raffles: !draw (does draw)');
	});

	it('says so when there is nothing to use', () => {
		expect(describeKickHelp([command('raffles', 'draw', { access: 'moderators' })], { prefix: '!', access: 'everyone' })).to.equal(
			'No chat commands here yet.'
		);
	});

	it('stays one Kick message (500 characters): names only, and how to ask about one, when the descriptions would not fit', () => {
		const many = Array.from({ length: 12 }, (_, index) => command(`plugin-${index % 4}`, `command${index}`, { description: 'x'.repeat(60) }));

		const help = describeKickHelp(many, { prefix: '!', access: 'everyone' });

		expect([...help].length).to.be.at.most(500);
		expect(help).to.equal(
			'plugin-0: !command0 !command4 !command8 · plugin-1: !command1 !command5 !command9 · plugin-2: !command10 !command2 !command6 · plugin-3: !command11 !command3 !command7 · !help <command> says what one does'
		);
	});

	it('tells about one command with its other names', () => {
		expect(describeKickCommand(command('kick-chat', 'help', { aliases: ['commands'] }), { prefix: '!' })).to.equal('!help (also !commands): Does help.');
		expect(describeKickCommand(command('quotes', 'quote'), { prefix: '?' })).to.equal('?quote: Does quote.');
	});
});
