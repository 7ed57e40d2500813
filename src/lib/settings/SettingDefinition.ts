/** A value that does not fit a setting: the message says what the setting accepts. */
export class InvalidSettingValueError extends Error {
	public constructor(
		public readonly key: string,
		public readonly accepts: string
	) {
		super(`${key} accepts ${accepts}`);
		this.name = 'InvalidSettingValueError';
	}
}

/** One typed setting key: its default, what it accepts, and how it is stored as text. */
export interface SettingDefinition<T = unknown> {
	readonly description: string;
	/** Said to the user when a value is refused, e.g. "a whole number from 0 to 100". */
	readonly accepts: string;
	readonly defaultValue: T;
	/** Reads stored text or user input; returns undefined when it does not fit. */
	parse(text: string): T | undefined;
	serialize(value: T): string;
	/** Set when a command owns the key (e.g. `/kick connect`): `/settings` shows it but does not change it. */
	readonly managedBy?: string;
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

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'enable', 'enabled']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'disable', 'disabled']);

/** The kinds of settings plugins declare in their manifest. */
export const setting = {
	boolean(defaultValue: boolean, description: string): SettingDefinition<boolean> {
		return {
			description,
			accepts: 'true or false',
			defaultValue,
			parse: (text) => (TRUE_WORDS.has(text.trim().toLowerCase()) ? true : FALSE_WORDS.has(text.trim().toLowerCase()) ? false : undefined),
			serialize: String
		};
	},

	integer(range: { min: number; max: number }, defaultValue: number, description: string): SettingDefinition<number> {
		return {
			description,
			accepts: `a whole number from ${range.min} to ${range.max}`,
			defaultValue,
			parse: (text) => {
				if (!/^-?\d+$/.test(text.trim())) return undefined;
				const value = Number(text.trim());
				return value >= range.min && value <= range.max ? value : undefined;
			},
			serialize: String
		};
	},

	text(rule: { pattern: RegExp; accepts: string }, defaultValue: string, description: string): SettingDefinition<string> {
		return {
			description,
			accepts: rule.accepts,
			defaultValue,
			parse: (text) => (rule.pattern.test(text) ? text : undefined),
			serialize: (value) => value
		};
	},

	/** Text that may be unset (its default): "none" unsets it. */
	optionalText(rule: { pattern: RegExp; accepts: string }, description: string): SettingDefinition<string | null> {
		return {
			description,
			accepts: `${rule.accepts}, or "none"`,
			defaultValue: null,
			parse: (text) => (text.trim().toLowerCase() === 'none' ? null : rule.pattern.test(text.trim()) ? text.trim() : undefined),
			serialize: (value) => value ?? 'none'
		};
	},

	/** The same definition, owned by a command: `/settings` shows it but leaves changes to `managedBy`. */
	managed<T>(definition: SettingDefinition<T>, managedBy: string): SettingDefinition<T> {
		return { ...definition, managedBy };
	},

	/** A Discord role, channel or user id; unset by default. */
	discordId(description: string): SettingDefinition<string | null> {
		return {
			description,
			accepts: 'a Discord id (17 to 20 digits), or "none"',
			defaultValue: null,
			parse: (text) => {
				const trimmed = text.trim().replace(/^<[@#][&!]?(\d+)>$/, '$1');
				if (trimmed.toLowerCase() === 'none') return null;
				return /^\d{17,20}$/.test(trimmed) ? trimmed : undefined;
			},
			serialize: (value) => value ?? 'none'
		};
	}
} as const;
