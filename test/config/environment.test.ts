import { expect } from 'chai';
import { loadConfig, loadDatabaseConfig } from '#lib/config/environment';
import { StartupError } from '#lib/startup/StartupError';

const TOKEN = 'a-bot-token';
const HEX_KEY = '0123456789abcdef'.repeat(4);

/** The lines of the StartupError that loadConfig (or another loader) throws for this environment. */
function problemsOf(environment: NodeJS.ProcessEnv, load: (environment: NodeJS.ProcessEnv) => unknown = loadConfig): readonly string[] {
	let thrown: unknown;
	try {
		load(environment);
	} catch (error) {
		thrown = error;
	}
	expect(thrown, 'the configuration to be refused').to.be.instanceOf(StartupError);
	const error = thrown as StartupError;
	expect(error.message).to.equal(error.lines.join('\n'));
	return error.lines;
}

/** Asserts one line that names the variable, says what is wrong and ends with its hint. */
function expectOneLine(lines: readonly string[], variable: string, problem: string, hint: string): void {
	expect(lines).to.have.length(1);
	const [line] = lines;
	expect(line).to.match(new RegExp(`^Configuration error: ${variable} `));
	expect(line).to.include(`${variable} ${problem}.`);
	expect(line).to.include(hint);
	expect(line).to.not.include('\n');
}

