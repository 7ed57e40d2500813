import type { GuildContext } from '#lib/guild/GuildContext';

/** Whom a reply's variables are about: the chatter in Kick chat, the member in Discord. */
export interface ChatVariableViewer {
	/** The Kick account as it chatted (null in Discord: a provider finds the member's linked account itself). */
	readonly kickName: string | null;
	readonly kickUserId: string | null;
	/** The Discord member who called it (null in Kick chat). */
	readonly discordUserId: string | null;
}

/** One reply's need of one plugin's variables: all of them at once, so they can share one query. */
export interface ChatVariableRequest {
	/** The variables of this plugin the reply uses (a subset of the provider's `variables`). */
	readonly names: ReadonlySet<string>;
	readonly viewer: ChatVariableViewer;
}

/**
 * A plugin's variables for chat replies (`{points}`, `{tickets}`, …), declared in its manifest.
 * `resolve` runs once per reply that uses any of them, with every one the reply uses, and costs at
 * most one query; a plugin switched off in the server is never asked (its variables read
 * UNAVAILABLE_VARIABLE_TEXT).
 */
export interface ChatVariableProvider {
	/** Each variable's name (lower-case, digits and `_`) with a line saying what it shows. */
	readonly variables: Readonly<Record<string, string>>;
	/** The value of each requested name; one the answer lacks reads as UNAVAILABLE_VARIABLE_TEXT. */
	resolve(request: ChatVariableRequest, context: GuildContext): Promise<Readonly<Record<string, string>>>;
}

/** What a variable of a plugin that is off here (or that gave no value) reads as: short, never a raw `{name}`. */
export const UNAVAILABLE_VARIABLE_TEXT = '(unavailable)';

/** A variable name a plugin may declare. */
export const CHAT_VARIABLE_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * The variables a template fills from the call itself, without any plugin; no plugin may declare
 * these names. `arg1`…`arg9` are the words after the command's name.
 */
export const CALL_VARIABLES: Readonly<Record<string, string>> = {
	user: 'who used the command',
	target: 'the first word without its @, or who used the command when there is none',
	args: 'everything typed after the command',
	...Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`arg${index + 1}`, `word ${index + 1} typed after the command (empty when missing)`])),
	uses: 'how many times the command was used, this use included',
	channel: 'the server’s Kick channel',
	random: '{random 1-100}: a whole number in the range',
	'random.pick': '{random.pick a|b|c}: one of the choices'
};
