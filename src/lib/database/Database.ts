import type { PrismaClient } from '#generated/prisma/client';
import { createPrismaClient, guardClient, type GuardedClient } from '#lib/database/client';
import type { DatabaseConnection } from '#lib/database/connection';
import { toGuildId } from '#lib/database/GuildId';
import { GuildRepositories } from '#lib/database/GuildRepositories';
import { KickEventReceipts } from '#lib/database/KickEventReceipts';
import { SystemRepository } from '#lib/database/SystemRepository';
import type { TokenCipher } from '#lib/database/TokenCipher';

export interface DatabaseOptions {
	readonly tokenCipher?: TokenCipher | undefined;
	/** The guild-scope guard; only benchmarks that measure its cost switch it off. */
	readonly guard?: boolean;
}

/** The bot's database: per-server repositories, the named cross-server reads, and the connection. */
export class Database {
	public readonly system: SystemRepository;
	public readonly kickEventReceipts: KickEventReceipts;
	private readonly prisma: PrismaClient;
	private readonly client: GuardedClient;
	private readonly tokenCipher: TokenCipher | undefined;

	public constructor(
		public readonly connection: DatabaseConnection,
		options: DatabaseOptions = {}
	) {
		this.prisma = createPrismaClient(connection.adapter);
		this.client = options.guard === false ? (this.prisma as unknown as GuardedClient) : guardClient(this.prisma);
		this.system = new SystemRepository(this.prisma);
		this.kickEventReceipts = new KickEventReceipts(this.prisma);
		this.tokenCipher = options.tokenCipher;
	}

	/**
	 * The repositories of one server.
	 * @throws {TypeError} when `guildId` is not a Discord server id.
	 */
	public forGuild(guildId: bigint | string): GuildRepositories {
		return new GuildRepositories(toGuildId(guildId), this.client, this.tokenCipher);
	}

	public async close(): Promise<void> {
		await this.prisma.$disconnect();
		await this.connection.close();
	}
}
