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
	LOG_FORMAT: {
		schema: z.enum(['text', 'json'], { error: 'expected text or json' }).default('text'),
		hint: 'text (readable lines) or json (one JSON object per line: time, level, message, error).'
	},
	METRICS_TOKEN: {
		schema: z
			.string()
			.regex(/^[\x21-\x7e]{16,}$/, 'expected at least 16 visible ASCII characters')
			.optional(),
		hint: 'Asked for as "Authorization: Bearer <token>" on /metrics; unset leaves /metrics open to whoever reaches the HTTP server.'
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
	SHUTDOWN_GRACE_SECONDS: {
		schema: z.coerce.number({ error: 'expected a whole number of seconds' }).int('expected a whole number of seconds').min(0).max(120).default(10),
		hint: 'How long a stopping bot keeps posting what it accepted before it leaves the rest to the next process (0 to 120).'
	},
	DASHBOARD_SECRET: {
		schema: z.string().min(32, 'expected at least 32 characters').optional(),
		hint: 'The secret the web dashboard signs its Redis messages with; unset switches dashboard messages off.'
	},
	KICK_CLIENT_ID: {
		schema: z.string().min(1).optional(),
		hint: 'The Client ID of your Kick app (https://kick.com/settings/developer); with KICK_CLIENT_SECRET it switches the Kick connection on.'
	},
	KICK_CLIENT_SECRET: {
		schema: z.string().min(1).optional(),
		hint: 'The Client Secret of the same Kick app.'
	},
	PUBLIC_URL: {
		schema: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
		hint: 'Where browsers (and Kick’s webhooks) reach the bot’s HTTP server, e.g. https://bot.example.com; the OAuth callback is <PUBLIC_URL>/kick/oauth/callback.'
	},
	HTTP_PORT: {
		schema: z.coerce.number({ error: 'expected a port number' }).int('expected a port number').min(0).max(65535).default(8080),
		hint: 'The port of the bot’s HTTP server (OAuth callback, Kick webhooks); 0 picks a free one.'
	},
	HTTP_HOST: { schema: z.string().min(1).default('0.0.0.0'), hint: 'The address the HTTP server listens on.' },
	KICK_EVENTS_VIA: {
		schema: z.enum(['webhook', 'socket'], { error: 'expected webhook or socket' }).optional(),
		hint: 'How Kick events reach the bot: webhook (needs a PUBLIC_URL Kick can reach) or socket (Kick’s chat socket); by default webhook when PUBLIC_URL is https, else socket.'
	},
	KICK_AUTH_URL: {
		schema: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default('https://id.kick.com'),
		hint: 'Kick’s OAuth server; change it only for a stand-in.'
	},
	KICK_API_URL: {
		schema: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default('https://api.kick.com/public/v1'),
		hint: 'Kick’s public API; change it only for a stand-in.'
	},
	KICK_WEBHOOK_PUBLIC_KEY: {
		schema: z.string().min(1).optional(),
		hint: 'The key Kick signs webhooks with, as PEM text or a file path; unset uses Kick’s published key.'
	},
	KICK_WEBHOOK_MAX_AGE_SECONDS: {
		schema: z.coerce.number({ error: 'expected a whole number of seconds' }).int('expected a whole number of seconds').min(10).max(86_400).default(600),
		hint: 'Webhooks whose timestamp is further than this from now are refused (10 to 86400).'
	},
	KICK_WEBHOOK_MAX_IN_FLIGHT: {
		schema: z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(1).max(100_000).default(1000),
		hint: 'Kick webhook deliveries taken in at once (until their event is handed over); more are answered 503 with Retry-After, which Kick retries (1 to 100000).'
	},
	KICK_RECEIPT_RETENTION_HOURS: {
		schema: z.coerce.number({ error: 'expected a whole number of hours' }).int('expected a whole number of hours').min(1).max(720).default(24),
		hint: 'How long Kick event receipts (what catches a retried delivery) are kept before they are pruned (1 to 720).'
	},
	KICK_PUSHER_KEY: {
		schema: z
			.string()
			.regex(/^[0-9a-f]{20}$/, 'expected 20 hex characters')
			.default('32cbd69e4b950bf97679'),
		hint: 'The app key of Kick’s chat socket (Pusher).'
	},
	KICK_PUSHER_CLUSTER: {
		schema: z
			.string()
			.regex(/^[a-z0-9-]+$/, 'expected a Pusher cluster name such as us2')
			.default('us2'),
		hint: 'The Pusher cluster of Kick’s chat socket.'
	},
	KICK_PUSHER_HOST: {
		schema: z
			.string()
			.regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')
			.optional(),
		hint: 'A plain ws:// host:port for the chat socket instead of Pusher’s cluster; for a stand-in.'
	},
	SCHEDULED_TASK_INTERVALS: {
		schema: list
			.pipe(
				z
					.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*=\d{3,9}$/, 'expected taskName=milliseconds pairs, such as watchtimeTick=2000'))
					.transform((pairs) => new Map(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), Number(pair.slice(pair.indexOf('=') + 1))] as const)))
			)
			.default(new Map()),
		hint: 'For tests and stand-ins: comma-separated taskName=milliseconds pairs that replace the interval of those repeating scheduled tasks.'
	},
	SHARD_COUNT: {
		schema: z
			.string()
			.regex(/^(auto|[1-9]\d{0,4})$/i, 'expected a whole number from 1, or auto')
			.transform((value): number | 'auto' => (value.toLowerCase() === 'auto' ? 'auto' : Number(value)))
			.default(1),
		hint: 'How many Discord shards the bot has in all, across its processes; auto asks Discord (then this process runs them all).'
	},
	SHARD_IDS: {
		schema: list
			.pipe(z.array(z.string().regex(/^\d{1,5}(-\d{1,5})?$/, 'expected shard ids and ranges separated by commas, such as 0,2 or 4-7')))
			.optional(),
		hint: 'The shards this process runs, such as 0,1 or 4-7 (each from 0 to SHARD_COUNT − 1); unset runs them all.'
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
	readonly logFormat: z.output<Variables['LOG_FORMAT']['schema']>;
	readonly tokenEncryptionKey: Buffer | undefined;
	readonly settingsCacheTtlSeconds: number;
	/** How long SIGTERM keeps posting queued messages before exit. */
	readonly shutdownGraceSeconds: number;
	/** Signs and verifies dashboard messages; undefined switches them off. */
	readonly dashboardSecret: string | undefined;
	readonly dashboardMaxAgeSeconds: number;
	/** SCHEDULED_TASK_INTERVALS: task name → interval (ms) that replaces the task's own. */
	readonly taskIntervals: ReadonlyMap<string, number>;
	readonly http: { readonly port: number; readonly host: string; readonly publicUrl: string | undefined };
	/** Undefined when KICK_CLIENT_ID and KICK_CLIENT_SECRET are unset: the Kick connection is off. */
	readonly kick: KickConfig | undefined;
	readonly sharding: ShardingConfig;
	readonly operations: OperationsConfig;
}

