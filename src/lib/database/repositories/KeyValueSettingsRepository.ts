import { Prisma } from '#generated/prisma/client';
import { GuildRepository, type GuildScope } from '#lib/database/repositories/GuildRepository';

/**
 * A server's raw settings rows (key → text value). Typing, defaults and validation live in
 * the settings layer above; this only stores. Serves `bot_settings` and the tables of that
 * shape (key, value, discord_server_id, updated_at; keyed by server and key) that plugins own,
 * such as `point_settings`; raw SQL always names the server.
 */
export class KeyValueSettingsRepository extends GuildRepository {
	private readonly table: Prisma.Sql;

	/** `table` is a constant of the code, never input. */
	public constructor(scope: GuildScope, table: string) {
		super(scope);
		this.table = Prisma.raw(table);
	}

	public async all(): Promise<Map<string, string>> {
		const rows = await this.client.$queryRaw<{ key: string; value: string }[]>`
			SELECT key, value FROM ${this.table} WHERE discord_server_id = ${this.guildId} ORDER BY key`;
		return new Map(rows.map((row) => [row.key, row.value]));
	}

	public async get(key: string): Promise<string | undefined> {
		const rows = await this.client.$queryRaw<{ value: string }[]>`
			SELECT value FROM ${this.table} WHERE discord_server_id = ${this.guildId} AND key = ${key}`;
		return rows[0]?.value;
	}

	/** Writes several keys in one statement. */
	public async set(entries: Readonly<Record<string, string>>): Promise<void> {
		const keys = Object.keys(entries);
		if (keys.length === 0) return;
		const values = keys.map((key) => entries[key]!);
		await this.client.$executeRaw`
			INSERT INTO ${this.table} (discord_server_id, key, value, updated_at)
			SELECT ${this.guildId}, entry.key, entry.value, now() FROM unnest(${keys}::text[], ${values}::text[]) AS entry(key, value)
			ON CONFLICT (discord_server_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`;
	}

	/** @returns whether the key was set. */
	public async delete(key: string): Promise<boolean> {
		const count = await this.client.$executeRaw`
			DELETE FROM ${this.table} WHERE discord_server_id = ${this.guildId} AND key = ${key}`;
		return count > 0;
	}
}
