import { z } from 'zod';
import { StartupError } from '#lib/startup/StartupError';

const discordId = z.string().regex(/^\d{17,20}$/, 'expected a Discord id (17 to 20 digits)');
const flag = z
	.string()
	.transform((value) => value.toLowerCase())
	.pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' }))
	.transform((value) => ['true', '1', 'yes', 'on'].includes(value));
const list = z.string().transform((value) =>
	value
		.split(',')
		.map((item) => item.trim())
		.filter((item) => item.length > 0)
);

/** Each variable: its schema, and the hint printed when it is missing or invalid. */
const variables = {
	DISCORD_TOKEN: {
		schema: z.string().min(1),
		hint: 'Create a bot at https://discord.com/developers/applications and put its token in DISCORD_TOKEN (environment or .env file).'
	},
	DISCORD_API_URL: {
		schema: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
		hint: 'Leave it unset for Discord itself; set it to the API URL a Discord stand-in prints (npm run standin).'
	},
	DATABASE_URL: {
		schema: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// or postgresql:// URL' }).optional(),
		hint: 'Leave it unset to use the embedded database under DATA_DIR.'
	},
	DATA_DIR: { schema: z.string().min(1).default('./data'), hint: 'Folder of the embedded database.' },
	REDIS_URL: {
		schema: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }).default('redis://127.0.0.1:6379'),
		hint: 'Redis runs the scheduled tasks; the default is redis://127.0.0.1:6379.'
	},
	REDIS_KEY_PREFIX: {
		schema: z
			.string()
			.regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'expected lower-case letters, digits and dashes')
			.default('kickbot'),
		hint: 'Names this deployment’s keys and queues in a shared Redis.'
	},
	DISCORD_GUILD_ID: {
		schema: discordId.optional(),
		hint: 'Optional: your original Discord server (legacy data belongs to it).'
	},
	AUTO_MIGRATE: { schema: flag.default(true), hint: 'Apply pending database migrations at start.' },
	DISABLED_PLUGINS: {
		schema: list.default([]),
		hint: 'Comma-separated plugin names (folders under plugins/) to switch off.'
	},
	NODE_ENV: {
		schema: z.enum(['development', 'production', 'test'], { error: 'expected development, production or test' }).default('production'),
		hint: 'In development, slash commands register instantly in DISCORD_GUILD_ID.'
	},
	LOG_LEVEL: {
		schema: z.enum(['trace', 'debug', 'info', 'warn', 'error'], { error: 'expected trace, debug, info, warn or error' }).default('info'),
		hint: 'How much the bot logs.'
	},
	TOKEN_ENCRYPTION_KEY: {
		schema: z
			.string()
			.refine((value) => decodeKey(value) !== null, 'expected 32 bytes as 64 hex characters or base64')
			.optional(),
		hint: 'Encrypts Kick tokens at rest; generate one with: node -e "console.log(crypto.randomBytes(32).toString(\'hex\'))"'
	},
	SETTINGS_CACHE_TTL_SECONDS: {
		schema: z.coerce.number({ error: 'expected a whole number of seconds' }).int('expected a whole number of seconds').min(1).max(3600).default(60),
		hint: 'How long a server’s settings stay cached when no change message arrives (1 to 3600).'
	},
	DASHBOARD_SECRET: {
		schema: z.string().min(32, 'expected at least 32 characters').optional(),
		hint: 'The secret the web dashboard signs its Redis messages with; unset switches dashboard messages off.'
	},
	DASHBOARD_MAX_AGE_SECONDS: {
		schema: z.coerce.number({ error: 'expected a whole number of seconds' }).int('expected a whole number of seconds').min(5).max(3600).default(60),
		hint: 'Dashboard messages older (or further in the future) than this are refused as stale (5 to 3600).'
	}
} as const;

type Variables = typeof variables;

