import type { PrismaClient } from '#generated/prisma/client';
import type { ServerRecord } from '#lib/database/repositories/ServerRepository';

/**
 * The few reads that span servers by nature (which servers exist, which servers follow a
 * Kick channel). Each is a named method returning server ids or server rows, never another
 * server's data; it uses the unguarded client because it must not filter on one server.
 */
export class SystemRepository {
	public constructor(private readonly client: PrismaClient) {}

	public async servers(): Promise<ServerRecord[]> {
		const rows = await this.client.$queryRaw<{ guildId: bigint; name: string | null; ownerId: bigint | null; createdAt: Date | null }[]>`
			SELECT discord_server_id AS "guildId", server_name AS name, owner_discord_id AS "ownerId", created_at AS "createdAt"
			FROM servers ORDER BY created_at ASC NULLS LAST, discord_server_id ASC`;
		return rows;
	}

	/** The servers whose setting `key` has exactly `value` (e.g. every server linked to one Kick channel). */
	public async guildIdsWithSetting(key: string, value: string): Promise<bigint[]> {
		const rows = await this.client.$queryRaw<{ guildId: bigint }[]>`
			SELECT discord_server_id AS "guildId" FROM bot_settings WHERE key = ${key} AND value = ${value} ORDER BY discord_server_id`;
		return rows.map((row) => row.guildId);
	}
}
