import { expect } from 'chai';
import { publishDashboardMessage } from '#lib/dashboard/DashboardPublisher';
import { BotUnderTest, community, REDIS_URL } from '#test/e2e/BotUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { TcpProxy } from '#test/helpers/TcpProxy';

const ALPHA = '1800000000000000100';
const BETA = '1800000000000000200';
const DASHBOARD_SECRET = 'e2e-outage-secret-0123456789abcdef0123';

describe('Settings while Redis is down, end to end', function () {
	this.timeout(60_000);

	let under: BotUnderTest;
	let standIn: DiscordStandIn;
	let redis: TcpProxy;

	const prefixIn = async (guild: string) => {
		const answer = await standIn.runSlashCommand({
			guild,
			member: `${guild.toLowerCase()}-moderator`,
			name: 'settings',
			subcommand: 'view',
			options: { key: 'prefix' }
		});
		return (answer.embeds[0]?.description ?? answer.content).split('\n')[0];
	};
	const storedPrefix = async (guildId: string) =>
		(await under.sql<{ value: string }>(`SELECT value FROM bot_settings WHERE discord_server_id = $1 AND key = 'prefix'`, [guildId]))[0]?.value ?? null;

	before(async () => {
		// The bot reaches Redis through a proxy the test can cut; everything else uses Redis directly.
		redis = await TcpProxy.start({ host: '127.0.0.1', port: 6379 });
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			// A long TTL: convergence below comes from the dashboard message, not from expiry.
			{ REDIS_URL: `redis://127.0.0.1:${redis.port}`, DASHBOARD_SECRET, SETTINGS_CACHE_TTL_SECONDS: '3600' }
		);
		standIn = under.standIn;
		await under.bot.waitForLine(new RegExp(`Dashboard messages: listening on ${under.redisKeyPrefix}:dashboard:\\*`));
		expect(await prefixIn('Alpha')).to.equal('**prefix** = `!` (default)');
	});

	after(async () => {
		await under?.stop();
		await redis?.close();
	});

	it('keeps serving, reading and writing settings from the database while Redis is away', async () => {
		const from = under.bot.mark();
		redis.cutOff();
		await under.bot.waitForLine(/Dashboard messages: lost Redis at .*reconnecting with backoff/, { from });

		expect(await prefixIn('Alpha'), 'a cached server').to.equal('**prefix** = `!` (default)');
		expect(await prefixIn('Beta'), 'a server loaded for the first time, from the database').to.equal('**prefix** = `!` (default)');

		const set = await standIn.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'prefix', value: '?' }
		});
		expect(set.content).to.equal('**prefix** is now `?` in this server.');
		expect(await storedPrefix(ALPHA)).to.equal('?');
		expect(await prefixIn('Alpha')).to.equal('**prefix** = `?`');
		const reply = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-viewer', content: '?ping' });
		expect(reply.content, 'the new prefix works').to.match(/^Ping/);
		expect(await prefixIn('Beta'), 'the other server is untouched').to.equal('**prefix** = `!` (default)');
	});

	it('converges once Redis is back: the dashboard’s next message refreshes the server', async () => {
		// The dashboard changed Beta while Redis was away, so its message could not be delivered.
		await under.sql(`INSERT INTO bot_settings (discord_server_id, key, value) VALUES ($1, 'prefix', '%')`, [BETA]);
		expect(await prefixIn('Beta'), 'the cached copy stays while no message can arrive').to.equal('**prefix** = `!` (default)');

		const from = under.bot.mark();
		redis.restore();
		await under.bot.waitForLine(new RegExp(`Dashboard messages: Redis is back; listening on ${under.redisKeyPrefix}:dashboard:\\* again`), { from });
		await publishDashboardMessage({
			secret: DASHBOARD_SECRET,
			redisUrl: REDIS_URL,
			keyPrefix: under.redisKeyPrefix,
			area: 'bot_settings',
			action: 'reload',
			guildId: BETA,
			data: {}
		});
		await under.bot.waitForLine(new RegExp(`Dashboard message bot_settings/reload for server ${BETA}: handled`), { from });

		expect(await prefixIn('Beta')).to.equal('**prefix** = `%`');
		expect(await prefixIn('Alpha')).to.equal('**prefix** = `?`');
	});

	it('still stops on SIGTERM after the outage', async () => {
		const exit = await under.bot.stop();
		expect(exit).to.deep.include({ code: 0 });
	});
});
