import { container } from '@sapphire/framework';
import { CALL_VARIABLES, UNAVAILABLE_VARIABLE_TEXT, type ChatVariableProvider, type ChatVariableViewer } from '#lib/chat/chatVariables';
import type { GuildContext } from '#lib/guild/GuildContext';

/** A variable a plugin declares, with the plugin. */
export interface DeclaredChatVariable {
	readonly plugin: string;
	readonly description: string;
	readonly provider: ChatVariableProvider;
}

/** Every plugin variable by name (the plugins that are on in the bot; a server may still have one off). */
export type ChatVariableCatalog = ReadonlyMap<string, DeclaredChatVariable>;

type TemplatePart = string | { readonly name: string; readonly param: string; readonly plugin: string | null };

/** A response parsed once (when a server's commands load), rendered for every use. */
export interface ChatTemplate {
	readonly parts: readonly TemplatePart[];
	/** For each plugin whose variables it uses, the names it uses: one request per plugin per reply. */
	readonly pluginVariables: ReadonlyMap<string, ReadonlySet<string>>;
}

export type ChatTemplateParse = { readonly ok: true; readonly template: ChatTemplate } | { readonly ok: false; readonly error: string };

/** What a template is rendered for: the call, as the custom command (or another feature) saw it. */
export interface ChatCall {
	/** The caller's name as chat shows it. */
	readonly user: string;
	/** Everything typed after the command's name, trimmed. */
	readonly args: string;
	/** The words of `args`, a quoted part as one. */
	readonly words: readonly string[];
	readonly uses: number;
	readonly viewer: ChatVariableViewer;
	/** A number in [0, 1); Math.random by default (tests pass their own). */
	readonly random?: () => number;
}

// A variable: `{name}` or `{name param}`; braces inside never belong to it, so `{{user}}` is a literal brace around {user}.
const VARIABLE = /\{([a-z][a-z0-9_]*(?:\.[a-z]+)?)(?:[ \t]+([^{}\r\n]*?))?[ \t]*\}/g;
const RANGE = /^(-?\d{1,10})\s*-\s*(-?\d{1,10})$/;
const MAX_PICKS = 50;

/** The plugins' variables, from the catalog of the running bot. */
export function chatVariableCatalog(): ChatVariableCatalog {
	return container.plugins.chatVariables;
}

/**
 * Parses a response's variables. Strict (saving a response): an unknown variable or a bad
 * parameter is refused with a line saying which. Lenient (a stored response, which the dashboard
 * may have written): such text stays as typed.
 */
export function parseChatTemplate(text: string, options: { readonly strict: boolean; readonly catalog?: ChatVariableCatalog }): ChatTemplateParse {
	const catalog = options.catalog ?? chatVariableCatalog();
	const parts: TemplatePart[] = [];
	const pluginVariables = new Map<string, Set<string>>();
	let literal = '';
	let last = 0;
	for (const match of text.matchAll(VARIABLE)) {
		const [whole, name, rawParam] = match as unknown as [string, string, string | undefined];
		const param = rawParam?.trim() ?? '';
		const problem = problemOf(name, param, catalog);
		literal += text.slice(last, match.index);
		last = match.index + whole.length;
		if (problem !== null) {
			if (options.strict) return { ok: false, error: problem };
			literal += whole;
			continue;
		}
		if (literal !== '') parts.push(literal);
		literal = '';
		const plugin = catalog.get(name)?.plugin ?? null;
		parts.push({ name, param, plugin });
		if (plugin !== null) {
			let names = pluginVariables.get(plugin);
			if (names === undefined) pluginVariables.set(plugin, (names = new Set()));
			names.add(name);
		}
	}
	literal += text.slice(last);
	if (literal !== '') parts.push(literal);
	return { ok: true, template: { parts, pluginVariables } };
}

function problemOf(name: string, param: string, catalog: ChatVariableCatalog): string | null {
	if (name === 'random') {
		const range = RANGE.exec(param);
		if (range === null) return 'Write {random 1-100}: a range of whole numbers.';
		if (Number(range[1]) > Number(range[2])) return `{random ${param}}: the first number must not be above the second.`;
		return null;
	}
	if (name === 'random.pick') {
		const choices = param.split('|').map((choice) => choice.trim());
		if (param === '' || choices.some((choice) => choice === '')) return 'Write {random.pick a|b|c}: choices separated by |.';
		return choices.length > MAX_PICKS ? `{random.pick} takes at most ${MAX_PICKS} choices.` : null;
	}
	if (!(name in CALL_VARIABLES) && !catalog.has(name)) return `Unknown variable {${name}}: /command variables lists them.`;
	return param === '' ? null : `{${name}} takes nothing after its name.`;
}

/**
 * Fills a template for one call in one pass over the template: a value (what the caller typed, a
 * plugin's answer) is never read for variables again, so `{args}` holding `{points}` prints it as
 * typed. Each plugin whose variables it uses is asked once, all of them at once; a plugin that is
 * off in this server is not asked, its variables read UNAVAILABLE_VARIABLE_TEXT.
 */
export async function renderChatTemplate(template: ChatTemplate, call: ChatCall, context: GuildContext, catalog?: ChatVariableCatalog): Promise<string> {
	const values = new Map<string, string>();
	if (template.pluginVariables.size > 0) {
		const variables = catalog ?? chatVariableCatalog();
		await Promise.all(
			[...template.pluginVariables].map(async ([plugin, names]) => {
				const provider = variables.get(names.values().next().value!)?.provider;
				if (provider === undefined || !context.pluginIsOn(plugin)) return;
				const answer = await provider.resolve({ names, viewer: call.viewer }, context);
				for (const name of names) if (typeof answer[name] === 'string') values.set(name, answer[name]);
			})
		);
	}
	const random = call.random ?? Math.random;
	let text = '';
	for (const part of template.parts) {
		if (typeof part === 'string') text += part;
		else if (part.plugin !== null) text += values.get(part.name) ?? UNAVAILABLE_VARIABLE_TEXT;
		else text += callValue(part.name, part.param, call, context, random);
	}
	return text;
}

function callValue(name: string, param: string, call: ChatCall, context: GuildContext, random: () => number): string {
	switch (name) {
		case 'user':
			return call.user;
		case 'target':
			return call.words[0]?.replace(/^@/, '') || call.user;
		case 'args':
			return call.args;
		case 'uses':
			return call.uses.toLocaleString('en-US');
		case 'channel':
			return context.settings.get('kick_channel') ?? UNAVAILABLE_VARIABLE_TEXT;
		case 'random': {
			const [, low, high] = RANGE.exec(param)!;
			const min = Number(low);
			return String(min + Math.floor(random() * (Number(high) - min + 1)));
		}
		case 'random.pick': {
			const choices = param.split('|').map((choice) => choice.trim());
			return choices[Math.floor(random() * choices.length)]!;
		}
		default:
			// arg1…arg9 (the parser admits no other call variable).
			return call.words[Number(name.slice(3)) - 1] ?? '';
	}
}
