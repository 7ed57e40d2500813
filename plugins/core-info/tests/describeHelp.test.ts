import { expect } from 'chai';
import type { DiscordCommandSummary } from '#core';
import { describeDiscordCommand, describeDiscordHelp } from '../lib/describeHelp.js';

function command(plugin: string, name: string, extra: Partial<DiscordCommandSummary> = {}): DiscordCommandSummary {
	const usages = [{ usage: name, description: `Does ${name}.` }];
	return { plugin, name, description: `Does ${name}.`, moderatorsOnly: false, subcommands: [], usages, contextMenus: [], ...extra };
}

const SETTINGS = command('core', 'settings', {
	moderatorsOnly: true,
	subcommands: ['view', 'set'],
	usages: [
		{ usage: 'settings view [key]', description: 'Shows the settings.' },
		{ usage: 'settings set <key> <value>', description: 'Changes one.' }
	]
});
const COMMANDS = [command('quotes', 'quote', { subcommands: ['show', 'add'] }), command('core-info', 'ping'), SETTINGS, command('core-info', 'about')];

describe('core-info: /help', () => {
	it('lists a field per plugin (the core first), one line per command in both forms with this server’s prefix', () => {
		const embed = describeDiscordHelp(COMMANDS, { prefix: '?', moderator: true, title: 'Commands you can use here (as a moderator)' });

		expect(embed.fields).to.deep.equal([
			{ name: 'core', value: '`/settings` · `?settings` (view, set): Does settings.' },
			{ name: 'core-info', value: '`/about` · `?about`: Does about.\n`/ping` · `?ping`: Does ping.' },
			{ name: 'quotes', value: '`/quote` · `?quote` (show, add): Does quote.' }
		]);
		expect(embed.footer.text).to.equal('/help <command> or ?help <command> tells more about one.');
	});

	it('leaves out moderators’ commands for a member, and a plugin with nothing left', () => {
		const embed = describeDiscordHelp(COMMANDS, { prefix: '!', moderator: false, title: 'Commands you can use here' });

		expect(embed.fields.map((field) => field.name)).to.deep.equal(['core-info', 'quotes']);
	});

	it('says so when the member can use nothing', () => {
		const embed = describeDiscordHelp([SETTINGS], { prefix: '!', moderator: false, title: 'Commands you can use here' });

		expect([embed.description, embed.fields]).to.deep.equal(['No commands here you can use.', []]);
	});

	it('splits a plugin’s lines over fields of at most 1,024 characters, and lists names only when the whole would pass 6,000', () => {
		const long = (plugin: string, count: number) =>
			Array.from({ length: count }, (_, index) => command(plugin, `command-${String(index).padStart(2, '0')}`, { description: 'x'.repeat(90) }));

		const oneBigPlugin = describeDiscordHelp(long('big', 20), { prefix: '!', moderator: false, title: 'Commands' });
		expect(oneBigPlugin.fields.map((field) => field.name)).to.deep.equal(['big', 'big (more)', 'big (more)']);
		for (const field of oneBigPlugin.fields) expect(field.value.length).to.be.at.most(1024);
		expect(oneBigPlugin.fields.flatMap((field) => field.value.split('\n'))).to.have.length(20);

		const manyPlugins = describeDiscordHelp(Array.from({ length: 30 }, (_, index) => long(`plugin-${String(index).padStart(2, '0')}`, 3)).flat(), {
			prefix: '!',
			moderator: false,
			title: 'Commands'
		});
		const total =
			manyPlugins.title.length +
			manyPlugins.footer.text.length +
			manyPlugins.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
		expect(manyPlugins.fields).to.have.length(25);
		expect(total).to.be.at.most(6000);
		expect(manyPlugins.fields[0]).to.deep.equal({ name: 'plugin-00', value: '`/command-00` `/command-01` `/command-02`' });
	});

	it('tells about one command: each way to call it in both forms, with what it does', () => {
		const embed = describeDiscordCommand(SETTINGS, { prefix: '?' });

		expect(embed.title).to.equal('/settings · ?settings');
		expect(embed.description).to.equal(
			[
				'Does settings.',
				'',
				'`/settings view [key]` · `?settings view [key]`: Shows the settings.',
				'`/settings set <key> <value>` · `?settings set <key> <value>`: Changes one.'
			].join('\n')
		);
		expect(embed.footer.text).to.equal('Moderators only.');
		expect(describeDiscordCommand(command('quotes', 'quote'), { prefix: '!' }).footer.text).to.equal('From the quotes plugin.');
	});

	it('tells about a command’s context menus after its forms, and leaves them out of the overview', () => {
		const quote = command('quotes', 'quote', {
			subcommands: ['show'],
			usages: [{ usage: 'quote show [number]', description: 'Shows a quote.' }],
			contextMenus: [
				{ type: 'message', name: 'Save as quote', description: 'Saves the message as a quote (moderators).' },
				{ type: 'user', name: 'Their quotes', description: 'Lists what they said.' }
			]
		});

		expect(describeDiscordCommand(quote, { prefix: '!' }).description?.split('\n')).to.deep.equal([
			'Does quote.',
			'',
			'`/quote show [number]` · `!quote show [number]`: Shows a quote.',
			'Apps → **Save as quote** (on a message): Saves the message as a quote (moderators).',
			'Apps → **Their quotes** (on a member): Lists what they said.'
		]);
		expect(describeDiscordHelp([quote], { prefix: '!', moderator: false, title: 'Commands' }).fields).to.deep.equal([
			{ name: 'quotes', value: '`/quote` · `!quote` (show): Does quote.' }
		]);
	});
});
