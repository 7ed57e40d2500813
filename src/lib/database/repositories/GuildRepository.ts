import type { QueryClient } from '#lib/database/client';
import type { GuildId } from '#lib/database/GuildId';

/** What a repository is built on: one server, a client, and a way to run a transaction. */
export interface GuildScope {
	readonly guildId: GuildId;
	readonly client: QueryClient;
	/** Runs `work` in a transaction, or in the current one when the scope is already inside one. */
	transaction<T>(work: (client: QueryClient) => Promise<T>): Promise<T>;
}

/** A repository bound to one server: it has no way to be asked about another. */
export abstract class GuildRepository {
	public constructor(protected readonly scope: GuildScope) {}

	public get guildId(): GuildId {
		return this.scope.guildId;
	}

	protected get client(): QueryClient {
		return this.scope.client;
	}
}
