import { Prisma, type PrismaClient } from '#generated/prisma/client';
import type { ServerRecord } from '#lib/database/repositories/ServerRepository';

/**
 * The few reads that span servers by nature (which servers exist, which servers follow a
 * Kick channel). Each is a named method returning server ids or server rows, never another
 * server's data; it uses the unguarded client because it must not filter on one server.
 */
export class SystemRepository {
	public constructor(private readonly client: PrismaClient) {}

	public async servers(): Promise<ServerRecord[]> {
		return this.client.$queryRaw<ServerRecord[]>`
			SELECT discord_server_id AS "guildId", server_name AS name, owner_discord_id AS "ownerId", created_at AS "createdAt", left_at AS "leftAt"
			FROM servers ORDER BY created_at ASC NULLS LAST, discord_server_id ASC`;
	}

	/**
	 * At start: the servers of this process's shards that the bot is no longer in (removed while
	 * it was offline) are marked left; their data stays. Returns their ids.
	 */
	public async markAbsentServersLeft(present: Iterable<bigint>, shards: { readonly ids: readonly number[]; readonly count: number }): Promise<bigint[]> {
		const presentIds = new Set(present);
		const absent = (await this.servers())
			.filter((server) => server.leftAt === null && !presentIds.has(server.guildId) && shards.ids.includes(shardOf(server.guildId, shards.count)))
			.map((server) => server.guildId);
		if (absent.length > 0) {
			await this.client.$executeRaw`UPDATE servers SET left_at = now() WHERE left_at IS NULL AND discord_server_id IN (${Prisma.join(absent)})`;
		}
		return absent;
	}

	/** The servers whose setting `key` has exactly `value` (e.g. every server linked to one Kick channel). */
	public async guildIdsWithSetting(key: string, value: string): Promise<bigint[]> {
		const rows = await this.client.$queryRaw<{ guildId: bigint }[]>`
			SELECT discord_server_id AS "guildId" FROM bot_settings WHERE key = ${key} AND value = ${value} ORDER BY discord_server_id`;
		return rows.map((row) => row.guildId);
	}
}

/** Discord's shard of a server: (id >> 22) % shard count. */
function shardOf(guildId: bigint, shardCount: number): number {
	return Number((guildId >> 22n) % BigInt(shardCount));
}
