import { ActionRowBuilder, escapeMarkdown, ModalBuilder, TextInputBuilder, TextInputStyle, type APIEmbed, type APIEmbedField } from 'discord.js';
import { CALL_VARIABLES, pageButtons, type ChatVariableCatalog, type CommandAnswer, type GuildContext } from '#core';
import { addModalId, ALIASES_FIELD, editModalId, listPageId, RESPONSE_FIELD, type CommandRules } from './commandIds.js';
import {
	MAX_ALIASES,
	MAX_RESPONSE_LENGTH,
	type AnswersIn,
	type CommandAccess,
	type CustomCommandRecord,
	type CustomCommandsRepository,
	type LiveMode
} from './CustomCommandsRepository.js';

export const COMMANDS_PER_PAGE = 10;
/** A response in the list is shown up to this long. */
const LIST_PREVIEW = 60;
/** A list line shows this many aliases, then how many more. */
const LIST_ALIASES = 3;
/** Discord's longest embed field value. */
const FIELD_MAX = 1024;
/** The aliases field of the form: ten aliases of 32 characters (64 UTF-16 units at most) with their separators. */
const ALIASES_TEXT_MAX = MAX_ALIASES * 65;

export const MODERATORS_ONLY = 'Only moderators of this server can change its commands. Nothing was changed.';

const ACCESS_TEXT: Record<CommandAccess, string> = {
	everyone: 'everyone',
	subscribers: 'subscribers, VIPs, moderators and the broadcaster',
	vips: 'VIPs, moderators and the broadcaster',
	moderators: 'moderators and the broadcaster',
	broadcaster: 'the broadcaster only'
};
const WHERE_TEXT: Record<AnswersIn, string> = { both: 'Kick chat and Discord', kick: 'Kick chat only', discord: 'Discord only' };
const WHEN_TEXT: Record<LiveMode, string> = { always: 'live or offline', live: 'only while live', offline: 'only while offline' };

/** A word as a moderator types a command's name: without the server's prefix (or `!`). */
export function nameOf(typed: string, prefix: string): string {
	const word = typed.trim();
	if (word.startsWith(prefix)) return word.slice(prefix.length);
	return word.startsWith('!') ? word.slice(1) : word;
}

/** Aliases as a moderator types them: separated by commas or spaces, with or without the prefix, each once. */
export function parseAliases(text: string, prefix: string): string[] {
	const aliases = text
		.split(/[\s,]+/u)
		.map((alias) => nameOf(alias, prefix))
		.filter((alias) => alias !== '');
	return [...new Set(aliases)];
}

/** `!name` as shown in Discord, its markdown escaped. */
const shown = (word: string, prefix: string) => escapeMarkdown(`${prefix}${word}`);

function cut(text: string, length: number): string {
	const characters = [...text];
	return characters.length > length ? `${characters.slice(0, length - 1).join('')}…` : text;
}

export const noSuchCommand = (typed: string, prefix: string) =>
	`This server has no custom command ${shown(cut(nameOf(typed, prefix), 40), prefix)}. Nothing was changed.`;

/** Refused before the form opens: a name the form's id cannot carry is no command's name. */
export const notAName = (name: string) =>
	`\`${cut(name, 40).replaceAll('`', '')}\` cannot name a command: 1 to 32 letters, digits, dashes or underscores, without the prefix. Nothing was added.`;

const seconds = (value: number) => (value === 0 ? 'none' : `${value.toLocaleString('en-US')} s`);

/** One command in full, for `/command info` and after a change. */
export function describeCommand(command: CustomCommandRecord, prefix: string): APIEmbed {
	const aliases = command.aliases.length === 0 ? 'none' : command.aliases.map((alias) => shown(alias, prefix)).join(', ');
	return {
		title: `${shown(command.name, prefix)}${command.enabled ? '' : ' (off)'}`,
		// A response holding ``` would close the block early: a zero-width space keeps it inside.
		description: `\`\`\`\n${command.response.replaceAll('```', '`\u200b``')}\n\`\`\``,
		fields: [
			{ name: 'Status', value: command.enabled ? 'on' : 'off', inline: true },
			{ name: 'Aliases', value: aliases, inline: true },
			{ name: 'Uses', value: command.useCount.toLocaleString('en-US'), inline: true },
			{ name: 'Access', value: ACCESS_TEXT[command.access], inline: true },
			{ name: 'Where', value: WHERE_TEXT[command.answersIn], inline: true },
			{ name: 'When', value: WHEN_TEXT[command.liveMode], inline: true },
			{ name: 'Cooldown', value: seconds(command.cooldownSeconds), inline: true },
			{ name: 'Per-user cooldown', value: seconds(command.userCooldownSeconds), inline: true },
			{ name: 'Mentions', value: command.allowMentions ? 'may ping the users it names' : 'pings nobody', inline: true }
		],
		footer: { text: `Command #${command.id}` }
	};
}

/** One line of the list: `**!name** (!alias) · off: Hello {user}…`. */
export function listLine(command: CustomCommandRecord, prefix: string): string {
	const more = command.aliases.length - LIST_ALIASES;
	const aliases = command.aliases.slice(0, LIST_ALIASES).map((alias) => shown(alias, prefix));
	const aliasText = aliases.length === 0 ? '' : ` (${aliases.join(', ')}${more > 0 ? ` +${more}` : ''})`;
	const preview = escapeMarkdown(cut(command.response.replace(/\s+/gu, ' '), LIST_PREVIEW));
	return `**${shown(command.name, prefix)}**${aliasText}${command.enabled ? '' : ' · **off**'}: ${preview}`;
}

