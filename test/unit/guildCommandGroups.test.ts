import { expect } from 'chai';
import { ApplyOptions } from '@sapphire/decorators';
import { container } from '@sapphire/framework';
import { ApplicationCommandOptionType, SlashCommandBuilder } from 'discord.js';
import { GuildCommand, subcommandPath } from '#lib/commands/GuildCommand';

const TIERS = { name: 'tiers', description: 'The tiers.' } as const;

@ApplyOptions<GuildCommand.Options>({
	description: 'A command with a group.',
	guildSubcommands: [
		{ name: 'status', description: 'Shows it.', run: 'status', default: true },
		{ name: 'list', description: 'Lists them.', run: 'list', group: TIERS },
		{ name: 'sync', description: 'Syncs it.', run: 'sync' },
		{
			name: 'set',
			description: 'Sets one.',
			options: [{ type: 'integer', name: 'minutes', description: 'Minutes', required: true }],
			run: 'set',
			group: TIERS
		}
	]
})
class GroupedCommand extends GuildCommand {}

describe('GuildCommand: subcommand groups (/name group subcommand, in both forms)', () => {
	let command: GroupedCommand;
	const client = Reflect.get(container, 'client') as unknown;

	before(() => {
		// A command reads the client's default cooldown options when it is made; nothing else of it here.
		Reflect.set(container, 'client', { options: {} });
		command = new GroupedCommand({ name: 'grouped', path: '/plugins/x/commands/grouped.js', root: '/plugins/x', store: null } as never, {});
	});
	after(() => Reflect.set(container, 'client', client));

	it('registers a group with its subcommands where its first one is declared, beside the others', () => {
		let registered: ReturnType<SlashCommandBuilder['toJSON']> | undefined;
		command.registerApplicationCommands({
			registerChatInputCommand: (build: (builder: SlashCommandBuilder) => SlashCommandBuilder) => {
				registered = build(new SlashCommandBuilder()).toJSON();
			},
			registerContextMenuCommand: () => undefined
		} as never);

		const shape = registered!.options!.map((option) => ({
			type: option.type,
			name: option.name,
			options: ('options' in option ? (option.options ?? []) : []).map((inner) => inner.name)
		}));
		expect(shape).to.deep.equal([
			{ type: ApplicationCommandOptionType.Subcommand, name: 'status', options: [] },
			{ type: ApplicationCommandOptionType.SubcommandGroup, name: 'tiers', options: ['list', 'set'] },
			{ type: ApplicationCommandOptionType.Subcommand, name: 'sync', options: [] }
		]);
	});

	it('maps the group for Sapphire in both forms, its subcommands never the default', () => {
		expect(JSON.parse(JSON.stringify(command.parsedSubcommandMappings))).to.deep.equal([
			{ name: 'status', default: true, type: 'method' },
			{
				name: 'tiers',
				type: 'group',
				entries: [
					{ name: 'list', default: false },
					{ name: 'set', default: false }
				]
			},
			{ name: 'sync', default: false, type: 'method' }
		]);
	});

	it('names a grouped subcommand after its group in usage lines and /help', () => {
		expect(command.guildSubcommands.map(subcommandPath)).to.deep.equal(['status', 'tiers list', 'sync', 'tiers set']);
		expect(command.usage('!', command.guildSubcommands[3])).to.equal('!grouped tiers set <minutes>');
	});
});