/** What an operator tunes for health, metrics and bookkeeping. */
export interface OperationsConfig {
	/** Asked for as `Authorization: Bearer <token>` on /metrics; undefined leaves /metrics open. */
	readonly metricsToken: string | undefined;
	/** Kick webhook deliveries taken in at once; more are answered 503 with Retry-After. */
	readonly maxWebhooksInFlight: number;
	/** How long Kick event receipts are kept before they are pruned. */
	readonly receiptRetentionHours: number;
}

/**
 * The Discord shards: how many the bot has in all (`auto`: as many as Discord recommends at
 * `/gateway/bot`, all of them in this process), and the ids this process runs, ascending (null: all).
 */
export type ShardingConfig = { readonly count: 'auto'; readonly ids: null } | { readonly count: number; readonly ids: readonly number[] | null };

export interface KickConfig {
	readonly clientId: string;
	readonly clientSecret: string;
	readonly authUrl: string;
	readonly apiUrl: string;
	readonly eventsVia: 'webhook' | 'socket';
	/** PEM text or a file path; undefined means Kick's published key. */
	readonly webhookPublicKey: string | undefined;
	readonly webhookMaxAgeSeconds: number;
	readonly pusher: { readonly key: string; readonly cluster: string; readonly host: { readonly wsHost: string; readonly wsPort: number } | undefined };
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
		logFormat: parsed.LOG_FORMAT,
		settingsCacheTtlSeconds: parsed.SETTINGS_CACHE_TTL_SECONDS,
		shutdownGraceSeconds: parsed.SHUTDOWN_GRACE_SECONDS,
		dashboardSecret: parsed.DASHBOARD_SECRET,
		dashboardMaxAgeSeconds: parsed.DASHBOARD_MAX_AGE_SECONDS,
		taskIntervals: parsed.SCHEDULED_TASK_INTERVALS,
		http: { port: parsed.HTTP_PORT, host: parsed.HTTP_HOST, publicUrl: parsed.PUBLIC_URL?.replace(/\/+$/, '') },
		kick: kickConfig(parsed),
		sharding: shardingConfig(parsed),
		operations: {
			metricsToken: parsed.METRICS_TOKEN,
			maxWebhooksInFlight: parsed.KICK_WEBHOOK_MAX_IN_FLIGHT,
			receiptRetentionHours: parsed.KICK_RECEIPT_RETENTION_HOURS
		}
	};
}

