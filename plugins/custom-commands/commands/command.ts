import { ApplyOptions } from '@sapphire/decorators';
import { escapeMarkdown, type ChatInputCommandInteraction } from 'discord.js';
import { chatVariableCatalog, GuildCommand, type CommandCall, type CommandOption, type GuildContext } from '#core';
import { addCommand, editCommand, findCommand, removeCommand, type CommandChange } from '../lib/changeCommands.js';
import {
	addModal,
	answerList,
	answerVariables,
	describeCommand,
	editModal,
	MODERATORS_ONLY,
	nameOf,
	noSuchCommand,
	notAName,
	parseAliases
} from '../lib/commandAnswers.js';
import type { CommandRules } from '../lib/commandIds.js';
import {
	ANSWERS_IN,
	COMMAND_ACCESS,
	LIVE_MODES,
	MAX_COOLDOWN_SECONDS,
	MAX_RESPONSE_LENGTH,
	type AnswersIn,
	type CommandAccess,
	type CustomCommandChanges,
	type CustomCommandRecord,
	type LiveMode
} from '../lib/CustomCommandsRepository.js';

const COMMAND: CommandOption = {
	type: 'string',
	name: 'command',
	description: 'The command’s name or an alias, with or without the prefix (see /command list)',
	required: true,
	maxLength: 64
};
/** What it answers; the rest of the line in the prefix form, so the rules after it are the slash form's. */
const RESPONSE: CommandOption = {
	type: 'string',
	name: 'response',
	description: 'What it answers, with variables from /command variables (leave out for a form)',
	maxLength: MAX_RESPONSE_LENGTH,
	rest: true
};
const RULES: readonly CommandOption[] = [
	{ type: 'string', name: 'aliases', description: 'Other names it answers to, separated by spaces or commas', maxLength: 400 },
	{ type: 'string', name: 'access', description: 'Who may use it in Kick chat (default everyone)', choices: COMMAND_ACCESS },
	{ type: 'string', name: 'where', description: 'Where it answers: Kick chat, Discord or both (default both)', choices: ANSWERS_IN },
	{ type: 'string', name: 'when', description: 'When it answers, by the stream’s status (default always)', choices: LIVE_MODES },
	{ type: 'integer', name: 'cooldown', description: 'Seconds everyone waits after anyone used it (default 0)', min: 0, max: MAX_COOLDOWN_SECONDS },
	{ type: 'integer', name: 'user_cooldown', description: 'Seconds one user waits between uses (default 0)', min: 0, max: MAX_COOLDOWN_SECONDS },
	{ type: 'boolean', name: 'allow_mentions', description: 'Whether its Discord answer may ping the users it names (default no)' }
];

/** /command and !command: this server's custom !commands for Kick chat and Discord (changes by moderators; list, info and variables for everyone). */
@ApplyOptions<GuildCommand.Options>({
	description: 'This server’s custom !commands for Kick chat and Discord.',
	guildSubcommands: [
		{
			name: 'add',
			description: 'Adds a command; without a response, a form takes it.',
			options: [{ type: 'string', name: 'name', description: 'Its name, without the prefix', required: true, maxLength: 64 }, RESPONSE, ...RULES],
			run: 'add'
		},
		{
			name: 'edit',
			description: 'Changes a command; with only the command, a form for its response and aliases opens.',
			options: [
				COMMAND,
				RESPONSE,
				{ type: 'string', name: 'name', description: 'A new name, without the prefix', maxLength: 64 },
				...RULES,
				{ type: 'boolean', name: 'no_aliases', description: 'Removes all its aliases' }
			],
			run: 'edit'
		},
		{ name: 'remove', description: 'Removes a command.', options: [COMMAND], run: 'remove' },
		{ name: 'enable', description: 'Switches a command on.', options: [COMMAND], run: 'enable' },
		{ name: 'disable', description: 'Switches a command off: it answers nothing until switched on.', options: [COMMAND], run: 'disable' },
		{ name: 'info', description: 'Shows a command in full: response, rules and uses.', options: [COMMAND], run: 'info' },
		{ name: 'variables', description: 'Lists the variables a response can use.', run: 'variables' },
		{
			name: 'list',
			description: 'Lists this server’s custom commands.',
			options: [{ type: 'integer', name: 'page', description: 'The page', min: 1, max: 1000 }],
			run: 'list',
			default: true
		}
	]
})
export class CustomCommandCommand extends GuildCommand {
	public async add(call: CommandCall, context: GuildContext): Promise<void> {
		if (!(await this.moderator(call))) return;
		const prefix = context.settings.get('prefix');
		const name = nameOf(call.options.string('name') ?? '', prefix);
		const { aliases, ...rules } = this.rules(call, prefix);
		const response = call.options.string('response');
		if (response === null) {
			if (call.form === 'prefix')
				return void (await call.reply({
					content: `Say what it answers: \`${call.invocation} <name> <response>\`. Nothing was added.`,
					visibility: 'refusal'
				}));
			const form = addModal(context.guildId, name, rules, aliases ?? []);
			if (form === null) return void (await call.reply({ content: notAName(name), visibility: 'refusal' }));
			return void (await (call.source as ChatInputCommandInteraction).showModal(form));
		}
		await this.answer(call, context, await addCommand(context, { name, response, ...(aliases === undefined ? {} : { aliases }), ...rules }), 'Added');
	}

