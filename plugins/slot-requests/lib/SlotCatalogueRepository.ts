import { GuildRepository, type QueryClient } from '#core';
import type { CatalogueEntry } from './catalogueImport.js';
import { slotKey } from './slotNames.js';

/** A slot of the server's catalogue (legacy table shuffle_slots: banned and is_active may be NULL, read as their defaults). */
export interface CatalogueSlot {
	readonly id: number;
	readonly name: string;
	readonly slug: string | null;
	readonly provider: string | null;
	readonly banned: boolean;
	readonly active: boolean;
}

const COLUMNS = 'id, name, slug, provider, COALESCE(banned, FALSE) AS banned, COALESCE(is_active, TRUE) AS active';

/** What an import did to one entry. */
export type ImportLineOutcome = { readonly line: number; readonly name: string; readonly change: 'added' | 'updated' | 'unchanged' };

/**
 * This server's slot catalogue. Names are matched by their key (case, accents, spaces and
 * punctuation ignored); changes of one server take a per-server lock, so two imports cannot add
 * the same slot twice.
 */
export class SlotCatalogueRepository extends GuildRepository {
	/** Every slot of the catalogue, by name. */
	public async all(): Promise<CatalogueSlot[]> {
		return this.client.$queryRawUnsafe<CatalogueSlot[]>(
			`SELECT ${COLUMNS} FROM shuffle_slots WHERE discord_server_id = $1 ORDER BY lower(name), id`,
			this.guildId
		);
	}

	/** A page (from 1) of the catalogue, by name, and its size. */
	public async page(page: number, size: number): Promise<{ slots: CatalogueSlot[]; total: number }> {
		const [slots, count] = await Promise.all([
			this.client.$queryRawUnsafe<CatalogueSlot[]>(
				`SELECT ${COLUMNS} FROM shuffle_slots WHERE discord_server_id = $1 ORDER BY lower(name), id LIMIT $2 OFFSET $3`,
				this.guildId,
				size,
				(page - 1) * size
			),
			this.client.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM shuffle_slots WHERE discord_server_id = ${this.guildId}`
		]);
		return { slots, total: count[0]!.n };
	}

	/** The slot whose key is the name's, or null. */
	public async find(name: string): Promise<CatalogueSlot | null> {
		const key = slotKey(name);
		return (await this.all()).find((slot) => slotKey(slot.name) === key) ?? null;
	}

	/**
	 * Adds or updates entries by name (key): an entry names every field it sets; fields it leaves out
	 * keep their stored value (or the defaults for a new slot). Entries come in file order, each once.
	 */
	public async upsert(entries: readonly CatalogueEntry[]): Promise<ImportLineOutcome[]> {
		return this.scope.transaction(async (client) => {
			await this.lock(client);
			const existing = new Map<string, CatalogueSlot>();
			for (const slot of await client.$queryRawUnsafe<CatalogueSlot[]>(
				`SELECT ${COLUMNS} FROM shuffle_slots WHERE discord_server_id = $1 ORDER BY id`,
				this.guildId
			))
				if (!existing.has(slotKey(slot.name))) existing.set(slotKey(slot.name), slot);
			const outcomes: ImportLineOutcome[] = [];
			for (const entry of entries) {
				const key = slotKey(entry.name);
				const slot = existing.get(key);
				if (slot === undefined) {
					const rows = await client.$queryRawUnsafe<CatalogueSlot[]>(
						`INSERT INTO shuffle_slots (discord_server_id, name, provider, slug, banned, is_active) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
						this.guildId,
						entry.name,
						entry.provider ?? null,
						entry.slug ?? null,
						entry.banned ?? false,
						entry.active ?? true
					);
					existing.set(key, rows[0]!);
					outcomes.push({ line: entry.line, name: entry.name, change: 'added' });
					continue;
				}
				const next = {
					name: entry.name,
					provider: entry.provider === undefined ? slot.provider : entry.provider,
					slug: entry.slug === undefined ? slot.slug : entry.slug,
					banned: entry.banned ?? slot.banned,
					active: entry.active ?? slot.active
				};
				const same =
					next.name === slot.name &&
					next.provider === slot.provider &&
					next.slug === slot.slug &&
					next.banned === slot.banned &&
					next.active === slot.active;
				if (!same) {
					await client.$executeRawUnsafe(
						'UPDATE shuffle_slots SET name = $3, provider = $4, slug = $5, banned = $6, is_active = $7 WHERE discord_server_id = $1 AND id = $2',
						this.guildId,
						slot.id,
						next.name,
						next.provider,
						next.slug,
						next.banned,
						next.active
					);
					existing.set(key, { ...slot, ...next });
				}
				outcomes.push({ line: entry.line, name: entry.name, change: same ? 'unchanged' : 'updated' });
			}
			return outcomes;
		});
	}

	/** Sets whether the named slot is banned; null when the catalogue has no such slot. */
	public async setBanned(name: string, banned: boolean): Promise<CatalogueSlot | null> {
		const slot = await this.find(name);
		if (slot === null) return null;
		await this.client.$executeRaw`UPDATE shuffle_slots SET banned = ${banned} WHERE discord_server_id = ${this.guildId} AND id = ${slot.id}`;
		return { ...slot, banned };
	}

	/** Removes the named slot (every row with its key); null when there is none. */
	public async remove(name: string): Promise<CatalogueSlot | null> {
		return this.scope.transaction(async (client) => {
			await this.lock(client);
			const key = slotKey(name);
			const slots = (
				await client.$queryRawUnsafe<CatalogueSlot[]>(`SELECT ${COLUMNS} FROM shuffle_slots WHERE discord_server_id = $1 ORDER BY id`, this.guildId)
			).filter((slot) => slotKey(slot.name) === key);
			if (slots.length === 0) return null;
			await client.$executeRawUnsafe(
				'DELETE FROM shuffle_slots WHERE discord_server_id = $1 AND id = ANY($2::int[])',
				this.guildId,
				slots.map((slot) => slot.id)
			);
			return slots[0]!;
		});
	}

	private async lock(client: QueryClient): Promise<void> {
		await client.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`shuffle_slots:${this.guildId}`}, 0))`;
	}
}
