import { toGuildId, type GuildId } from '#lib/database/GuildId';
import { overlayKeyHash } from '#lib/overlays/overlayKey';

export interface OverlayKeyCacheOptions {
	/** The server (still joined) of a key's SHA-256, or null (`db.system.guildIdOfOverlayKey`). */
	readonly lookUp: (keyHash: string) => Promise<bigint | null>;
	/** How many keys are kept; the oldest goes first. */
	readonly maxEntries?: number;
	/** How long a key found stays cached, and one not found. */
	readonly hitTtlMs?: number;
	readonly missTtlMs?: number;
	readonly now?: () => number;
}

interface Entry {
	readonly guildId: GuildId | null;
	readonly until: number;
}

/**
 * Which server an overlay key names, cached briefly per process in a bounded map (a page and its
 * event stream, and their reconnections, ask again and again). A rotation drops the server's old
 * keys at once here and, through the overlay hub's message, in the other processes.
 */
export class OverlayKeyCache {
	private readonly entries = new Map<string, Entry>();
	private readonly lookups = new Map<string, Promise<GuildId | null>>();
	private readonly maxEntries: number;
	private readonly hitTtlMs: number;
	private readonly missTtlMs: number;
	private readonly now: () => number;
	/** Counts rotations seen: a lookup that ran across one may have read the old row, so it is not kept. */
	private rotations = 0;

	public constructor(private readonly options: OverlayKeyCacheOptions) {
		this.maxEntries = options.maxEntries ?? 1000;
		this.hitTtlMs = options.hitTtlMs ?? 30_000;
		this.missTtlMs = options.missTtlMs ?? 5_000;
		this.now = options.now ?? Date.now;
	}

	/** The server of a key (its hash with it), or null for a key no joined server has. */
	public async resolve(key: string): Promise<{ readonly guildId: GuildId; readonly keyHash: string } | null> {
		const keyHash = overlayKeyHash(key);
		const guildId = await this.guildOf(keyHash);
		return guildId === null ? null : { guildId, keyHash };
	}

	/** Forgets the server's keys other than `currentHash` (it rotated). */
	public forgetOtherKeysOf(guildId: GuildId, currentHash: string): void {
		this.rotations++;
		for (const [hash, entry] of this.entries) if (entry.guildId === guildId && hash !== currentHash) this.entries.delete(hash);
	}

	public get size(): number {
		return this.entries.size;
	}

	private async guildOf(keyHash: string): Promise<GuildId | null> {
		const entry = this.entries.get(keyHash);
		if (entry !== undefined && entry.until > this.now()) return entry.guildId;
		let lookup = this.lookups.get(keyHash);
		if (lookup === undefined) {
			// One query for concurrent askers of the same key.
			const rotations = this.rotations;
			lookup = this.options.lookUp(keyHash).then((found) => (found === null ? null : toGuildId(found)));
			this.lookups.set(keyHash, lookup);
			void lookup.then(
				(guildId) => {
					if (rotations === this.rotations) this.remember(keyHash, guildId);
				},
				() => undefined
			);
			void lookup.finally(() => this.lookups.delete(keyHash)).catch(() => undefined);
		}
		return lookup;
	}

	private remember(keyHash: string, guildId: GuildId | null): void {
		this.entries.delete(keyHash);
		while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
		this.entries.set(keyHash, { guildId, until: this.now() + (guildId === null ? this.missTtlMs : this.hitTtlMs) });
	}
}
