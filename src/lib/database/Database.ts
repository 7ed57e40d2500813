import type { PrismaClient } from '#generated/prisma/client';
import { createPrismaClient, guardClient, type GuardedClient } from '#lib/database/client';
import type { DatabaseConnection, PrismaAdapter } from '#lib/database/connection';
import { toGuildId } from '#lib/database/GuildId';
import { GuildRepositories, withPluginRepositories, type RepositoryClass } from '#lib/database/GuildRepositories';
import { KickEventReceipts, type BatchStatements, type KickEventReceiptsOptions } from '#lib/database/KickEventReceipts';
import { SystemRepository } from '#lib/database/SystemRepository';
import type { TokenCipher } from '#lib/database/TokenCipher';
import { OutboxStore } from '#lib/outbox/OutboxStore';
import { PROCESS_IDENTITY } from '#lib/processIdentity';

export interface DatabaseOptions {
	readonly tokenCipher?: TokenCipher | undefined;
	/** The guild-scope guard; only benchmarks that measure its cost switch it off. */
	readonly guard?: boolean;
	/** Who this process is when it holds work (PROCESS_IDENTITY); tests play two processes with two. */
	readonly owner?: string;
	/** How long work stays this process's without a renewal (Kick events; 30 s by default). */
	readonly leaseMs?: number;
	/** How Kick event claims and handled marks are batched (tests pass a fake timer). */
	readonly receiptBatch?: KickEventReceiptsOptions['batch'];
	/** The plugins' repositories, by the name `forGuild(id).<name>` reads them under (the enabled plugins' manifests). */
	readonly repositories?: ReadonlyMap<string, RepositoryClass>;
}

/** The bot's database: per-server repositories, the named cross-server reads, and the connection. */
export class Database {
	public readonly system: SystemRepository;
	public readonly kickEventReceipts: KickEventReceipts;
	/** The outbox's table, for the delivery machinery (servers read theirs through forGuild(id).outbox). */
	public readonly outbox: OutboxStore;
	private readonly prisma: PrismaClient;
	private readonly client: GuardedClient;
	private readonly tokenCipher: TokenCipher | undefined;
	private readonly Repositories: typeof GuildRepositories;
	private readonly batchDriver: BatchDriver;

	public constructor(
		public readonly connection: DatabaseConnection,
		options: DatabaseOptions = {}
	) {
		this.prisma = createPrismaClient(connection.adapter);
		this.client = options.guard === false ? (this.prisma as unknown as GuardedClient) : guardClient(this.prisma);
		this.system = new SystemRepository(this.prisma);
		this.batchDriver = new BatchDriver(connection);
		this.kickEventReceipts = new KickEventReceipts(this.prisma, this.batchDriver, {
			owner: options.owner ?? PROCESS_IDENTITY,
			leaseMs: options.leaseMs,
			batch: options.receiptBatch
		});
		this.outbox = new OutboxStore(this.prisma);
		this.tokenCipher = options.tokenCipher;
		this.Repositories =
			options.repositories === undefined || options.repositories.size === 0 ? GuildRepositories : withPluginRepositories(options.repositories);
	}

	/**
	 * The repositories of one server.
	 * @throws {TypeError} when `guildId` is not a Discord server id.
	 */
	public forGuild(guildId: bigint | string): GuildRepositories {
		return new this.Repositories(toGuildId(guildId), this.client, this.tokenCipher);
	}

	public async close(): Promise<void> {
		await this.batchDriver.dispose();
		await this.prisma.$disconnect();
		await this.connection.close();
	}
}

/**
 * The batched statements' own driver adapter (the kind Prisma runs on: for PostgreSQL a second
 * pool, of which the batches, written one at a time, use a connection or two), connected on first use.
 */
class BatchDriver implements BatchStatements {
	private driver: ReturnType<PrismaAdapter['connect']> | undefined;

	public constructor(private readonly connection: DatabaseConnection) {}

	public async query(sql: string, args: readonly string[]): Promise<unknown[][]> {
		if (this.driver === undefined) {
			const connecting = this.connection.adapter.connect();
			this.driver = connecting;
			connecting.catch(() => (this.driver = undefined));
		}
		const argTypes = args.map(() => ({ scalarType: 'string', arity: 'scalar' }) as const);
		try {
			const result = await (await this.driver).queryRaw({ sql, args: [...args], argTypes: [...argTypes] });
			return result.rows;
		} catch (error) {
			throw readableDriverError(error);
		}
	}

	public async dispose(): Promise<void> {
		const driver = this.driver;
		this.driver = undefined;
		if (driver !== undefined) await (await driver).dispose();
	}
}

/** A driver adapter's error says what went wrong in a payload; the log gets it as a sentence, as the Prisma client writes it. */
function readableDriverError(error: unknown): unknown {
	if (!(error instanceof Error) || error.name !== 'DriverAdapterError') return error;
	const cause = (error as Error & { cause?: { kind?: string; host?: string; port?: number; originalMessage?: string; message?: string } }).cause ?? {};
	const where = cause.host === undefined ? '' : ` at ${cause.host}${cause.port === undefined ? '' : `:${cause.port}`}`;
	const what =
		cause.kind === 'DatabaseNotReachable'
			? `Can't reach database server${where}`
			: (cause.originalMessage ?? cause.message ?? 'the database refused the statement');
	return new Error(`${what} (${cause.kind ?? 'driver error'})`, { cause: error });
}
