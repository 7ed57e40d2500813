import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { publishDashboardMessage } from '#lib/dashboard/DashboardPublisher';
import { BotProcess } from '#test/e2e/BotProcess';
import { freePort } from '#test/e2e/KickUnderTest';
import { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import type { GuildSeed, StandInSeed } from '#test/discord-standin/seed';
import { createTestDatabase, sql, type TestDatabase } from '#test/helpers/postgres';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A community with an owner, a moderator (Manage Server) and a viewer, and a #general channel. */
export function community(id: string, name: string, prefix: string, extra: Partial<GuildSeed> = {}): GuildSeed {
	return {
		id,
		name,
		owner: `${prefix}-owner`,
		roles: [{ name: 'Moderator', permissions: ['ManageGuild'] }, ...(extra.roles ?? [])],
		channels: [{ name: 'general' }],
		members: [
			{ username: `${prefix}-owner` },
			{ username: `${prefix}-moderator`, roles: ['Moderator'] },
			{ username: `${prefix}-viewer` },
			...(extra.members ?? [])
		]
	};
}

/**
 * Everything an end-to-end test needs: the Discord stand-in, a fresh PostgreSQL database, a
 * Redis key prefix of its own, and the bot started as `npm start` would start it, against them.
 */
export class BotUnderTest {
	public bot!: BotProcess;
	public readonly redisKeyPrefix = `e2e-${randomBytes(4).toString('hex')}`;
	/** Where the bot's HTTP server answers (its PUBLIC_URL: overlay pages, Kick's callback). */
	public publicUrl = '';
	private environment: Record<string, string> = {};
	private pluginsDirectory: string | undefined;

	private constructor(
		public readonly standIn: DiscordStandIn,
		public readonly database: TestDatabase
	) {}

	/**
	 * `options.pluginsDirectory` runs the bot with a test folder of plugins instead of plugins/;
	 * `options.databasePort` has the bot reach PostgreSQL on another port (a proxy the test can cut);
	 * `options.databasePassword` puts a password in its DATABASE_URL (the test server trusts any).
	 */
	public static async start(
		seed: StandInSeed,
		environment: Readonly<Record<string, string>> = {},
		options: { readonly pluginsDirectory?: string; readonly databasePort?: number; readonly databasePassword?: string } = {}
	): Promise<BotUnderTest> {
		const standIn = await DiscordStandIn.start({ seed });
		const database = await createTestDatabase('e2e');
		const under = new BotUnderTest(standIn, database);
		under.pluginsDirectory = options.pluginsDirectory;
		const databaseUrl = new URL(database.url);
		if (options.databasePort !== undefined) databaseUrl.port = String(options.databasePort);
		if (options.databasePassword !== undefined) databaseUrl.password = options.databasePassword;
		// The HTTP server always listens: a port of its own on 127.0.0.1 (the environment given may name another).
		const port = await freePort();
		under.environment = {
			HTTP_HOST: '127.0.0.1',
			HTTP_PORT: String(port),
			PUBLIC_URL: `http://127.0.0.1:${port}`,
			TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
			DISCORD_TOKEN: standIn.token,
			DISCORD_API_URL: standIn.apiUrl,
			DATABASE_URL: databaseUrl.toString(),
			REDIS_URL,
			REDIS_KEY_PREFIX: under.redisKeyPrefix,
			...environment
		};
		under.publicUrl = under.environment.PUBLIC_URL!;
		await under.startBot();
		return under;
	}

	/** Starts the bot process and resolves once it has registered its commands; `changes` alter its environment from now on. */
	public async startBot(changes: Readonly<Record<string, string>> = {}): Promise<BotProcess> {
		this.environment = { ...this.environment, ...changes };
		this.bot = BotProcess.start(this.environment, this.pluginsDirectory);
		await this.bot.waitForLine(/ApplicationCommandRegistries: Took .*ms to initialize/);
		return this.bot;
	}

	/**
	 * Publishes a signed dashboard message on this bot's channels, as the web dashboard does, and
	 * resolves once the bot has handled it (its log says so); needs DASHBOARD_SECRET in the environment.
	 */
	public async publishDashboard(message: {
		readonly area: string;
		readonly action: string;
		readonly guildId: string;
		readonly data: Record<string, unknown>;
		readonly timestamp?: number;
	}): Promise<void> {
		const secret = this.environment.DASHBOARD_SECRET;
		if (secret === undefined) throw new Error('publishDashboard needs the bot started with DASHBOARD_SECRET');
		const from = this.bot.mark();
		await publishDashboardMessage({ secret, redisUrl: REDIS_URL, keyPrefix: this.redisKeyPrefix, ...message });
		await this.bot.waitForLine(new RegExp(`Dashboard message ${message.area}/${message.action} for server ${message.guildId}: handled`), { from });
	}

	public sql<Row extends Record<string, unknown>>(text: string, parameters: unknown[] = []): Promise<Row[]> {
		return sql<Row>(this.database.url, text, parameters);
	}

	/** How many members a server's sorted set in the shared state holds (e.g. presence), read from Redis. */
	public async sharedSortedSetSize(guildId: string, key: string): Promise<number> {
		const redis = new Redis(REDIS_URL);
		try {
			return await redis.zcard(`${this.redisKeyPrefix}:guild:${guildId}:${key}`);
		} finally {
			redis.disconnect();
		}
	}

	public async stop(): Promise<void> {
		await this.bot?.stop();
		await this.standIn.stop();
		await this.database.drop();
		const redis = new Redis(REDIS_URL);
		const keys = await redis.keys(`bull:${this.redisKeyPrefix}-*`);
		if (keys.length > 0) await redis.del(...keys);
		redis.disconnect();
	}
}
