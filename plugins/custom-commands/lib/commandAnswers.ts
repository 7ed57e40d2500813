import { ActionRowBuilder, escapeMarkdown, ModalBuilder, TextInputBuilder, TextInputStyle, type APIEmbed } from 'discord.js';
import { CALL_VARIABLES, pageButtons, type ChatVariableCatalog, type CommandAnswer, type GuildContext } from '#core';
import { addModalId, ALIASES_FIELD, editModalId, listPageId, RESPONSE_FIELD } from './commandIds.js';
import { MAX_ALIASES, MAX_RESPONSE_LENGTH, type CustomCommandRecord, type CustomCommandsRepository } from './CustomCommandsRepository.js';

export const COMMANDS_PER_PAGE = 10;
const LIST_PREVIEW = 60;

export const MODERATORS_ONLY = 'Only moderators of this server can change its commands. Nothing was changed.';
export const noSuchCommand = (typed: string) =>
	`This server has no custom command ${escapeMarkdown(/^[!#]/.test(typed) ? typed : `!${typed}`)}. Nothing was changed.`;

/** Aliases as a moderator types them: separated by commas or spaces, with or without the prefix. */
export function parseAliases(text: string, prefix: string): string[] {
	return [
		...new Set(
			text
				.split(/[\s,]+/u)
				.map((alias) => (alias.startsWith(prefix) ? alias.slice(prefix.length) : alias).replace(/^!/, ''))
				.filter((alias) => alias !== '')
		)
	];
}

function cut(text: string, length: number): string {
	const characters = [...text];
	return characters.length > length ? `${characters.slice(0, length - 1).join('')}…` : text;
}

/** Its rules in one line: `everyone · Kick and Discord · always · 10 s per user`. */
export function rulesOf(command: CustomCommandRecord): string {
	const parts: string[] = [command.access === 'everyone' ? 'everyone' : `${command.access} only`];
	parts.push(command.answersIn === 'both' ? 'Kick chat and Discord' : command.answersIn === 'kick' ? 'Kick chat only' : 'Discord only');
	parts.push(command.liveMode === 'always' ? 'live or offline' : command.liveMode === 'live' ? 'while live' : 'while offline');
	if (command.cooldownSeconds > 0) parts.push(`${command.cooldownSeconds} s between uses`);
	if (command.userCooldownSeconds > 0) parts.push(`${command.userCooldownSeconds} s per user`);
	if (command.allowMentions) parts.push('may ping users in Discord');
	return parts.join(' · ');
}

/** One command in full, for `/command info` and after a change. */
export function describeCommand(command: CustomCommandRecord, prefix: string): APIEmbed {
	const aliases = command.aliases.length === 0 ? 'none' : command.aliases.map((alias) => `${prefix}${alias}`).join(', ');
	return {
		title: `${prefix}${command.name}${command.enabled ? '' : ' (off)'}`,
		description: `\`\`\`\n${command.response.replaceAll('```', '`\u200b``')}\n\`\`\``,
		fields: [
			{ name: 'Aliases', value: escapeMarkdown(aliases), inline: true },
			{ name: 'Uses', value: command.useCount.toLocaleString('en-US'), inline: true },
			{ name: 'Rules', value: rulesOf(command) }
		],
		footer: { text: `Command #${command.id}` }
	};
}

/** A page of the server's commands (from 1), with Previous and Next. */
export async function answerList(commands: CustomCommandsRepository, page: number, prefix: string): Promise<CommandAnswer> {
	const wanted = Math.max(page, 1);
	const { commands: shown, total } = await commands.page((wanted - 1) * COMMANDS_PER_PAGE, COMMANDS_PER_PAGE);
	if (total === 0) return { content: 'This server has no custom commands yet. Add one with `/command add`, or `!addcom` in Kick chat.' };
	const pages = Math.ceil(total / COMMANDS_PER_PAGE);
	if (shown.length === 0) return { content: `The commands have ${pages} page${pages === 1 ? '' : 's'}; there is no page ${wanted}.`, visibility: 'refusal' };
	const line = (command: CustomCommandRecord) => {
		const aliases = command.aliases.length === 0 ? '' : ` (${command.aliases.map((alias) => `${prefix}${alias}`).join(', ')})`;
		const off = command.enabled ? '' : ' · **off**';
		return `**${escapeMarkdown(`${prefix}${command.name}${aliases}`)}**${off}: ${escapeMarkdown(cut(command.response, LIST_PREVIEW))}`;
	};
	return {
		embeds: [{ title: `Custom commands (${total})`, description: shown.map(line).join('\n'), footer: { text: `Page ${wanted} of ${pages}` } }],
		components: pageButtons(listPageId(commands.guildId), wanted, wanted < pages)
	};
}

/** Every variable a response can use: the call's, and each plugin's (marked when its plugin is off here). */
export function answerVariables(catalog: ChatVariableCatalog, context: Pick<GuildContext, 'pluginIsOn'>): CommandAnswer {
	const call = Object.entries(CALL_VARIABLES)
		.filter(([name]) => !/^arg[2-9]$/.test(name))
		.map(([name, description]) => `\`{${name === 'arg1' ? 'arg1}…{arg9' : name}}\` ${description}`);
	const byPlugin = new Map<string, string[]>();
	for (const [name, variable] of catalog) byPlugin.set(variable.plugin, [...(byPlugin.get(variable.plugin) ?? []), `\`{${name}}\` ${variable.description}`]);
	return {
		embeds: [
			{
				title: 'Variables of custom commands',
				description: 'Filled when the command answers. What a viewer types is never filled again, so `{args}` cannot call another variable.',
				fields: [
					{ name: 'From the call', value: call.join('\n') },
					...[...byPlugin].map(([plugin, lines]) => ({
						name: `From ${plugin}${context.pluginIsOn(plugin) ? '' : ' (off here: reads “(unavailable)”)'}`,
						value: lines.join('\n').slice(0, 1024)
					}))
				]
			}
		]
	};
}

/** The form for a response (and aliases): empty for a new command, filled for an edit. */
function responseModal(customId: string, title: string, command: Pick<CustomCommandRecord, 'response' | 'aliases'> | null): ModalBuilder {
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
		.setMaxLength(400);
	if (command !== null) {
		response.setValue(command.response);
		if (command.aliases.length > 0) aliases.setValue(command.aliases.join(' '));
	}
	return new ModalBuilder()
		.setCustomId(customId)
		.setTitle(title.slice(0, 45))
		.addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(response), new ActionRowBuilder<TextInputBuilder>().addComponents(aliases));
}

export const addModal = (guildId: bigint, name: string) => responseModal(addModalId(guildId, name), `New command: !${name}`, null);
export const editModal = (guildId: bigint, command: CustomCommandRecord) => responseModal(editModalId(guildId, command.id), `Edit !${command.name}`, command);
