/** A value that does not fit a setting: the message says what the setting accepts, and what is wrong when that is not plain from it. */
export class InvalidSettingValueError extends Error {
	public constructor(
		public readonly key: string,
		public readonly accepts: string,
		/** Set when the value breaks a rule of every setting, e.g. "it has a control character". */
		public readonly problem?: string
	) {
		super(`${key} accepts ${accepts}${problem === undefined ? '' : `; ${problem}`}`);
		this.name = 'InvalidSettingValueError';
	}
}

/**
 * What a Discord id setting names in the server it is set for: a role, or a text channel where the
 * bot can post. The command that sets it checks this against the server; the settings manager knows no Discord.
 */
export type DiscordReference = 'role' | 'text-channel';

/** One typed setting key: its default, what it accepts, and how it is stored as text. */
export interface SettingDefinition<T = unknown> {
	readonly description: string;
	/** Said to the user when a value is refused, e.g. "a whole number from 0 to 100". */
	readonly accepts: string;
	readonly defaultValue: T;
	/** Reads stored text or user input; returns undefined when it does not fit (never for text with control characters). */
	parse(text: string): T | undefined;
	serialize(value: T): string;
	/** Set when a command owns the key (e.g. `/kick connect`): `/settings` shows it but does not change it. */
	readonly managedBy?: string;
	/** Set when the value is the id of a role or channel that must exist in the server (see DiscordReference). */
	readonly refersTo?: DiscordReference;
}

/** A key that a command owns was asked to change through /settings or the manager. */
export class ManagedSettingError extends Error {
	public constructor(
		public readonly key: string,
		public readonly managedBy: string
	) {
		super(`${key} is set by ${managedBy}`);
		this.name = 'ManagedSettingError';
	}
}

/** Control characters (NUL, line breaks, escapes) and lone surrogates: PostgreSQL cannot store NUL, and no setting means any of them. */
const CONTROL_OR_BROKEN = /[\p{Cc}\p{Cs}]/u;

/** Whether a value breaks the rule of every setting: no control characters and no broken Unicode. */
export function hasControlCharacters(text: string): boolean {
	return CONTROL_OR_BROKEN.test(text);
}

export const CONTROL_CHARACTER_PROBLEM = 'the value has a control character (such as NUL or a line break), which no setting takes';

/** PostgreSQL's BIGINT, where every id is stored. */
const BIGINT_MAX = 2n ** 63n - 1n;

/** Digits of a positive id without a leading zero that a BIGINT holds, `minDigits` or more of them. */
function isStorableId(text: string, minDigits: number): boolean {
	return text.length >= minDigits && /^[1-9]\d*$/.test(text) && BigInt(text) <= BIGINT_MAX;
}

/** Wraps a parser so that text with a control character never reaches it. */
function refusingControlCharacters<T>(parse: (text: string) => T | undefined): (text: string) => T | undefined {
	return (text) => (hasControlCharacters(text) ? undefined : parse(text));
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'enable', 'enabled']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'disable', 'disabled']);