/** A page of the server's commands (from 1, a page past the end shows the last), with Previous and Next. */
export async function answerList(commands: CustomCommandsRepository, page: number, prefix: string): Promise<CommandAnswer> {
	const pageAt = (current: number) => commands.page((current - 1) * COMMANDS_PER_PAGE, COMMANDS_PER_PAGE);
	let current = Math.max(page, 1);
	let { commands: listed, total } = await pageAt(current);
	if (total === 0) return { content: 'This server has no custom commands yet. Add one with `/command add`, or `!addcom` in Kick chat.' };
	const pages = Math.ceil(total / COMMANDS_PER_PAGE);
	// Past the end (commands were removed since the button was made): the last page there is now.
	if (current > pages) {
		current = pages;
		({ commands: listed, total } = await pageAt(current));
	}
	return {
		embeds: [
			{
				title: `Custom commands (${total})`,
				description: listed.map((command) => listLine(command, prefix)).join('\n'),
				footer: { text: `Page ${current} of ${Math.ceil(total / COMMANDS_PER_PAGE)}` }
			}
		],
		components: pageButtons(listPageId(commands.guildId), current, current * COMMANDS_PER_PAGE < total)
	};
}

/** Lines as embed fields of at most 1,024 characters each, the first named `name`, the next `name (more)`. */
export function fieldsOf(name: string, lines: readonly string[]): APIEmbedField[] {
	const fields: APIEmbedField[] = [];
	let value = '';
	for (const line of lines.map((text) => cut(text, FIELD_MAX))) {
		if (value !== '' && value.length + 1 + line.length > FIELD_MAX) {
			fields.push({ name: fields.length === 0 ? name : `${name} (more)`, value });
			value = '';
		}
		value = value === '' ? line : `${value}\n${line}`;
	}
	if (value !== '') fields.push({ name: fields.length === 0 ? name : `${name} (more)`, value });
	return fields;
}

/** Every variable a response can use: the call's, and each plugin's (marked when its plugin is off in this server). */
export function answerVariables(catalog: ChatVariableCatalog, context: Pick<GuildContext, 'pluginIsOn'>): CommandAnswer {
	const call = Object.entries(CALL_VARIABLES)
		.filter(([name]) => !/^arg[2-9]$/u.test(name))
		.map(([name, description]) => {
			// {arg1} to {arg9} as one line; `{random 1-100}: …` shows how it is written.
			if (name === 'arg1') return '`{arg1}`…`{arg9}` one word typed after the command, by its place (empty when missing)';
			const written = /^(\{[^}]+\}): (.+)$/u.exec(description);
			return written === null ? `\`{${name}}\` ${description}` : `\`${written[1]}\` ${written[2]}`;
		});
	const byPlugin = new Map<string, string[]>();
	for (const [name, variable] of catalog) byPlugin.set(variable.plugin, [...(byPlugin.get(variable.plugin) ?? []), `\`{${name}}\` ${variable.description}`]);
	const plugins = [...byPlugin].sort(([a], [b]) => a.localeCompare(b));
	return {
		embeds: [
			{
				title: 'Variables of custom commands',
				description:
					'Filled when the command answers. What a viewer types is never filled again, so `{args}` cannot call another variable. ' +
					'A variable of a plugin that is off here reads “(unavailable)”.',
				fields: [
					...fieldsOf('From the call', call),
					...plugins.flatMap(([plugin, lines]) => fieldsOf(`From ${plugin}${context.pluginIsOn(plugin) ? '' : ' (off here)'}`, lines))
				]
			}
		]
	};
}

/** The form for a response and aliases: the aliases given for a new command, everything for an edit. */
function responseModal(customId: string, title: string, filled: { readonly response?: string; readonly aliases: readonly string[] }): ModalBuilder {
	const response = new TextInputBuilder()
		.setCustomId(RESPONSE_FIELD)
		.setLabel(`Response (up to ${MAX_RESPONSE_LENGTH} characters)`)
		.setStyle(TextInputStyle.Paragraph)
		.setRequired(true)
		.setMaxLength(MAX_RESPONSE_LENGTH)
		.setPlaceholder('{user} has {points} points. Try {random.pick a|b|c}!');
	const aliases = new TextInputBuilder()
		.setCustomId(ALIASES_FIELD)
		.setLabel(`Aliases (up to ${MAX_ALIASES}, spaces or commas)`)
		.setStyle(TextInputStyle.Short)
		.setRequired(false)
		.setMaxLength(ALIASES_TEXT_MAX);
	if (filled.response !== undefined) response.setValue(filled.response);
	if (filled.aliases.length > 0) aliases.setValue(filled.aliases.join(' '));
	return new ModalBuilder()
		.setCustomId(customId)
		.setTitle(cut(title, 45))
		.addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(response), new ActionRowBuilder<TextInputBuilder>().addComponents(aliases));
}

/** The form of `/command add <name>` without a response; null when the name cannot be a command's (see notAName). */
export function addModal(guildId: bigint, name: string, rules: CommandRules, aliases: readonly string[]): ModalBuilder | null {
	const id = addModalId(guildId, name, rules);
	return id === null ? null : responseModal(id, `New command: ${name}`, { aliases });
}

/** The form to change a command's response and aliases; null when its response is longer than the form takes (a dashboard may write one). */
export function editModal(guildId: bigint, command: CustomCommandRecord): ModalBuilder | null {
	if ([...command.response].length > MAX_RESPONSE_LENGTH) return null;
	return responseModal(editModalId(guildId, command.id), `Edit command: ${command.name}`, command);
}
