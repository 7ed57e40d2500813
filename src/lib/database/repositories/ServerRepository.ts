import { GuildRepository } from '#lib/database/repositories/GuildRepository';

export interface ServerRecord {
	readonly guildId: bigint;
	readonly name: string | null;
	readonly ownerId: bigint | null;
	readonly createdAt: Date | null;
}

/** This server's own row in `servers`. */
export class ServerRepository extends GuildRepository {
	public async get(): Promise<ServerRecord | null> {
		const row = await this.client.server.findUnique({ where: { discordServerId: this.guildId } });
		return row && toRecord(row);
	}

	/** Records the server (the bot joined it or saw it at start); keeps its first created_at. */
	public async ensure(details: { name: string | null; ownerId: bigint | null }): Promise<ServerRecord> {
		const row = await this.client.server.upsert({
			where: { discordServerId: this.guildId },
			create: { discordServerId: this.guildId, serverName: details.name, ownerDiscordId: details.ownerId },
			update: { serverName: details.name, ownerDiscordId: details.ownerId }
		});
		return toRecord(row);
	}
}

function toRecord(row: { discordServerId: bigint; serverName: string | null; ownerDiscordId: bigint | null; createdAt: Date | null }): ServerRecord {
	return { guildId: row.discordServerId, name: row.serverName, ownerId: row.ownerDiscordId, createdAt: row.createdAt };
}