function shardingConfig(parsed: Parsed): ShardingConfig {
	const count = parsed.SHARD_COUNT;
	if (parsed.SHARD_IDS === undefined || parsed.SHARD_IDS.length === 0) return { count, ids: null };
	if (count === 'auto') {
		throw new StartupError(
			`Configuration error: SHARD_IDS is set but SHARD_COUNT is auto; processes that split the shards need the same fixed count. Set SHARD_COUNT to a number (Discord's recommendation is "shards" at GET /gateway/bot), or unset SHARD_IDS.`
		);
	}
	const ids = new Set<number>();
	const problems: string[] = [];
	for (const item of parsed.SHARD_IDS) {
		const [first, last = first] = item.split('-').map(Number) as [number, number?];
		if (last < first) problems.push(`Configuration error: SHARD_IDS has the range ${item}, which goes down. ${variables.SHARD_IDS.hint}`);
		else if (last >= count)
			problems.push(
				`Configuration error: SHARD_IDS names shard ${last}, but with SHARD_COUNT ${count} the shards are 0 to ${count - 1}. ${variables.SHARD_IDS.hint}`
			);
		else for (let id = first; id <= last; id++) ids.add(id);
	}
	if (problems.length > 0) throw new StartupError(problems);
	return { count, ids: [...ids].sort((a, b) => a - b) };
}

function kickConfig(parsed: Parsed): KickConfig | undefined {
	const problems: string[] = [];
	if ((parsed.KICK_CLIENT_ID === undefined) !== (parsed.KICK_CLIENT_SECRET === undefined)) {
		const missing = parsed.KICK_CLIENT_ID === undefined ? 'KICK_CLIENT_ID' : 'KICK_CLIENT_SECRET';
		problems.push(
			`Configuration error: ${missing} is not set. ${variables[missing].hint} The Kick connection needs both KICK_CLIENT_ID and KICK_CLIENT_SECRET.`
		);
	}
	if (parsed.KICK_CLIENT_ID !== undefined && parsed.TOKEN_ENCRYPTION_KEY === undefined) {
		problems.push(
			`Configuration error: TOKEN_ENCRYPTION_KEY is not set, and the Kick connection stores streamers’ tokens. ${variables.TOKEN_ENCRYPTION_KEY.hint}`
		);
	}
	if (parsed.KICK_EVENTS_VIA === 'webhook' && parsed.PUBLIC_URL === undefined) {
		problems.push(`Configuration error: KICK_EVENTS_VIA is webhook but PUBLIC_URL is not set. ${variables.PUBLIC_URL.hint}`);
	}
	if (problems.length > 0) throw new StartupError(problems);
	if (parsed.KICK_CLIENT_ID === undefined || parsed.KICK_CLIENT_SECRET === undefined) return undefined;
	const [wsHost, wsPort] = parsed.KICK_PUSHER_HOST?.split(':') ?? [];
	return {
		clientId: parsed.KICK_CLIENT_ID,
		clientSecret: parsed.KICK_CLIENT_SECRET,
		authUrl: parsed.KICK_AUTH_URL.replace(/\/+$/, ''),
		apiUrl: parsed.KICK_API_URL.replace(/\/+$/, ''),
		eventsVia: parsed.KICK_EVENTS_VIA ?? (parsed.PUBLIC_URL?.startsWith('https:') ? 'webhook' : 'socket'),
		webhookPublicKey: parsed.KICK_WEBHOOK_PUBLIC_KEY,
		webhookMaxAgeSeconds: parsed.KICK_WEBHOOK_MAX_AGE_SECONDS,
		pusher: {
			key: parsed.KICK_PUSHER_KEY,
			cluster: parsed.KICK_PUSHER_CLUSTER,
			host: wsHost === undefined || wsPort === undefined ? undefined : { wsHost, wsPort: Number(wsPort) }
		}
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
