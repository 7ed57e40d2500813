import type { GuildContext } from '#core';

interface Known {
	readonly number: number | null;
	readonly loadedAt: number;
}

/**
 * Which round of each server is open, as this process knows it, so a guess in chat costs its one
 * statement and no read. This process sets it when it opens or closes a round; other processes
 * hear of it through a `dashboard:gtb` reload (`forget`); the time to live bounds how long a
 * missed reload (Redis down) can hide a round opened elsewhere. A guess aimed at a round closed
 * meanwhile writes nothing (the statement checks), and the caller forgets the server then.
 */
export class OpenRounds {
	private readonly known = new Map<bigint, Known>();
	private readonly loading = new Map<bigint, Promise<number | null>>();
	/** Bumped by every set and forget: a read that started before one does not overwrite what it says. */
	private changes = 0;
	private sweptAt = Number.NEGATIVE_INFINITY;

	public constructor(private readonly options: { readonly ttlMs: number; readonly now: () => number }) {}

	/** The server's open round number, or null; read once per server and time to live (concurrent callers share the read). */
	public async of(context: Pick<GuildContext, 'guildId' | 'db'>): Promise<number | null> {
		const known = this.known.get(context.guildId);
		if (known !== undefined && this.options.now() - known.loadedAt < this.options.ttlMs) return known.number;
		let loading = this.loading.get(context.guildId);
		if (loading === undefined) {
			this.dropExpired();
			const loadedAt = this.options.now();
			const changes = this.changes;
			loading = context.db.gtb
				.openRoundNumber()
				.then((number) => {
					if (changes === this.changes) this.known.set(context.guildId, { number, loadedAt });
					return number;
				})
				.finally(() => {
					if (this.loading.get(context.guildId) === loading) this.loading.delete(context.guildId);
				});
			this.loading.set(context.guildId, loading);
		}
		return loading;
	}

	/** What this process just did: the server's open round is now `number` (null: none). */
	public set(guildId: bigint, number: number | null): void {
		this.changes += 1;
		this.loading.delete(guildId);
		this.known.set(guildId, { number, loadedAt: this.options.now() });
	}

	/** Another process changed the server's rounds, or a guess found the round closed: read again at the next guess. */
	public forget(guildId: bigint): void {
		this.changes += 1;
		this.loading.delete(guildId);
		this.known.delete(guildId);
	}

	/** How many servers' open rounds are kept (expired ones included until they are dropped). */
	public get cachedServers(): number {
		return this.known.size;
	}

	/** At most once per time to live, when a server's round is read: drops the expired ones, so only servers guessed in lately are kept. */
	private dropExpired(): void {
		const now = this.options.now();
		if (now - this.sweptAt < this.options.ttlMs) return;
		this.sweptAt = now;
		for (const [guildId, known] of this.known) if (now - known.loadedAt >= this.options.ttlMs) this.known.delete(guildId);
	}
}

/** This process's knowledge of the open rounds, shared by the chat command, the actions and the dashboard reload. */
export const openRounds = new OpenRounds({ ttlMs: 60_000, now: () => Date.now() });
