import { groupByPlugin, type DiscordCommandSummary } from '#core';

/** Discord's embed limits: a field's value, the fields of one embed, and every character of it. */
const FIELD_VALUE_LIMIT = 1024;
const FIELD_COUNT_LIMIT = 25;
const EMBED_TOTAL_LIMIT = 6000;

/** An embed as discord.js takes it. */
export interface HelpEmbed {
	title: string;
	description?: string;
	fields: { name: string; value: string }[];
	footer: { text: string };
}

interface HelpView {
	readonly prefix: string;
	readonly moderator: boolean;
	readonly title: string;
}

/**
 * /help: the commands this member may use, a field per plugin, one line each in both forms. When
 * that would not fit one embed (many plugins), each plugin lists its command names only.
 */
export function describeDiscordHelp(commands: readonly DiscordCommandSummary[], view: HelpView): HelpEmbed {
	const groups = groupByPlugin(commands.filter((command) => view.moderator || !command.moderatorsOnly));
	const footer = { text: `/help <command> or ${view.prefix}help <command> tells more about one.` };
	if (groups.length === 0) return { title: view.title, description: 'No commands here you can use.', fields: [], footer };
	const detailed = groups.flatMap(([plugin, group]) =>
		packLines(
			plugin,
			group.map((command) => {
				const subcommands = command.subcommands.length === 0 ? '' : ` (${command.subcommands.join(', ')})`;
				return `\`/${command.name}\` · \`${view.prefix}${command.name}\`${subcommands}: ${command.description}`;
			})
		)
	);
	if (fits(view.title, footer.text, detailed)) return { title: view.title, fields: detailed, footer };
	const compact = groups.flatMap(([plugin, group]) => packLines(plugin, [group.map((command) => `\`/${command.name}\``).join(' ')]));
	return { title: view.title, fields: compact.slice(0, FIELD_COUNT_LIMIT), footer };
}

/** /help <command>: each way to call one command, in both forms, with what it does; then its context menus. */
export function describeDiscordCommand(command: DiscordCommandSummary, view: { readonly prefix: string }): HelpEmbed {
	const lines = [
		...command.usages.map(({ usage, description }) => `\`/${usage}\` · \`${view.prefix}${usage}\`: ${description}`),
		...command.contextMenus.map(({ type, name, description }) => `Apps → **${name}** (on ${type === 'user' ? 'a member' : 'a message'}): ${description}`)
	];
	return {
		title: `/${command.name} · ${view.prefix}${command.name}`,
		// Up to 25 subcommands of at most ~300 characters each, and a few menus: well within a description's 4,096.
		description: [command.description, '', ...lines].join('\n'),
		fields: [],
		footer: { text: command.moderatorsOnly ? 'Moderators only.' : `From ${command.plugin === 'core' ? 'the core' : `the ${command.plugin} plugin`}.` }
	};
}

/** A plugin's lines as fields of at most FIELD_VALUE_LIMIT characters: `plugin`, then `plugin (more)`. */
function packLines(plugin: string, lines: readonly string[]): { name: string; value: string }[] {
	const fields: { name: string; value: string }[] = [];
	let value = '';
	for (const line of lines.map((text) => (text.length > FIELD_VALUE_LIMIT ? `${text.slice(0, FIELD_VALUE_LIMIT - 1)}…` : text))) {
		if (value !== '' && value.length + 1 + line.length > FIELD_VALUE_LIMIT) {
			fields.push({ name: fields.length === 0 ? plugin : `${plugin} (more)`, value });
			value = '';
		}
		value = value === '' ? line : `${value}\n${line}`;
	}
	fields.push({ name: fields.length === 0 ? plugin : `${plugin} (more)`, value });
	return fields;
}

function fits(title: string, footer: string, fields: readonly { name: string; value: string }[]): boolean {
	const total = title.length + footer.length + fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
	return fields.length <= FIELD_COUNT_LIMIT && total <= EMBED_TOTAL_LIMIT;
}
