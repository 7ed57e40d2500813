import { cutText } from '@sapphire/utilities';
import type { Database } from '#lib/database/Database';
import { toGuildId, type GuildId } from '#lib/database/GuildId';
import { settingsCacheHits, settingsCacheMisses } from '#lib/metrics/metrics';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { GuildSettings } from '#lib/settings/GuildSettings';
import {
	CONTROL_CHARACTER_PROBLEM,
	hasControlCharacters,
	InvalidSettingValueError,
	ManagedSettingError,
	type SettingDefinition
} from '#lib/settings/SettingDefinition';

/** How much of an unknown key the error message repeats: the key is whatever a user typed. */
const KEY_SHOWN_IN_MESSAGE = 100;

export class UnknownSettingError extends Error {
	public constructor(
		public readonly key: string,
		public readonly known: readonly string[]
	) {
		super(`There is no setting ${JSON.stringify(cutText(key, KEY_SHOWN_IN_MESSAGE))}. Settings: ${known.join(', ')}.`);
		this.name = 'UnknownSettingError';
	}
}

/**
 * A check only the caller can make, run after the value parsed (e.g. that a role is one of the
 * command's server): the problem, said after what the key accepts, or undefined when the value is fine.
 */
export type SettingValueCheck = (definition: SettingDefinition, value: unknown) => string | undefined;

export interface BotSettingsManagerOptions {
	/** How long a server's settings stay cached without a change message; bounds staleness when Redis is down. */
	readonly ttlMs: number;
	/** Called after this process changed a server's settings, so other processes can drop their copy. */
	readonly onChange?: (guildId: GuildId) => void;
	readonly onInvalidStoredValue?: (guildId: GuildId, key: string, value: string) => void;
	readonly now?: () => number;
}

interface CacheEntry {
	readonly settings: GuildSettings;
	readonly expiresAt: number;
}

/**
 * Every server's settings, cached per server (never one global copy). A hit costs no query;
 * concurrent misses for one server share one query; `invalidate` (a dashboard message) or the
 * TTL makes the next read load again, and expired entries are dropped, so the cache holds the
 * servers read lately, not every server ever read. Reads work from the database alone, with or without Redis.
 */
export class BotSettingsManager {
	private readonly cache = new Map<GuildId, CacheEntry>();
	/** The load in flight per server; an invalidation forgets it, so a load that started before cannot cache what it read. */
	private readonly loading = new Map<GuildId, Promise<GuildSettings>>();
	private readonly now: () => number;
	private sweptAt: number;

	public constructor(
		private readonly database: Database,
		private readonly declared: ReadonlyMap<string, DeclaredSetting>,
		private readonly options: BotSettingsManagerOptions
	) {
		this.now = options.now ?? Date.now;
		this.sweptAt = this.now();
	}

	/** How many servers' settings are cached now (expired ones included until they are dropped). */
	public get cachedServers(): number {
		return this.cache.size;
	}

	public forGuild(guildId: bigint | string): Promise<GuildSettings> {
		const cached = this.cached(guildId);
		if (cached !== undefined) return Promise.resolve(cached);
		const id = toGuildId(guildId);
		return this.loading.get(id) ?? this.load(id);
	}

	/** A server's settings when the cache holds them fresh, without waiting (for hot paths that would otherwise await a resolved promise); else undefined. */
	public cached(guildId: bigint | string): GuildSettings | undefined {
		const entry = this.cache.get(toGuildId(guildId));
		if (entry === undefined || entry.expiresAt <= this.now()) return undefined;
		settingsCacheHits.inc();
		return entry.settings;
	}

	/** Drops a server's cached settings; the next read loads them again. */
	public invalidate(guildId: bigint | string): void {
		const id = toGuildId(guildId);
		this.cache.delete(id);
		this.loading.delete(id);
	}

