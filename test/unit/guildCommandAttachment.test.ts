import { expect } from 'chai';
import { ApplyOptions } from '@sapphire/decorators';
import { container } from '@sapphire/framework';
import { ApplicationCommandOptionType, SlashCommandBuilder } from 'discord.js';
import { GuildCommand } from '#lib/commands/GuildCommand';

@ApplyOptions<GuildCommand.Options>({
	description: 'A command that takes files.',
	guildSubcommands: [
		{
			name: 'import',
			description: 'Imports a file.',
			options: [
				{ type: 'attachment', name: 'file', description: 'The file', required: true },
				{ type: 'string', name: 'note', description: 'A note' },
				{ type: 'attachment', name: 'extra', description: 'Another file' }
			],
			run: 'import'
		}
	]
})
class FilesCommand extends GuildCommand {}

describe('GuildCommand: attachment options (a file picked in the slash form, attached in the prefix form)', () => {
	let command: FilesCommand;
	const client = Reflect.get(container, 'client') as unknown;

	before(() => {
		// A command reads the client's default cooldown options when it is made; nothing else of it here.
		Reflect.set(container, 'client', { options: {} });
		command = new FilesCommand({ name: 'files', path: '/plugins/x/commands/files.js', root: '/plugins/x', store: null } as never, {});
	});
	after(() => Reflect.set(container, 'client', client));

	it('registers an attachment option as Discord’s type 11, required or not as declared', () => {
		let registered: ReturnType<SlashCommandBuilder['toJSON']> | undefined;
		command.registerApplicationCommands({
			registerChatInputCommand: (build: (builder: SlashCommandBuilder) => SlashCommandBuilder) => {
				registered = build(new SlashCommandBuilder()).toJSON();
			},
			registerContextMenuCommand: () => undefined
		} as never);
		const [subcommand] = registered!.options!;
		const options = 'options' in subcommand! ? (subcommand.options ?? []) : [];
		expect(options.map((option) => ({ type: option.type, name: option.name, required: option.required ?? false }))).to.deep.equal([
			{ type: ApplicationCommandOptionType.Attachment, name: 'file', required: true },
			{ type: ApplicationCommandOptionType.String, name: 'note', required: false },
			{ type: ApplicationCommandOptionType.Attachment, name: 'extra', required: false }
		]);
	});

	it('says in the prefix form’s usage line that a file is attached, not typed', () => {
		expect(command.usage('!', command.guildSubcommands[0])).to.equal('!files import <file attached> [note] [extra attached]');
	});
});
