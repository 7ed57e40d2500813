import { parseChatTemplate, type ChatTemplate, type ChatVariableCatalog, type GuildContext, type GuildId } from '#core';
import type { CustomCommandRecord } from './CustomCommandsRepository.js';

/** A command as the chat path runs it: its row, its response parsed once, and the uses this process saw since it loaded. */
export interface LoadedCommand {
	readonly record: CustomCommandRecord;
	readonly template: ChatTemplate;
	usesSinceLoad: number;
}

/** One server's commands by every word they answer to (lower-cased). */
export type CommandTable = ReadonlyMap<string, LoadedCommand>;

/** How long a table is trusted without word of a change (a change in another process without DASHBOARD_SECRET to tell this one). */
export const TABLE_TTL_MS = 60_000;

interface Entry {
	readonly table: Promise<CommandTable>;
	readonly loadedAt: number;
}

/**
 * Each server's command table, loaded on first use (one query) and kept until its server's
 * commands change (`forget`, from this process's changes and the `commands` reload every process
 * receives) or TABLE_TTL_MS passes: a chat message costs no query to find its command.
 */
export class CommandTables {
	private readonly tables = new Map<GuildId, Entry>();
	private sweptAt = Number.NEGATIVE_INFINITY;

	public constructor(
		private readonly options: { readonly catalog: () => ChatVariableCatalog; readonly now?: () => number; readonly ttlMs?: number } = {
			catalog: () => new Map()
		}
	) {}

	public of(context: Pick<GuildContext, 'guildId' | 'db'>): Promise<CommandTable> {
		const now = (this.options.now ?? Date.now)();
		const cached = this.tables.get(context.guildId);
		if (cached !== undefined && now - cached.loadedAt < (this.options.ttlMs ?? TABLE_TTL_MS)) return cached.table;
		this.dropExpired(now);
		const table = this.load(context);
		this.tables.set(context.guildId, { table, loadedAt: now });
		// A failed load is not kept: the next message tries again.
		table.catch(() => {
			if (this.tables.get(context.guildId)?.table === table) this.tables.delete(context.guildId);
		});
		return table;
	}

	/** Drops a server's table: its next message loads it again. */
	public forget(guildId: GuildId): void {
		this.tables.delete(guildId);
	}

	/** How many servers' tables are kept (expired ones included until they are dropped). */
	public get cachedServers(): number {
		return this.tables.size;
	}

	/** At most once per time to live, when a table is loaded: drops the expired ones, so only servers that chatted lately keep theirs. */
	private dropExpired(now: number): void {
		const ttlMs = this.options.ttlMs ?? TABLE_TTL_MS;
		if (now - this.sweptAt < ttlMs) return;
		this.sweptAt = now;
		for (const [guildId, entry] of this.tables) if (now - entry.loadedAt >= ttlMs) this.tables.delete(guildId);
	}

	private async load(context: Pick<GuildContext, 'db'>): Promise<CommandTable> {
		const catalog = this.options.catalog();
		const table = new Map<string, LoadedCommand>();
		for (const record of await context.db.customCommands.list()) {
			// Lenient: a response the dashboard wrote with an unknown {name} shows it as typed.
			const parsed = parseChatTemplate(record.response, { strict: false, catalog });
			if (!parsed.ok) continue;
			const loaded: LoadedCommand = { record, template: parsed.template, usesSinceLoad: 0 };
			// Legacy rows may share a name: the oldest keeps it, as lookups by name answer.
			for (const word of [record.name, ...record.aliases].map((word) => word.toLowerCase())) if (!table.has(word)) table.set(word, loaded);
		}
		return table;
	}
}