/** The kinds of settings plugins declare in their manifest. */
export const setting = {
	boolean(defaultValue: boolean, description: string): SettingDefinition<boolean> {
		return {
			description,
			accepts: 'true or false',
			defaultValue,
			parse: refusingControlCharacters((text) =>
				TRUE_WORDS.has(text.trim().toLowerCase()) ? true : FALSE_WORDS.has(text.trim().toLowerCase()) ? false : undefined
			),
			serialize: String
		};
	},

	integer(range: { min: number; max: number }, defaultValue: number, description: string): SettingDefinition<number> {
		return {
			description,
			accepts: `a whole number from ${range.min} to ${range.max}`,
			defaultValue,
			parse: refusingControlCharacters((text) => {
				if (!/^-?\d+$/.test(text.trim())) return undefined;
				// `+ 0` turns "-0" into 0, which is what its stored form reads back as.
				const value = Number(text.trim()) + 0;
				return value >= range.min && value <= range.max ? value : undefined;
			}),
			serialize: String
		};
	},

	text(rule: { pattern: RegExp; accepts: string }, defaultValue: string, description: string): SettingDefinition<string> {
		return {
			description,
			accepts: rule.accepts,
			defaultValue,
			parse: refusingControlCharacters((text) => (rule.pattern.test(text) ? text : undefined)),
			serialize: (value) => value
		};
	},

	/** Text that may be unset (its default): "none" unsets it. */
	optionalText(rule: { pattern: RegExp; accepts: string }, description: string): SettingDefinition<string | null> {
		return {
			description,
			accepts: `${rule.accepts}, or "none"`,
			defaultValue: null,
			parse: refusingControlCharacters((text) =>
				text.trim().toLowerCase() === 'none' ? null : rule.pattern.test(text.trim()) ? text.trim() : undefined
			),
			serialize: (value) => value ?? 'none'
		};
	},

	/** The same definition, owned by a command: `/settings` shows it but leaves changes to `managedBy`. */
	managed<T>(definition: SettingDefinition<T>, managedBy: string): SettingDefinition<T> {
		return { ...definition, managedBy };
	},

	/** A role of the server (its mention or id), checked against the server when set; unset by default. */
	role(description: string): SettingDefinition<string | null> {
		return discordReference('role', /^<@&(\d+)>$/, 'a role of this server (@role or its id), or "none"', description);
	},

	/** A text channel of the server where the bot can post (its mention or id), checked against the server when set; unset by default. */
	textChannel(description: string): SettingDefinition<string | null> {
		return discordReference(
			'text-channel',
			/^<#(\d+)>$/,
			'a text channel of this server where the bot can post (#channel or its id), or "none"',
			description
		);
	},

	/** A positive numeric id of another service (e.g. a Kick user), stored as BIGINT; unset by default. */
	numericId(what: string, description: string): SettingDefinition<string | null> {
		return {
			description,
			accepts: `${what} (digits, no leading zero), or "none"`,
			defaultValue: null,
			parse: refusingControlCharacters((text) => {
				const trimmed = text.trim();
				if (trimmed.toLowerCase() === 'none') return null;
				return isStorableId(trimmed, 1) ? trimmed : undefined;
			}),
			serialize: (value) => value ?? 'none'
		};
	},

	/** A command prefix: 1 to 5 visible characters that cannot change how a message looks or whom it mentions. */
	prefix(defaultValue: string, description: string): SettingDefinition<string> {
		return {
			description,
			accepts: `1 to 5 visible characters, such as ! ? $ . - or letters; no spaces, invisible, combining or full-width characters, quotes, brackets, or * _ ~ | \` > # @ < \\`,
			defaultValue,
			parse: refusingControlCharacters((text) => (isPlainPrefix(text) ? text : undefined)),
			serialize: (value) => value
		};
	},

	/** Some of the given plugin names (a list, by commas or spaces), or "none": empty by default. */
	pluginNames(names: readonly string[], description: string): SettingDefinition<readonly string[]> {
		return {
			description,
			accepts: `plugin names separated by commas (${names.join(', ') || 'none loaded'}), or "none"`,
			defaultValue: [],
			parse: refusingControlCharacters((text) => {
				if (text.trim().toLowerCase() === 'none') return [];
				const picked = [
					...new Set(
						text
							.split(/[\s,]+/)
							.filter((word) => word !== '')
							.map((word) => word.toLowerCase())
					)
				];
				return picked.length > 0 && picked.every((name) => names.includes(name)) ? picked.sort() : undefined;
			}),
			serialize: (value) => (value.length === 0 ? 'none' : value.join(','))
		};
	}
} as const;

/** A snowflake (17 to 19 digits, at most BIGINT) or its mention of the one right kind; "none" unsets it. */
function discordReference(refersTo: DiscordReference, mention: RegExp, accepts: string, description: string): SettingDefinition<string | null> {
	return {
		description,
		accepts,
		defaultValue: null,
		refersTo,
		parse: refusingControlCharacters((text) => {
			const trimmed = text.trim();
			if (trimmed.toLowerCase() === 'none') return null;
			const id = mention.exec(trimmed)?.[1] ?? trimmed;
			return isStorableId(id, 17) ? id : undefined;
		}),
		serialize: (value) => value ?? 'none'
	};
}

/**
 * Refused in a prefix: other (controls, invisible format characters such as U+200B and U+202E),
 * separators, marks, quotes and brackets (Sapphire reads quotes as argument delimiters), and the
 * characters of Discord markdown and mentions.
 */
const NOT_IN_PREFIX = /[\p{C}\p{Z}\p{M}\p{Pi}\p{Pf}\p{Ps}\p{Pe}*_~|`>#@<\\'"]/u;

function isPlainPrefix(text: string): boolean {
	const length = [...text].length;
	// NFKC folds look-alikes (full-width ！, ligatures, math letters) into what they imitate.
	return length >= 1 && length <= 5 && !NOT_IN_PREFIX.test(text) && text.normalize('NFKC') === text;
}
