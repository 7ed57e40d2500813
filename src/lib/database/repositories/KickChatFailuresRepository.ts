import { GuildRepository } from '#lib/database/repositories/GuildRepository';

export interface KickChatFailure {
	readonly broadcasterUserId: bigint;
	readonly content: string;
	readonly error: string;
	readonly attempts: number;
	readonly failedAt: Date;
}

/** Bot messages Kick did not take after every retry (`kick_chat_failures`), for `/kick status`. */
export class KickChatFailuresRepository extends GuildRepository {
	public async record(failure: KickChatFailure): Promise<void> {
		await this.client.kickChatFailure.create({ data: { discordServerId: this.guildId, ...failure } });
	}

	public async countSince(since: Date): Promise<number> {
		return this.client.kickChatFailure.count({ where: { discordServerId: this.guildId, failedAt: { gte: since } } });
	}

	public async latest(): Promise<KickChatFailure | null> {
		const row = await this.client.kickChatFailure.findFirst({ where: { discordServerId: this.guildId }, orderBy: { failedAt: 'desc' } });
		return row && { broadcasterUserId: row.broadcasterUserId, content: row.content, error: row.error, attempts: row.attempts, failedAt: row.failedAt };
	}
}
