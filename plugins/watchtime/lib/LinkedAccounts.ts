import type { GuildContext } from '#core';

/** A linked member's account as presence needs it. */
export interface LinkedAccount {
	readonly discordId: bigint;
	/** The linked Kick name, lower-cased: the member's minutes go to it. */
	readonly username: string;
}

interface ServerLinks {
	readonly byUserId: ReadonlyMap<string, LinkedAccount>;
	/** Legacy links, made before the bot read Kick user ids: by lower-cased name. */
	readonly byLegacyName: ReadonlyMap<string, LinkedAccount>;
	readonly loadedAt: number;
}

const NONE: ServerLinks = { byUserId: new Map(), byLegacyName: new Map(), loadedAt: Number.NEGATIVE_INFINITY };

/**
 * Each server's links as this process last read them (one query per server every `ttlMs`), so
 * presence can tell who a chatter is without a query per message. A link made since is found by
 * the tick, which reads the links as they are; one removed since still counts the account as the
 * member it was linked to when they chatted, so a member who relinks to another account within the
 * presence window still counts once.
 */
export class LinkedAccounts {
	private readonly servers = new Map<bigint, ServerLinks>();
	private readonly loading = new Map<bigint, Promise<ServerLinks>>();
	private sweptAt = Number.NEGATIVE_INFINITY;

	public constructor(
		private readonly options: { readonly ttlMs: number; readonly now: () => number; readonly onLoadError: (guildId: bigint, error: unknown) => void }
	) {}

	/** The server's links, read again when older than the time to live (the last ones known, or none, when that read fails). */
	public async of(context: Pick<GuildContext, 'guildId' | 'db'>): Promise<LinkedAccounts.Lookup> {
		const known = this.servers.get(context.guildId) ?? NONE;
		const links = this.options.now() - known.loadedAt < this.options.ttlMs ? known : await this.load(context, known);
		return (kickUserId, username) => links.byUserId.get(kickUserId) ?? links.byLegacyName.get(username.toLowerCase()) ?? null;
	}

	/** How many servers' links are kept (expired ones included until they are dropped). */
	public get cachedServers(): number {
		return this.servers.size;
	}

	private load(context: Pick<GuildContext, 'guildId' | 'db'>, known: ServerLinks): Promise<ServerLinks> {
		let loading = this.loading.get(context.guildId);
		if (loading === undefined) {
			this.dropExpired();
			loading = this.read(context)
				.then((links) => {
					this.servers.set(context.guildId, links);
					return links;
				})
				.catch((error: unknown) => {
					this.options.onLoadError(context.guildId, error);
					return known;
				})
				.finally(() => this.loading.delete(context.guildId));
			this.loading.set(context.guildId, loading);
		}
		return loading;
	}

	/** At most once per time to live, when a server's links are read: drops the expired ones, so only servers that chatted lately keep theirs. */
	private dropExpired(): void {
		const now = this.options.now();
		if (now - this.sweptAt < this.options.ttlMs) return;
		this.sweptAt = now;
		for (const [guildId, links] of this.servers) if (now - links.loadedAt >= this.options.ttlMs) this.servers.delete(guildId);
	}

	private async read(context: Pick<GuildContext, 'guildId' | 'db'>): Promise<ServerLinks> {
		const loadedAt = this.options.now();
		const byUserId = new Map<string, LinkedAccount>();
		const byLegacyName = new Map<string, LinkedAccount>();
		for (const link of await context.db.links.all()) {
			const account = { discordId: link.discordId, username: link.kickName.toLowerCase() };
			if (link.kickUserId === null) byLegacyName.set(account.username, account);
			else byUserId.set(link.kickUserId.toString(), account);
		}
		return { byUserId, byLegacyName, loadedAt };
	}
}

export namespace LinkedAccounts {
	/** The member an account is linked to here, by its Kick user id (or, for legacy links, its name); null when none. */
	export type Lookup = (kickUserId: string, username: string) => LinkedAccount | null;
}
