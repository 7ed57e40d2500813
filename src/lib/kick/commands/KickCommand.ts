import { Piece } from '@sapphire/framework';
import { Lexer, Parser, type Parameter } from '@sapphire/lexure';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { KickChatMessageEvent } from '#lib/kick/events/KickEvent';
import { sourcePathOf } from '#lib/paths';

/** Who may use a Kick chat command; each level includes the ones above it (see `accessOf` for the badges). */
export const KICK_COMMAND_ACCESS = ['everyone', 'subscribers', 'moderators', 'broadcaster'] as const;
export type KickCommandAccess = (typeof KICK_COMMAND_ACCESS)[number];

/** What a Kick chat command runs for: one chat message of one server's channel (the server's context comes as its own argument). */
export interface KickChatCommandMessage {
	readonly event: KickChatMessageEvent;
	/** The name as the chatter typed it (an alias, any case), for usage lines. */
	readonly commandName: string;
	/** Answers in the channel's chat as a reply to the message, queued through the throttled sender. */
	readonly reply: (content: string) => Promise<void>;
}

/** A typed argument: its value, or what to tell the chatter. */
export type KickArgResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

// Sapphire's message commands accept the same quotes; phones type the curly ones.
const lexer = new Lexer({
	quotes: [
		['"', '"'],
		['“', '”'],
		['«', '»'],
		['「', '」']
	]
});
// No flag strategy: a chatter's "-5" or "--all" is an ordinary word.
const parser = new Parser();

const ECHO_LIMIT = 30;

/** Quotes what the chatter typed in a reply, cut short so a pasted wall of text cannot push the reply past Kick's message limit. */
function echo(text: string): string {
	if (text.length <= ECHO_LIMIT) return JSON.stringify(text);
	const cut = text.slice(0, ECHO_LIMIT - 1);
	// Never half of a character: a lone surrogate would show in chat as \ud83c.
	return JSON.stringify(`${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`);
}

/** The text after a command's name: words, or several words in quotes as one. */
export class KickCommandArgs {
	/** Everything after the command name, as typed, trimmed. */
	public readonly raw: string;
	/** The words, a quoted part as one word without its quotes. */
	public readonly tokens: readonly string[];
	private readonly parameters: readonly Parameter[];

	public constructor(raw: string) {
		this.raw = raw.trim();
		this.parameters = parser.run(lexer.run(this.raw)).ordered;
		this.tokens = this.parameters.map((parameter) => parameter.value);
	}

	/** The word at `index` (from 0), or undefined when there are fewer. */
	public pick(index: number): string | undefined {
		return this.tokens[index];
	}

	/** The text from the word at `index` to the end as typed (quotes and spacing kept), e.g. a message to store; empty when there is none. */
	public rest(from: number): string {
		return this.parameters
			.slice(from)
			.map((parameter, position) => (position === 0 ? '' : parameter.leading) + parameter.raw)
			.join('');
	}

	/** The word at `index` as a whole number from `min` to `max`; `label` names it in the error, e.g. "amount". */
	public integer(index: number, range: { readonly min: number; readonly max: number; readonly label?: string }): KickArgResult<number> {
		const label = range.label ?? 'number';
		const accepts = `use a whole number from ${range.min} to ${range.max}`;
		const text = this.pick(index);
		if (text === undefined) return { ok: false, error: `Missing ${label}: ${accepts}.` };
		const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
		if (!Number.isSafeInteger(value) || value < range.min || value > range.max)
			return { ok: false, error: `${echo(text)} is not a valid ${label}: ${accepts}.` };
		return { ok: true, value };
	}
}

/**
 * A command chatters use in a connected Kick channel, e.g. `!points`: loaded from
 * `src/kick-commands/` and every enabled plugin's `kick-commands/` folder. The name (the file's,
 * unless the options say otherwise) and the aliases are matched ignoring case after the server's
 * prefix; no two commands may share one (the store refuses at load).
 *
 * @example
 * \@ApplyOptions<KickCommand.Options>({ aliases: ['pts'], description: 'Shows your points.', userCooldownSeconds: 10 })
 * export class PointsCommand extends KickCommand {
 *   public async run({ event, reply }: KickCommand.Message, args: KickCommand.Args, context: GuildContext) { ... }
 * }
 */
export abstract class KickCommand extends Piece<KickCommand.Options, 'kick-commands'> {
	public readonly aliases: readonly string[];
	/** One line, shown by !commands. */
	public readonly description: string;
	public readonly access: KickCommandAccess;
	/** How long one chatter waits before using it again (0: not at all). */
	public readonly userCooldownSeconds: number;
	/** How long everyone waits after anyone used it (0: not at all). */
	public readonly commandCooldownSeconds: number;

	public constructor(context: KickCommand.LoaderContext, options: KickCommand.Options) {
		super(context, options);
		const where = this.location.virtual ? `"${this.name}"` : sourcePathOf(this.location.full);
		const aliases: unknown = options.aliases ?? [];
		// One word each: the dispatcher reads the name up to the first space.
		const isWord = (word: unknown) => typeof word === 'string' && /^\S+$/u.test(word);
		if (!isWord(this.name)) throw new TypeError(`Kick command ${where}: the name ${JSON.stringify(this.name)} is not one word.`);
		if (!Array.isArray(aliases) || !aliases.every(isWord)) {
			throw new TypeError(`Kick command ${where}: aliases ${JSON.stringify(aliases)} is not a list of single words.`);
		}
		if (typeof options.description !== 'string' || options.description.trim() === '') {
			throw new TypeError(`Kick command ${where}: description is missing (one line, shown by !commands).`);
		}
		const access = options.access ?? 'everyone';
		if (!KICK_COMMAND_ACCESS.includes(access)) {
			throw new TypeError(`Kick command ${where}: access ${JSON.stringify(access)} is not one of ${KICK_COMMAND_ACCESS.join(', ')}.`);
		}
		for (const key of ['userCooldownSeconds', 'commandCooldownSeconds'] as const) {
			const seconds = options[key] ?? 0;
			if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
				throw new TypeError(`Kick command ${where}: ${key} ${JSON.stringify(seconds)} is not a number of seconds (0 or more).`);
			}
		}
		this.aliases = aliases as string[];
		this.description = options.description.trim();
		this.access = access;
		this.userCooldownSeconds = options.userCooldownSeconds ?? 0;
		this.commandCooldownSeconds = options.commandCooldownSeconds ?? 0;
	}

	/** Runs the command for the server of `context`; a throw or rejection is logged by the caller, never shown in chat. */
	public abstract run(message: KickChatCommandMessage, args: KickCommandArgs, context: GuildContext): Promise<unknown>;
}

export namespace KickCommand {
	export interface Options extends Piece.Options {
		readonly aliases?: readonly string[];
		readonly description: string;
		/** Default everyone. Subscribers also admits VIPs, founders, moderators and the broadcaster. */
		readonly access?: KickCommandAccess;
		/** Default 0. The broadcaster and moderators are never held by a cooldown. */
		readonly userCooldownSeconds?: number;
		/** Default 0. */
		readonly commandCooldownSeconds?: number;
	}
	export type LoaderContext = Piece.LoaderContext<'kick-commands'>;
	export type Message = KickChatCommandMessage;
	export type Args = KickCommandArgs;
}