	public async edit(call: CommandCall, context: GuildContext): Promise<void> {
		const command = await this.moderatorCommand(call, context);
		if (command === null) return;
		const prefix = context.settings.get('prefix');
		const response = call.options.string('response');
		const name = call.options.string('name');
		const changes: CustomCommandChanges = {
			...this.rules(call, prefix),
			...(call.options.boolean('no_aliases') === true ? { aliases: [] } : {}),
			...(response === null ? {} : { response }),
			...(name === null ? {} : { name: nameOf(name, prefix) })
		};
		if (Object.keys(changes).length > 0) return this.answer(call, context, await editCommand(context, command.id, changes), 'Changed');
		const form = call.form === 'slash' ? editModal(context.guildId, command) : null;
		if (form !== null) return void (await (call.source as ChatInputCommandInteraction).showModal(form));
		await call.reply({
			content: `Say what to change: \`${call.invocation} <command> <response>\`, or a name or a rule in the slash form. Nothing was changed.`,
			visibility: 'refusal'
		});
	}

	public async enable(call: CommandCall, context: GuildContext): Promise<void> {
		await this.switchTo(call, context, true);
	}

	public async disable(call: CommandCall, context: GuildContext): Promise<void> {
		await this.switchTo(call, context, false);
	}

	public async remove(call: CommandCall, context: GuildContext): Promise<void> {
		const command = await this.moderatorCommand(call, context);
		if (command === null) return;
		const prefix = context.settings.get('prefix');
		const removed = await removeCommand(context, command.id);
		if (removed === null) return void (await call.reply({ content: noSuchCommand(command.name, prefix), visibility: 'refusal' }));
		await call.reply({ content: `Removed ${escapeMarkdown(`${prefix}${removed.name}`)}.` });
	}

	public async info(call: CommandCall, context: GuildContext): Promise<void> {
		const command = await this.namedCommand(call, context);
		if (command !== null) await call.reply({ embeds: [describeCommand(command, context.settings.get('prefix'))] });
	}

	public async variables(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(answerVariables(chatVariableCatalog(), context));
	}

	public async list(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerList(context.db.customCommands, call.options.integer('page') ?? 1, context.settings.get('prefix')));
	}

	/** The aliases and rules given as options (the slash form's: the prefix form's response takes the rest of the line). */
	private rules(call: CommandCall, prefix: string): CommandRules & Pick<CustomCommandChanges, 'aliases'> {
		const aliases = call.options.string('aliases');
		// The slash form offers the choices only; the repository refuses any other value.
		const access = call.options.string('access') as CommandAccess | null;
		const answersIn = call.options.string('where') as AnswersIn | null;
		const liveMode = call.options.string('when') as LiveMode | null;
		const cooldownSeconds = call.options.integer('cooldown');
		const userCooldownSeconds = call.options.integer('user_cooldown');
		const allowMentions = call.options.boolean('allow_mentions');
		return {
			...(aliases === null ? {} : { aliases: parseAliases(aliases, prefix) }),
			...(access === null ? {} : { access }),
			...(answersIn === null ? {} : { answersIn }),
			...(liveMode === null ? {} : { liveMode }),
			...(cooldownSeconds === null ? {} : { cooldownSeconds }),
			...(userCooldownSeconds === null ? {} : { userCooldownSeconds }),
			...(allowMentions === null ? {} : { allowMentions })
		};
	}

	private async switchTo(call: CommandCall, context: GuildContext, enabled: boolean): Promise<void> {
		const command = await this.moderatorCommand(call, context);
		if (command === null) return;
		if (command.enabled === enabled) {
			const name = escapeMarkdown(`${context.settings.get('prefix')}${command.name}`);
			return void (await call.reply({ content: `${name} is already ${enabled ? 'on' : 'off'}. Nothing was changed.`, visibility: 'refusal' }));
		}
		await this.answer(call, context, await editCommand(context, command.id, { enabled }), enabled ? 'Switched on' : 'Switched off');
	}

	private async answer(call: CommandCall, context: GuildContext, change: CommandChange, done: string): Promise<void> {
		if (!change.ok) return void (await call.reply({ content: change.refusal, visibility: 'refusal' }));
		const prefix = context.settings.get('prefix');
		await call.reply({ content: `${done} ${escapeMarkdown(`${prefix}${change.command.name}`)}.`, embeds: [describeCommand(change.command, prefix)] });
	}

	private async moderator(call: CommandCall): Promise<boolean> {
		if (call.byModerator) return true;
		await call.reply({ content: MODERATORS_ONLY, visibility: 'refusal' });
		return false;
	}

	/** The command named by the `command` option, for a moderator; null (with the answer given) otherwise. */
	private async moderatorCommand(call: CommandCall, context: GuildContext): Promise<CustomCommandRecord | null> {
		return (await this.moderator(call)) ? this.namedCommand(call, context) : null;
	}

	/** The command named by the `command` option; null (with the answer given) when the server has none by that word. */
	private async namedCommand(call: CommandCall, context: GuildContext): Promise<CustomCommandRecord | null> {
		const typed = call.options.string('command') ?? '';
		const command = await findCommand(context, typed);
		if (command === null) await call.reply({ content: noSuchCommand(typed, context.settings.get('prefix')), visibility: 'refusal' });
		return command;
	}
}