export interface Config {
	readonly discordToken: string;
	/** The base of Discord's REST API (`…/api`); unset means Discord's own. The gateway URL comes from its `/gateway/bot`. */
	readonly discordApiUrl: string | undefined;
	readonly databaseUrl: string | undefined;
	readonly dataDir: string;
	readonly redisUrl: string;
	readonly redisKeyPrefix: string;
	readonly originalGuildId: bigint | undefined;
	readonly autoMigrate: boolean;
	readonly disabledPlugins: readonly string[];
	readonly environment: z.output<Variables['NODE_ENV']['schema']>;
	readonly logLevel: z.output<Variables['LOG_LEVEL']['schema']>;
	readonly tokenEncryptionKey: Buffer | undefined;
	readonly settingsCacheTtlSeconds: number;
	/** Signs and verifies dashboard messages; undefined switches them off. */
	readonly dashboardSecret: string | undefined;
	readonly dashboardMaxAgeSeconds: number;
}

const schema = z.object(
	Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.schema])) as {
		[K in keyof Variables]: Variables[K]['schema'];
	}
);

type Parsed = z.output<typeof schema>;

/**
 * Reads the configuration from environment variables. Empty values count as unset.
 * @throws {StartupError} with one line per problem, naming the variable and what it accepts.
 */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
	const parsed = parse(schema, environment);
	return {
		discordToken: parsed.DISCORD_TOKEN,
		discordApiUrl: parsed.DISCORD_API_URL,
		...databaseConfig(parsed),
		redisUrl: parsed.REDIS_URL,
		redisKeyPrefix: parsed.REDIS_KEY_PREFIX,
		disabledPlugins: parsed.DISABLED_PLUGINS,
		environment: parsed.NODE_ENV,
		logLevel: parsed.LOG_LEVEL,
		settingsCacheTtlSeconds: parsed.SETTINGS_CACHE_TTL_SECONDS,
		dashboardSecret: parsed.DASHBOARD_SECRET,
		dashboardMaxAgeSeconds: parsed.DASHBOARD_MAX_AGE_SECONDS
	};
}

export type DatabaseConfig = Pick<Config, 'databaseUrl' | 'dataDir' | 'originalGuildId' | 'autoMigrate' | 'tokenEncryptionKey'>;

const databaseSchema = schema.pick({ DATABASE_URL: true, DATA_DIR: true, DISCORD_GUILD_ID: true, AUTO_MIGRATE: true, TOKEN_ENCRYPTION_KEY: true });

/** The part of the configuration the database tools need (no Discord token). */
export function loadDatabaseConfig(environment: NodeJS.ProcessEnv): DatabaseConfig {
	return databaseConfig(parse(databaseSchema, environment));
}

function databaseConfig(parsed: Pick<Parsed, 'DATABASE_URL' | 'DATA_DIR' | 'DISCORD_GUILD_ID' | 'AUTO_MIGRATE' | 'TOKEN_ENCRYPTION_KEY'>): DatabaseConfig {
	return {
		databaseUrl: parsed.DATABASE_URL,
		dataDir: parsed.DATA_DIR,
		originalGuildId: parsed.DISCORD_GUILD_ID === undefined ? undefined : BigInt(parsed.DISCORD_GUILD_ID),
		autoMigrate: parsed.AUTO_MIGRATE,
		tokenEncryptionKey: parsed.TOKEN_ENCRYPTION_KEY === undefined ? undefined : (decodeKey(parsed.TOKEN_ENCRYPTION_KEY) ?? undefined)
	};
}

function parse<Shape extends z.ZodObject>(objectSchema: Shape, environment: NodeJS.ProcessEnv): z.output<Shape> {
	const names = Object.keys(objectSchema.shape) as (keyof Variables)[];
	const input = Object.fromEntries(
		names.map((name) => {
			const value = environment[name]?.trim();
			return [name, value === '' ? undefined : value];
		})
	);
	const result = objectSchema.safeParse(input);
	if (result.success) return result.data;
	throw new StartupError(
		result.error.issues.map((issue) => {
			const name = String(issue.path[0]) as keyof Variables;
			const problem = input[name] === undefined ? 'is not set' : `is invalid (${issue.message})`;
			return `Configuration error: ${name} ${problem}. ${variables[name].hint}`;
		})
	);
}

function decodeKey(value: string): Buffer | null {
	if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
	// Node decodes base64 leniently (it skips stray characters), so the text must be exactly 32 bytes of base64.
	return /^[A-Za-z0-9+/]{43}=?$/.test(value) ? Buffer.from(value, 'base64') : null;
}
