import { GuildRepository } from '#lib/database/repositories/GuildRepository';

export interface ServerRecord {
	readonly guildId: bigint;
	readonly name: string | null;
	readonly ownerId: bigint | null;
	readonly createdAt: Date | null;
	/** When the bot was removed from the server; null while it is in it. */
	readonly leftAt: Date | null;
}

/** This server's own row in `servers`. */
export class ServerRepository extends GuildRepository {
	public async get(): Promise<ServerRecord | null> {
		const row = await this.client.server.findUnique({ where: { discordServerId: this.guildId } });
		return row && toRecord(row);
	}

	/** Records the server (the bot joined it, came back to it, or saw it at start); keeps its first created_at. */
	public async ensure(details: { name: string | null; ownerId: bigint | null }): Promise<ServerRecord> {
		const row = await this.client.server.upsert({
			where: { discordServerId: this.guildId },
			create: { discordServerId: this.guildId, serverName: details.name, ownerDiscordId: details.ownerId },
			update: { serverName: details.name, ownerDiscordId: details.ownerId, leftAt: null }
		});
		return toRecord(row);
	}

	/** The bot was removed from the server: mark the row, keep it and all the server's data. */
	public async markLeft(at: Date = new Date()): Promise<void> {
		await this.client.server.updateMany({ where: { discordServerId: this.guildId, leftAt: null }, data: { leftAt: at } });
	}
}

export function toRecord(row: {
	discordServerId: bigint;
	serverName: string | null;
	ownerDiscordId: bigint | null;
	createdAt: Date | null;
	leftAt: Date | null;
}): ServerRecord {
	return { guildId: row.discordServerId, name: row.serverName, ownerId: row.ownerDiscordId, createdAt: row.createdAt, leftAt: row.leftAt };
}