	/**
	 * Validates and stores one value for one server; `check` adds what only the caller can verify.
	 * @throws {UnknownSettingError | InvalidSettingValueError | ManagedSettingError} naming the key and what it accepts; nothing is written.
	 */
	public async set(guildId: bigint | string, key: string, text: string, check?: SettingValueCheck): Promise<GuildSettings> {
		const id = toGuildId(guildId);
		const { definition } = this.changeableSetting(key);
		const value = parsed(key, definition, text);
		const problem = check?.(definition, value);
		if (problem !== undefined) throw new InvalidSettingValueError(key, definition.accepts, problem);
		await this.database.forGuild(id).settings.set({ [key]: definition.serialize(value) });
		return this.changed(id);
	}

	/**
	 * Forgets the server's value for a key, so the default applies again.
	 * @throws {UnknownSettingError | ManagedSettingError}
	 */
	public async reset(guildId: bigint | string, key: string): Promise<GuildSettings> {
		const id = toGuildId(guildId);
		this.changeableSetting(key);
		await this.database.forGuild(id).settings.delete(key);
		return this.changed(id);
	}

	/**
	 * Writes keys that a command owns (null forgets one), as that command: `/kick connect`
	 * records the channel it linked. Values are validated like any other.
	 * @throws {UnknownSettingError | InvalidSettingValueError}; nothing is written then.
	 */
	public async setManaged(guildId: bigint | string, values: Readonly<Record<string, string | null>>): Promise<GuildSettings> {
		const id = toGuildId(guildId);
		const written: Record<string, string> = {};
		const forgotten: string[] = [];
		for (const [key, text] of Object.entries(values)) {
			const { definition } = this.declaredSetting(key);
			if (text === null) {
				forgotten.push(key);
				continue;
			}
			written[key] = definition.serialize(parsed(key, definition, text));
		}
		const settings = this.database.forGuild(id).settings;
		if (Object.keys(written).length > 0) await settings.set(written);
		for (const key of forgotten) await settings.delete(key);
		return this.changed(id);
	}

	public isDeclared(key: string): boolean {
		return this.declared.has(key);
	}

	public get keys(): string[] {
		return [...this.declared.keys()].sort();
	}

	/** The keys `set` and `reset` take: every declared key but those a command owns. */
	public get changeableKeys(): string[] {
		return this.keys.filter((key) => this.declared.get(key)!.definition.managedBy === undefined);
	}

	private async changed(id: GuildId): Promise<GuildSettings> {
		this.invalidate(id);
		this.options.onChange?.(id);
		return this.forGuild(id);
	}

	private changeableSetting(key: string): DeclaredSetting {
		const setting = this.declaredSetting(key);
		if (setting.definition.managedBy !== undefined) throw new ManagedSettingError(key, setting.definition.managedBy);
		return setting;
	}

	private declaredSetting(key: string): DeclaredSetting {
		const setting = this.declared.get(key);
		if (setting === undefined) throw new UnknownSettingError(key, this.keys);
		return setting;
	}

	private load(id: GuildId): Promise<GuildSettings> {
		settingsCacheMisses.inc();
		this.dropExpired();
		const loading = this.database
			.forGuild(id)
			.settings.all()
			.then((stored) => {
				const settings = new GuildSettings(id, stored, this.declared, (key, value) => this.options.onInvalidStoredValue?.(id, key, value));
				if (this.loading.get(id) === loading) this.cache.set(id, { settings, expiresAt: this.now() + this.options.ttlMs });
				return settings;
			})
			.finally(() => {
				if (this.loading.get(id) === loading) this.loading.delete(id);
			});
		this.loading.set(id, loading);
		return loading;
	}

	/** At most once per TTL, on a load: forgets the servers whose settings expired (a server read again is loaded again anyway). */
	private dropExpired(): void {
		const now = this.now();
		if (now - this.sweptAt < this.options.ttlMs) return;
		this.sweptAt = now;
		for (const [id, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(id);
	}
}

/** @throws {InvalidSettingValueError} saying what the key accepts, and naming a control character apart since no key takes one. */
function parsed<T>(key: string, definition: SettingDefinition<T>, text: string): T {
	if (hasControlCharacters(text)) throw new InvalidSettingValueError(key, definition.accepts, CONTROL_CHARACTER_PROBLEM);
	const value = definition.parse(text);
	if (value === undefined) throw new InvalidSettingValueError(key, definition.accepts);
	return value;
}
