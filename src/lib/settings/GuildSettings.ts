import type { GuildId } from '#lib/database/GuildId';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import type { SettingKey, SettingTypes } from '#lib/settings/SettingTypes';

/** One value as a moderator sees it: what applies, and whether the server set it. */
export interface SettingView {
	readonly key: string;
	readonly value: string;
	readonly isDefault: boolean;
	readonly accepts: string;
	readonly description: string;
	readonly declaredBy: string;
	/** Set when the key is owned by a command (e.g. `/kick connect`), which alone changes it. */
	readonly managedBy?: string;
	/** The stored text when it does not fit the key (e.g. written by the dashboard): the default applies instead. */
	readonly invalidStoredValue?: string;
}

/**
 * One server's settings at one moment: its stored value for a key, else the key's default.
 * Immutable; the manager hands out a new one after a change.
 */
export class GuildSettings {
	private readonly values = new Map<string, unknown>();
	private readonly invalidStored = new Map<string, string>();

	public constructor(
		public readonly guildId: GuildId,
		private readonly stored: ReadonlyMap<string, string>,
		private readonly declared: ReadonlyMap<string, DeclaredSetting>,
		/** Told about a stored value that no longer fits its key (e.g. written by hand); the default applies. */
		onInvalidStoredValue: (key: string, value: string) => void = () => undefined
	) {
		for (const [key, text] of stored) {
			const setting = declared.get(key);
			if (setting === undefined) continue;
			const value = setting.definition.parse(text);
			if (value !== undefined) {
				this.values.set(key, value);
				continue;
			}
			this.invalidStored.set(key, text);
			onInvalidStoredValue(key, text);
		}
	}

	public get<K extends SettingKey>(key: K): SettingTypes[K] {
		// A stored value is never undefined (a value that does not parse is not kept): one lookup for what the server set, as the chat path reads it.
		const value = this.values.get(key);
		if (value !== undefined) return value as SettingTypes[K];
		const setting = this.declared.get(key);
		if (setting === undefined) throw new RangeError(`No setting "${key}" is declared by the core or an installed plugin`);
		return setting.definition.defaultValue as SettingTypes[K];
	}

	/** Every declared key, sorted, with the value that applies here. */
	public view(): SettingView[] {
		return [...this.declared.values()]
			.sort((a, b) => a.key.localeCompare(b.key))
			.map(({ key, definition, declaredBy }) => {
				const isDefault = !this.values.has(key);
				const value = isDefault ? definition.defaultValue : this.values.get(key);
				const invalidStoredValue = this.invalidStored.get(key);
				return {
					key,
					value: definition.serialize(value),
					isDefault,
					accepts: definition.accepts,
					description: definition.description,
					declaredBy,
					...(definition.managedBy === undefined ? {} : { managedBy: definition.managedBy }),
					...(invalidStoredValue === undefined ? {} : { invalidStoredValue })
				};
			});
	}
}
