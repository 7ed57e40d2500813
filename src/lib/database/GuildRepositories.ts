import type { GuardedClient, QueryClient } from '#lib/database/client';
import type { GuildId } from '#lib/database/GuildId';
import type { GuildScope } from '#lib/database/repositories/GuildRepository';
import { KeyValueSettingsRepository } from '#lib/database/repositories/KeyValueSettingsRepository';
import { KickConnectionRepository } from '#lib/database/repositories/KickConnectionRepository';
import { KickOAuthStatesRepository } from '#lib/database/repositories/KickOAuthStatesRepository';
import { KickTokensRepository } from '#lib/database/repositories/KickTokensRepository';
import { OutboxRepository } from '#lib/database/repositories/OutboxRepository';
import { OverlayKeysRepository } from '#lib/database/repositories/OverlayKeysRepository';
import { ServerRepository } from '#lib/database/repositories/ServerRepository';
import type { TokenCipher } from '#lib/database/TokenCipher';

/**
 * The repositories plugins add, by the name pieces read them under (`context.db.<name>`). A
 * plugin declares them in its manifest and augments this interface for their types:
 *
 *     declare module '#core' { interface PluginRepositories { raffles: RaffleRepository } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by plugins through module augmentation
export interface PluginRepositories {}

/** How a repository is built: for one server's scope. */
export type RepositoryClass<Repository = unknown> = new (scope: GuildScope) => Repository;

/** The repositories of the core: a plugin may not take these names. */
export const CORE_REPOSITORY_NAMES = [
	'settings',
	'server',
	'kickTokens',
	'kickConnection',
	'kickOAuthStates',
	'outbox',
	'overlayKeys',
	'guildId',
	'transaction'
] as const;

// Declaration merging: every instance also has the plugins' repositories, defined as getters by `withPluginRepositories`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface GuildRepositories extends PluginRepositories {}

/**
 * Every repository of one server. Built by `Database.forGuild(guildId)`; nothing in it can
 * reach another server's rows. Building it costs one object: each repository is made the first
 * time it is read, so an event that reads two of them makes two.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class GuildRepositories {
	protected readonly scope: GuildScope;
	/** The repositories made so far, by name. */
	private readonly made = new Map<string, unknown>();

	public constructor(
		public readonly guildId: GuildId,
		client: GuardedClient | QueryClient,
		private readonly cipher: TokenCipher | undefined,
		inTransaction = false
	) {
		this.scope = {
			guildId,
			client,
			transaction: (work) => (inTransaction ? work(client) : (client as GuardedClient).$transaction(work))
		};
	}

	/** The server's bot settings, key → stored text (`bot_settings`). */
	public get settings(): KeyValueSettingsRepository {
		return this.repository('settings', (scope) => new KeyValueSettingsRepository(scope, 'bot_settings'));
	}

	public get server(): ServerRepository {
		return this.repository('server', (scope) => new ServerRepository(scope));
	}

	public get kickTokens(): KickTokensRepository {
		return this.repository('kickTokens', (scope) => new KickTokensRepository(scope, this.cipher));
	}

	public get kickConnection(): KickConnectionRepository {
		return this.repository('kickConnection', (scope) => new KickConnectionRepository(scope));
	}

	public get kickOAuthStates(): KickOAuthStatesRepository {
		return this.repository('kickOAuthStates', (scope) => new KickOAuthStatesRepository(scope));
	}

	/** What became of this server's posted messages (`outbox_messages`). */
	public get outbox(): OutboxRepository {
		return this.repository('outbox', (scope) => new OutboxRepository(scope));
	}

	/** This server's secret overlay key (`overlay_keys`), encrypted with the tokens' cipher. */
	public get overlayKeys(): OverlayKeysRepository {
		return this.repository('overlayKeys', (scope) => new OverlayKeysRepository(scope, this.cipher));
	}

	/**
	 * Runs `work` in one database transaction with repositories of this same server bound to
	 * it; inside a transaction already, it joins that one.
	 */
	public transaction<T>(work: (repositories: this) => Promise<T>): Promise<T> {
		const Bound = this.constructor as new (guildId: GuildId, client: QueryClient, cipher: TokenCipher | undefined, inTransaction: boolean) => this;
		return this.scope.transaction((client) => work(new Bound(this.guildId, client, this.cipher, true)));
	}

	/** The repository `name`, made on first use. */
	protected repository<Repository>(name: string, make: (scope: GuildScope) => Repository): Repository {
		let repository = this.made.get(name) as Repository | undefined;
		if (repository === undefined) {
			repository = make(this.scope);
			this.made.set(name, repository);
		}
		return repository;
	}
}

/**
 * A GuildRepositories class that also has the given plugin repositories, each read as
 * `repositories.<name>` and made on first use. Made once per Database.
 * @throws {Error} when a name is the core's.
 */
export function withPluginRepositories(repositories: ReadonlyMap<string, RepositoryClass>): typeof GuildRepositories {
	class RepositoriesWithPlugins extends GuildRepositories {}
	for (const [name, Repository] of repositories) {
		if ((CORE_REPOSITORY_NAMES as readonly string[]).includes(name))
			throw new Error(`The repository name "${name}" is the core's; a plugin must use another.`);
		Object.defineProperty(RepositoriesWithPlugins.prototype, name, {
			get(this: RepositoriesWithPlugins) {
				return this.repository(name, (scope) => new Repository(scope));
			}
		});
	}
	return RepositoriesWithPlugins;
}
