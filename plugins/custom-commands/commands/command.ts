import { ApplyOptions } from '@sapphire/decorators';
import type { ChatInputCommandInteraction } from 'discord.js';
import { chatVariableCatalog, GuildCommand, type CommandCall, type CommandOption, type GuildContext } from '#core';
import { addModal, answerList, answerVariables, describeCommand, editModal, MODERATORS_ONLY, noSuchCommand, parseAliases } from '../lib/commandAnswers.js';
import { addCommand, editCommand, findCommand, removeCommand, type CommandChange } from '../lib/changeCommands.js';
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
	description: 'The command’s name or an alias (see /command list)',
	required: true,
	maxLength: 40
};
const RESPONSE: CommandOption = {
	type: 'string',
	name: 'response',
	description: 'What it answers, with variables (leave out for a form; /command variables lists them)',
	maxLength: MAX_RESPONSE_LENGTH,
	rest: true
};
/** The rules of a command; the prefix form takes the name and response only. */
const RULES: readonly CommandOption[] = [
	{ type: 'string', name: 'aliases', description: 'Other names, separated by spaces or commas', maxLength: 400 },
	{ type: 'string', name: 'access', description: 'Who may use it (default everyone)', choices: COMMAND_ACCESS },
	{ type: 'string', name: 'where', description: 'Where it answers (default both)', choices: ANSWERS_IN },
	{ type: 'string', name: 'when', description: 'When it answers (default always)', choices: LIVE_MODES },
	{ type: 'integer', name: 'cooldown', description: 'Seconds everyone waits after a use (default 0)', min: 0, max: MAX_COOLDOWN_SECONDS },
	{ type: 'integer', name: 'user_cooldown', description: 'Seconds one user waits between uses (default 0)', min: 0, max: MAX_COOLDOWN_SECONDS },
	{ type: 'boolean', name: 'allow_mentions', description: 'May its Discord answer ping the users it names (never @everyone or roles)' }
];

/** /command and !command: the server's custom commands (changes by moderators; the list, info and variables for everyone). */
@ApplyOptions<GuildCommand.Options>({
	description: 'This server’s custom !commands for Kick chat and Discord.',
	guildSubcommands: [
		{
			name: 'add',
			description: 'Adds a command; without a response, a form takes a long one.',
			options: [{ type: 'string', name: 'name', description: 'Its name, without the prefix', required: true, maxLength: 40 }, RESPONSE, ...RULES],
			run: 'add'
		},
		{
			name: 'edit',
			description: 'Changes a command; with only the command, a form for its response opens.',
			options: [COMMAND, RESPONSE, { type: 'string', name: 'name', description: 'A new name, without the prefix', maxLength: 40 }, ...RULES],
			run: 'edit'
		},
		{ name: 'remove', description: 'Removes a command.', options: [COMMAND], run: 'remove' },
		{ name: 'enable', description: 'Switches a command on.', options: [COMMAND], run: 'enable' },
		{ name: 'disable', description: 'Switches a command off.', options: [COMMAND], run: 'disable' },
		{ name: 'info', description: 'Shows a command: response, rules and uses.', options: [COMMAND], run: 'info' },
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
		const name = (call.options.string('name') ?? '').replace(/^!/, '');
		const response = call.options.string('response');
		if (response === null) {
			if (call.form === 'slash' && /^[\p{L}\p{N}_-]{1,32}$/u.test(name))
				return void (await (call.source as ChatInputCommandInteraction).showModal(addModal(context.guildId, name)));
			return void (await call.reply({
				content: `Say what it answers: \`${call.invocation} <name> <response>\`. Nothing was added.`,
				visibility: 'refusal'
			}));
		}
		await this.answer(call, context, await addCommand(context, { name, response, ...this.rules(call, context) }), 'Added');
	}

	public async edit(call: CommandCall, context: GuildContext): Promise<void> {
		const command = await this.moderatorCommand(call, context);
		if (command === null) return;
		const response = call.options.string('response');
		const name = call.options.string('name')?.replace(/^!/, '');
		const changes: CustomCommandChanges = {
			...this.rules(call, context),
			...(response === null ? {} : { response }),
			...(name === undefined ? {} : { name })
		};
		if (Object.keys(changes).length === 0) {
			if (call.form === 'slash') return void (await (call.source as ChatInputCommandInteraction).showModal(editModal(context.guildId, command)));
			return void (await call.reply({ content: 'Say what to change: a response, a name or a rule. Nothing was changed.', visibility: 'refusal' }));
		}
		await this.answer(call, context, await editCommand(context, command.id, changes), 'Changed');
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
		const removed = await removeCommand(context, command.id);
		if (removed === null) return void (await call.reply({ content: noSuchCommand(command.name), visibility: 'refusal' }));
		await call.reply({ content: `Removed ${context.settings.get('prefix')}${removed.name}.` });
	}

	public async info(call: CommandCall, context: GuildContext): Promise<void> {
		const typed = call.options.string('command') ?? '';
		const command = await findCommand(context, typed);
		if (command === null) return void (await call.reply({ content: noSuchCommand(typed), visibility: 'refusal' }));
		await call.reply({ embeds: [describeCommand(command, context.settings.get('prefix'))] });
	}

	public async variables(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(answerVariables(chatVariableCatalog(), context));
	}

	public async list(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerList(context.db.customCommands, call.options.integer('page') ?? 1, context.settings.get('prefix')));
	}

	/** The rules given as options (the slash form; the prefix form takes none). */
	private rules(call: CommandCall, context: GuildContext): CustomCommandChanges {
		const aliases = call.options.string('aliases');
		const access = call.options.string('access');
		const where = call.options.string('where');
		const when = call.options.string('when');
		const cooldown = call.options.integer('cooldown');
		const userCooldown = call.options.integer('user_cooldown');
		const allowMentions = call.options.boolean('allow_mentions');
		return {
			...(aliases === null ? {} : { aliases: parseAliases(aliases, context.settings.get('prefix')) }),
			...(access === null ? {} : { access: access as CommandAccess }),
			...(where === null ? {} : { answersIn: where as AnswersIn }),
			...(when === null ? {} : { liveMode: when as LiveMode }),
			...(cooldown === null ? {} : { cooldownSeconds: cooldown }),
			...(userCooldown === null ? {} : { userCooldownSeconds: userCooldown }),
			...(allowMentions === null ? {} : { allowMentions })
		};
	}

	private async switchTo(call: CommandCall, context: GuildContext, enabled: boolean): Promise<void> {
		const command = await this.moderatorCommand(call, context);
		if (command !== null) await this.answer(call, context, await editCommand(context, command.id, { enabled }), enabled ? 'Switched on' : 'Switched off');
	}

	private async answer(call: CommandCall, context: GuildContext, change: CommandChange, done: string): Promise<void> {
		if (!change.ok) return void (await call.reply({ content: change.refusal, visibility: 'refusal' }));
		const prefix = context.settings.get('prefix');
		await call.reply({ content: `${done} ${prefix}${change.command.name}.`, embeds: [describeCommand(change.command, prefix)] });
	}

	private async moderator(call: CommandCall): Promise<boolean> {
		if (call.byModerator) return true;
		await call.reply({ content: MODERATORS_ONLY, visibility: 'refusal' });
		return false;
	}

	private async moderatorCommand(call: CommandCall, context: GuildContext): Promise<CustomCommandRecord | null> {
		if (!(await this.moderator(call))) return null;
		const typed = call.options.string('command') ?? '';
		const command = await findCommand(context, typed);
		if (command === null) await call.reply({ content: noSuchCommand(typed), visibility: 'refusal' });
		return command;
	}
}