describe('loadConfig (environment variables)', () => {
	describe('defaults', () => {
		it('needs only DISCORD_TOKEN; everything else has the documented default', () => {
			const config = loadConfig({ DISCORD_TOKEN: TOKEN });

			expect(config).to.include({
				discordToken: TOKEN,
				databaseUrl: undefined,
				dataDir: './data',
				redisUrl: 'redis://127.0.0.1:6379',
				redisKeyPrefix: 'kickbot',
				originalGuildId: undefined,
				autoMigrate: true,
				environment: 'production',
				logLevel: 'info',
				tokenEncryptionKey: undefined
			});
			expect(config.disabledPlugins).to.deep.equal([]);
		});

		it('treats empty and blank values as unset, and trims values', () => {
			const config = loadConfig({
				DISCORD_TOKEN: `  ${TOKEN}  `,
				DATA_DIR: '',
				REDIS_URL: '   ',
				AUTO_MIGRATE: '',
				DATABASE_URL: '',
				DISABLED_PLUGINS: ''
			});

			expect(config).to.include({
				discordToken: TOKEN,
				dataDir: './data',
				redisUrl: 'redis://127.0.0.1:6379',
				autoMigrate: true,
				databaseUrl: undefined
			});
		});

		it('ignores variables it does not know', () => {
			expect(loadConfig({ DISCORD_TOKEN: TOKEN, PATH: '/usr/bin', SOMETHING_ELSE: 'x' }).discordToken).to.equal(TOKEN);
		});
	});

	describe('accepted values', () => {
		it('reads every variable', () => {
			const config = loadConfig({
				DISCORD_TOKEN: TOKEN,
				DATABASE_URL: 'postgresql://bot:secret@db.example:5432/kick',
				DATA_DIR: '/var/lib/kickbot',
				REDIS_URL: 'rediss://:pw@cache.example:6380/2',
				REDIS_KEY_PREFIX: 'kickbot-staging',
				DISCORD_GUILD_ID: '123456789012345678',
				AUTO_MIGRATE: 'false',
				DISABLED_PLUGINS: ' points , raffles,, ',
				NODE_ENV: 'development',
				LOG_LEVEL: 'debug',
				TOKEN_ENCRYPTION_KEY: HEX_KEY
			});

			expect(config).to.include({
				databaseUrl: 'postgresql://bot:secret@db.example:5432/kick',
				dataDir: '/var/lib/kickbot',
				redisUrl: 'rediss://:pw@cache.example:6380/2',
				redisKeyPrefix: 'kickbot-staging',
				originalGuildId: 123456789012345678n,
				autoMigrate: false,
				environment: 'development',
				logLevel: 'debug'
			});
			expect(config.disabledPlugins).to.deep.equal(['points', 'raffles']);
			expect(config.tokenEncryptionKey?.toString('hex')).to.equal(HEX_KEY);
		});

		it('AUTO_MIGRATE takes true/false, 1/0, yes/no and on/off, in any case', () => {
			for (const [value, expected] of [
				['true', true],
				['1', true],
				['yes', true],
				['on', true],
				['false', false],
				['0', false],
				['no', false],
				['off', false],
				['TRUE', true],
				['Off', false]
			] as const) {
				expect(loadConfig({ DISCORD_TOKEN: TOKEN, AUTO_MIGRATE: value }).autoMigrate, value).to.equal(expected);
			}
		});

		it('TOKEN_ENCRYPTION_KEY takes 32 bytes as base64 too', () => {
			const key = Buffer.alloc(32, 0xa7);
			expect(loadConfig({ DISCORD_TOKEN: TOKEN, TOKEN_ENCRYPTION_KEY: key.toString('base64') }).tokenEncryptionKey?.equals(key)).to.equal(true);
		});

		it('DATABASE_URL takes postgres:// as well as postgresql://', () => {
			expect(loadConfig({ DISCORD_TOKEN: TOKEN, DATABASE_URL: 'postgres://127.0.0.1/db' }).databaseUrl).to.equal('postgres://127.0.0.1/db');
		});

		it('SCHEDULED_TASK_INTERVALS names tasks and their interval in milliseconds; unset, no task changes', () => {
			expect([...loadConfig({ DISCORD_TOKEN: TOKEN }).taskIntervals]).to.deep.equal([]);
			expect([
				...loadConfig({ DISCORD_TOKEN: TOKEN, SCHEDULED_TASK_INTERVALS: ' watchtimeTick=2000, postQuoteOfTheDay=60000 ' }).taskIntervals
			]).to.deep.equal([
				['watchtimeTick', 2000],
				['postQuoteOfTheDay', 60000]
			]);
			for (const value of ['watchtimeTick', 'watchtimeTick=fast', 'watchtimeTick=5', '=2000'])
				expect(problemsOf({ DISCORD_TOKEN: TOKEN, SCHEDULED_TASK_INTERVALS: value })[0], value).to.match(
					/^Configuration error: SCHEDULED_TASK_INTERVALS .*taskName=milliseconds/
				);
		});

		it('DISABLED_PLUGINS is only split here; whether the names exist is checked by the plugin catalog', () => {
			expect(loadConfig({ DISCORD_TOKEN: TOKEN, DISABLED_PLUGINS: 'no-such-plugin' }).disabledPlugins).to.deep.equal(['no-such-plugin']);
		});
	});

	describe('one clear line per problem', () => {
		it('DISCORD_TOKEN missing: says it is not set and where to get one', () => {
			expectOneLine(problemsOf({}), 'DISCORD_TOKEN', 'is not set', 'https://discord.com/developers/applications');
			expectOneLine(problemsOf({ DISCORD_TOKEN: '   ' }), 'DISCORD_TOKEN', 'is not set', '.env file');
		});

		it('DATABASE_URL malformed or not PostgreSQL', () => {
			for (const value of ['not a url', 'mysql://root@127.0.0.1/kick', 'localhost:5432']) {
				expectOneLine(
					problemsOf({ DISCORD_TOKEN: TOKEN, DATABASE_URL: value }),
					'DATABASE_URL',
					'is invalid (expected a postgres:// or postgresql:// URL)',
					'Leave it unset to use the embedded database under DATA_DIR.'
				);
			}
		});

		it('REDIS_URL malformed or not Redis', () => {
			for (const value of ['127.0.0.1:6379', 'http://127.0.0.1:6379', 'redis']) {
				expectOneLine(
					problemsOf({ DISCORD_TOKEN: TOKEN, REDIS_URL: value }),
					'REDIS_URL',
					'is invalid (expected a redis:// or rediss:// URL)',
					'the default is redis://127.0.0.1:6379'
				);
			}
		});

		it('DISCORD_GUILD_ID not a Discord id', () => {
			for (const value of ['my-server', '12345', '123456789012345678901', '12345678901234567x']) {
				expectOneLine(
					problemsOf({ DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: value }),
					'DISCORD_GUILD_ID',
					'is invalid (expected a Discord id (17 to 20 digits))',
					'your original Discord server'
				);
			}
		});

		it('AUTO_MIGRATE not a yes/no word', () => {
			for (const value of ['maybe', '2', 'always']) {
				expectOneLine(
					problemsOf({ DISCORD_TOKEN: TOKEN, AUTO_MIGRATE: value }),
					'AUTO_MIGRATE',
					'is invalid (expected true or false)',
					'pending database migrations'
				);
			}
		});

		it('TOKEN_ENCRYPTION_KEY not 32 bytes: says how to generate one', () => {
			for (const value of [
				'secret',
				HEX_KEY.slice(2),
				`${HEX_KEY}00`,
				Buffer.alloc(16).toString('base64'),
				'this is a passphrase, not a key at all',
				`${'a'.repeat(43)}!`
			]) {
				expectOneLine(
					problemsOf({ DISCORD_TOKEN: TOKEN, TOKEN_ENCRYPTION_KEY: value }),
					'TOKEN_ENCRYPTION_KEY',
					'is invalid (expected 32 bytes as 64 hex characters or base64)',
					"crypto.randomBytes(32).toString('hex')"
				);
			}
		});

		it('NODE_ENV, LOG_LEVEL and REDIS_KEY_PREFIX list what they accept', () => {
			expectOneLine(
				problemsOf({ DISCORD_TOKEN: TOKEN, NODE_ENV: 'staging' }),
				'NODE_ENV',
				'is invalid (expected development, production or test)',
				'slash commands'
			);
			expectOneLine(
				problemsOf({ DISCORD_TOKEN: TOKEN, LOG_LEVEL: 'verbose' }),
				'LOG_LEVEL',
				'is invalid (expected trace, debug, info, warn or error)',
				'How much the bot logs.'
			);
			expectOneLine(
				problemsOf({ DISCORD_TOKEN: TOKEN, REDIS_KEY_PREFIX: 'My Bot' }),
				'REDIS_KEY_PREFIX',
				'is invalid (expected lower-case letters, digits and dashes)',
				'shared Redis'
			);
		});

		it('several problems give several lines, one per variable, nothing else', () => {
			const lines = problemsOf({
				DATABASE_URL: 'mysql://x',
				REDIS_URL: 'http://x',
				AUTO_MIGRATE: 'maybe',
				DISCORD_GUILD_ID: 'abc',
				TOKEN_ENCRYPTION_KEY: 'short'
			});

			expect(lines).to.have.length(6);
			for (const line of lines) expect(line).to.match(/^Configuration error: [A-Z_]+ (is not set|is invalid \(.+\))\. /);
			expect(lines.map((line) => /^Configuration error: ([A-Z_]+) /.exec(line)?.[1])).to.have.members([
				'DISCORD_TOKEN',
				'DATABASE_URL',
				'REDIS_URL',
				'AUTO_MIGRATE',
				'DISCORD_GUILD_ID',
				'TOKEN_ENCRYPTION_KEY'
			]);
		});

		it('never echoes a rejected value (it may be a secret)', () => {
			const lines = problemsOf({ DISCORD_TOKEN: TOKEN, DATABASE_URL: 'mysql://root:hunter2@db/kick', TOKEN_ENCRYPTION_KEY: 'hunter3-is-not-a-key' });

			expect(lines.join('\n')).to.not.include('hunter2').and.not.include('hunter3');
		});
	});

	describe('the Kick connection', () => {
		const kickApp = { DISCORD_TOKEN: TOKEN, KICK_CLIENT_ID: 'client', KICK_CLIENT_SECRET: 'secret', TOKEN_ENCRYPTION_KEY: HEX_KEY };

		it('is off without a Kick app; the HTTP server defaults still apply', () => {
			const config = loadConfig({ DISCORD_TOKEN: TOKEN });
			expect(config.kick).to.equal(undefined);
			expect(config.http).to.deep.equal({ port: 8080, host: '0.0.0.0', publicUrl: undefined });
		});

		it('reads webhooks when PUBLIC_URL is https, and the chat socket otherwise, unless KICK_EVENTS_VIA says', () => {
			expect(loadConfig({ ...kickApp, PUBLIC_URL: 'https://bot.example.com/' }).kick?.eventsVia).to.equal('webhook');
			expect(loadConfig({ ...kickApp, PUBLIC_URL: 'http://localhost:8080' }).kick?.eventsVia).to.equal('socket');
			expect(loadConfig(kickApp).kick?.eventsVia).to.equal('socket');
			expect(loadConfig({ ...kickApp, PUBLIC_URL: 'http://127.0.0.1:8080', KICK_EVENTS_VIA: 'webhook' }).kick?.eventsVia).to.equal('webhook');
		});

		it('reads every Kick variable, trimming the trailing slash of URLs', () => {
			const config = loadConfig({
				...kickApp,
				PUBLIC_URL: 'https://bot.example.com/',
				HTTP_PORT: '0',
				HTTP_HOST: '127.0.0.1',
				KICK_AUTH_URL: 'http://127.0.0.1:9000/',
				KICK_API_URL: 'http://127.0.0.1:9000/public/v1/',
				KICK_WEBHOOK_PUBLIC_KEY: '/etc/kick.pem',
				KICK_WEBHOOK_MAX_AGE_SECONDS: '120',
				KICK_PUSHER_KEY: '0123456789abcdef0123',
				KICK_PUSHER_CLUSTER: 'eu',
				KICK_PUSHER_HOST: '127.0.0.1:9001'
			});
			expect(config.http).to.deep.equal({ port: 0, host: '127.0.0.1', publicUrl: 'https://bot.example.com' });
			expect(config.kick).to.deep.equal({
				clientId: 'client',
				clientSecret: 'secret',
				authUrl: 'http://127.0.0.1:9000',
				apiUrl: 'http://127.0.0.1:9000/public/v1',
				eventsVia: 'webhook',
				webhookPublicKey: '/etc/kick.pem',
				webhookMaxAgeSeconds: 120,
				pusher: { key: '0123456789abcdef0123', cluster: 'eu', host: { wsHost: '127.0.0.1', wsPort: 9001 } }
			});
		});

		it('needs both halves of the Kick app, an encryption key for its tokens, and a PUBLIC_URL for webhooks', () => {
			expectOneLine(
				problemsOf({ DISCORD_TOKEN: TOKEN, KICK_CLIENT_ID: 'client', TOKEN_ENCRYPTION_KEY: HEX_KEY }),
				'KICK_CLIENT_SECRET',
				'is not set',
				'needs both KICK_CLIENT_ID and KICK_CLIENT_SECRET'
			);
			expectOneLine(
				problemsOf({ DISCORD_TOKEN: TOKEN, KICK_CLIENT_ID: 'client', KICK_CLIENT_SECRET: 'secret' }),
				'TOKEN_ENCRYPTION_KEY',
				'is not set, and the Kick connection stores streamers’ tokens',
				'randomBytes(32)'
			);
			expectOneLine(
				problemsOf({ ...kickApp, KICK_EVENTS_VIA: 'webhook' }),
				'KICK_EVENTS_VIA',
				'is webhook but PUBLIC_URL is not set',
				'/kick/oauth/callback'
			);
		});

		it('refuses malformed Kick values, one line each', () => {
			const lines = problemsOf({ ...kickApp, PUBLIC_URL: 'ftp://bot', HTTP_PORT: '70000', KICK_EVENTS_VIA: 'both', KICK_PUSHER_HOST: 'nohost' });
			expect(lines.map((line) => /^Configuration error: (\w+)/.exec(line)?.[1])).to.deep.equal([
				'PUBLIC_URL',
				'HTTP_PORT',
				'KICK_EVENTS_VIA',
				'KICK_PUSHER_HOST'
			]);
		});
	});

	describe('Discord shards (SHARD_COUNT, SHARD_IDS)', () => {
		it('runs one shard by default, and every shard of a fixed count or of auto when SHARD_IDS is unset', () => {
			expect(loadConfig({ DISCORD_TOKEN: TOKEN }).sharding).to.deep.equal({ count: 1, ids: null });
			expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: '4' }).sharding).to.deep.equal({ count: 4, ids: null });
			expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: 'AUTO', SHARD_IDS: ' ' }).sharding).to.deep.equal({ count: 'auto', ids: null });
		});

		it('reads ids and ranges in any order, once each, ascending', () => {
			const config = loadConfig({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: '16', SHARD_IDS: '9, 4-6,0,5, 15-15' });
			expect(config.sharding).to.deep.equal({ count: 16, ids: [0, 4, 5, 6, 9, 15] });
		});

		it('refuses a count that is not a whole number from 1, or auto', () => {
			for (const value of ['0', '-1', '2.5', 'two', '1e3', '100000'])
				expectOneLine(
					problemsOf({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: value }),
					'SHARD_COUNT',
					'is invalid (expected a whole number from 1, or auto)',
					'How many Discord shards the bot has in all'
				);
		});

		it('refuses ids that are not numbers or upward ranges', () => {
			for (const value of ['a', '1;2', '-1', '1-', '0-1-2'])
				expectOneLine(
					problemsOf({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: '4', SHARD_IDS: value }),
					'SHARD_IDS',
					'is invalid (expected shard ids and ranges separated by commas, such as 0,2 or 4-7)',
					'The shards this process runs'
				);
			expect(problemsOf({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: '8', SHARD_IDS: '6-4' })).to.deep.equal([
				'Configuration error: SHARD_IDS has the range 6-4, which goes down. The shards this process runs, such as 0,1 or 4-7 (each from 0 to SHARD_COUNT − 1); unset runs them all.'
			]);
		});

		it('refuses a shard the count does not have, naming each, and SHARD_IDS with an automatic count', () => {
			expect(problemsOf({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: '2', SHARD_IDS: '1,2,0-3' })).to.deep.equal([
				'Configuration error: SHARD_IDS names shard 2, but with SHARD_COUNT 2 the shards are 0 to 1. The shards this process runs, such as 0,1 or 4-7 (each from 0 to SHARD_COUNT − 1); unset runs them all.',
				'Configuration error: SHARD_IDS names shard 3, but with SHARD_COUNT 2 the shards are 0 to 1. The shards this process runs, such as 0,1 or 4-7 (each from 0 to SHARD_COUNT − 1); unset runs them all.'
			]);
			expect(problemsOf({ DISCORD_TOKEN: TOKEN, SHARD_IDS: '1' })).to.deep.equal([
				'Configuration error: SHARD_IDS names shard 1, but with SHARD_COUNT 1 the shards are 0 to 0. The shards this process runs, such as 0,1 or 4-7 (each from 0 to SHARD_COUNT − 1); unset runs them all.'
			]);
			const [auto] = problemsOf({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: 'auto', SHARD_IDS: '0' });
			expect(auto).to.match(/^Configuration error: SHARD_IDS is set but SHARD_COUNT is auto; .* Set SHARD_COUNT to a number/);
		});
	});

	describe('loadDatabaseConfig (database tools)', () => {
		it('does not need DISCORD_TOKEN and applies the same defaults', () => {
			const config = loadDatabaseConfig({});

			expect(config).to.include({
				databaseUrl: undefined,
				dataDir: './data',
				originalGuildId: undefined,
				autoMigrate: true,
				tokenEncryptionKey: undefined
			});
		});

		it('reports only the database variables, one line each', () => {
			const lines = problemsOf({ DATABASE_URL: 'nope', AUTO_MIGRATE: 'perhaps', REDIS_URL: 'http://ignored', NODE_ENV: 'ignored' }, loadDatabaseConfig);

			expect(lines).to.have.length(2);
			expect(lines[0]).to.match(/^Configuration error: DATABASE_URL is invalid/);
			expect(lines[1]).to.match(/^Configuration error: AUTO_MIGRATE is invalid/);
		});
	});
});
