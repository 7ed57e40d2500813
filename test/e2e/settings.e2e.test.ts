import { expect } from 'chai';
import type { APIMessage } from 'discord-api-types/v10';
import { Redis } from 'ioredis';
import { publishDashboardMessage } from '#lib/dashboard/DashboardPublisher';
import { BotUnderTest, community, REDIS_URL } from '#test/e2e/BotUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { settingKeysWith } from '#test/helpers/loadedPlugins';

const ALPHA = '1500000000000000100';
const BETA = '1500000000000000200';
const DASHBOARD_SECRET = 'e2e-dashboard-secret-0123456789abcdef';
/** The core's own settings keys; the plugins' come from their manifests. */
const CORE_KEYS = [
	'kick_alerts_channel_id',
	'kick_broadcaster_user_id',
	'kick_channel',
	'kick_chat_min_interval_ms',
	'kick_chatroom_id',
	'kick_reply_max_age_seconds',
	'moderator_role_id',
	'plugins_off',
	'prefix'
];

describe('Per-server settings and moderator permissions, end to end', function () {
	this.timeout(60_000);

	let under: BotUnderTest;
	let standIn: DiscordStandIn;

	const storedSettings = async (guildId: string) =>
		(await under.sql<{ key: string; value: string }>('SELECT key, value FROM bot_settings WHERE discord_server_id = $1 ORDER BY key', [guildId])).map(
			(row) => `${row.key}=${row.value}`
		);
	const settingsView = async (guild: string, member: string, key?: string) => {
		const answer = await standIn.runSlashCommand({ guild, member, name: 'settings', subcommand: 'view', options: key === undefined ? {} : { key } });
		return { ephemeral: answer.ephemeral, text: answer.embeds[0]?.description ?? answer.content };
	};
	const isReplyTo = (reply: APIMessage, message: APIMessage) => reply.message_reference?.message_id === message.id;

	before(async () => {
		// sam is one Discord user in both servers: a moderator in Alpha, a plain member in Beta.
		// Each server has a "Helpers" role without permissions.
		under = await BotUnderTest.start(
			{
				guilds: [
					community(ALPHA, 'Alpha', 'alpha', {
						roles: [{ name: 'Helpers' }],
						members: [
							{ username: 'sam', roles: ['Moderator'] },
							{ username: 'alpha-helper', roles: ['Helpers'] }
						]
					}),
					community(BETA, 'Beta', 'beta', {
						roles: [{ name: 'Helpers' }],
						members: [{ username: 'sam' }, { username: 'beta-helper', roles: ['Helpers'] }]
					})
				]
			},
			{ DASHBOARD_SECRET, SETTINGS_CACHE_TTL_SECONDS: '3600' }
		);
		standIn = under.standIn;
		await under.bot.waitForLine(new RegExp(`Dashboard messages: listening on ${under.redisKeyPrefix}:dashboard:\\*`));
	});

	after(async () => {
		await under?.stop();
	});

	it('sets a value in one server only: seen there, not in the other', async () => {
		const answer = await standIn.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'prefix', value: '?' }
		});
		expect(answer.ephemeral).to.equal(true);
		expect(answer.content).to.equal('**prefix** is now `?` in this server.');

		expect((await settingsView('Alpha', 'alpha-moderator', 'prefix')).text).to.match(/^\*\*prefix\*\* = `\?`\n/);
		expect((await settingsView('Beta', 'beta-moderator', 'prefix')).text).to.match(/^\*\*prefix\*\* = `!` \(default\)\n/);
		expect(await storedSettings(ALPHA)).to.deep.equal(['prefix=?']);
		expect(await storedSettings(BETA)).to.deep.equal([]);
	});

	it('answers prefix commands with each server’s own prefix', async () => {
		const ignored = standIn.postMessage({ guild: 'Alpha', member: 'alpha-viewer', content: '!ping' });
		const asked = standIn.postMessage({ guild: 'Alpha', member: 'alpha-viewer', content: '?server' });
		const reply = await standIn.waitForBotMessage({ channelId: asked.channel_id, after: ignored.id });
		expect(isReplyTo(reply, asked), 'the first answer in Alpha is to ?server, not to !ping').to.equal(true);
		expect(reply.embeds[0]?.title).to.equal('Alpha');

		const beta = await standIn.sendMessage({ guild: 'Beta', member: 'beta-viewer', content: '!server' });
		expect(beta.embeds[0]?.title).to.equal('Beta');
	});

	it('refuses a member who is a moderator in another server only', async () => {
		expect((await settingsView('Alpha', 'sam')).ephemeral).to.equal(true);
		const refused = await standIn.runSlashCommand({
			guild: 'Beta',
			member: 'sam',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'prefix', value: '$' }
		});
		expect(refused.ephemeral).to.equal(true);
		expect(refused.content).to.equal('Only moderators of this server can do this: it needs the Manage Server permission here.');
		expect(await storedSettings(BETA)).to.deep.equal([]);
	});

	it('lets the server’s moderator role in, in that server only', async () => {
		const helpers = standIn.guild('Beta').role('Helpers').id;
		const set = await standIn.sendMessage({ guild: 'Beta', member: 'beta-moderator', content: `!settings set moderator_role_id <@&${helpers}>` });
		expect(set.content).to.equal(`**moderator_role_id** is now \`${helpers}\` in this server.`);

		expect((await settingsView('Beta', 'beta-helper', 'moderator_role_id')).text).to.contain(helpers);
		const alphaHelper = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-helper', name: 'settings', subcommand: 'view' });
		expect(alphaHelper.content).to.equal('Only moderators of this server can do this: it needs the Manage Server permission here.');
		const alphaWithBetasRole = await standIn.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'moderator_role_id', value: helpers }
		});
		expect(alphaWithBetasRole.content, 'Beta’s role is not one of Alpha’s').to.equal(
			`\`moderator_role_id\` accepts a role of this server (@role or its id), or "none"; this server has no role with the id ${helpers}. Nothing was changed.`
		);
		const stillRefused = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-helper', name: 'settings', subcommand: 'view' });
		expect(stillRefused.content).to.equal('Only moderators of this server can do this: it needs the Manage Server permission here.');
	});

	it('refuses an unknown key and a bad value with what is accepted, changing nothing', async () => {
		const before = await storedSettings(ALPHA);
		const unknown = await standIn.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'prefx', value: '$' }
		});
		expect(unknown.content).to.equal(`There is no setting \`prefx\`. Settings: ${(await settingKeysWith(CORE_KEYS)).join(', ')}.`);
		const bad = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-moderator', content: '?settings set prefix two words' });
		expect(bad.content).to.equal(
			'`prefix` accepts 1 to 5 visible characters, such as ! ? $ . - or letters; no spaces, invisible, combining or full-width characters, quotes, brackets, or \\* \\_ ~ | \\` > # @ < \\\\. Nothing was changed.'
		);
		const usage = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-moderator', content: '?settings reset' });
		expect(usage.content).to.equal('Usage: `?settings reset <key>`. Nothing was changed.');
		expect(await storedSettings(ALPHA)).to.deep.equal(before);
	});

	it('resets a key to its default', async () => {
		const reset = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-moderator', content: '?settings reset prefix' });
		expect(reset.content).to.equal('**prefix** is now `!` (the default) in this server.');
		expect((await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-viewer', content: '!server' })).embeds[0]?.title).to.equal('Alpha');
	});

	it('answers /settings in a DM: it works in a server only', async () => {
		const answer = await standIn.runSlashCommandInDm({ user: 'sam', name: 'settings', subcommand: 'view' });
		expect(answer.ephemeral).to.equal(true);
		expect(answer.content).to.equal('`/settings` works in a server only: use it in a channel of the server it is about.');
	});

	describe('dashboard messages', () => {
		const prefixIn = async (guild: string) => (await settingsView(guild, `${guild.toLowerCase()}-moderator`, 'prefix')).text.split('\n')[0];
		/** What the dashboard does first: it writes the row itself. */
		const dashboardWrites = (guildId: string, prefix: string) =>
			under.sql(
				`INSERT INTO bot_settings (discord_server_id, key, value) VALUES ($1, 'prefix', $2) ON CONFLICT (discord_server_id, key) DO UPDATE SET value = EXCLUDED.value`,
				[guildId, prefix]
			);
		const publish = (guildId: string, secret = DASHBOARD_SECRET) =>
			publishDashboardMessage({
				secret,
				redisUrl: REDIS_URL,
				keyPrefix: under.redisKeyPrefix,
				area: 'bot_settings',
				action: 'update',
				guildId,
				data: { key: 'prefix' }
			});
		let acceptedForAlpha: Awaited<ReturnType<typeof publish>>;

		it('a message for one server refreshes that server only', async () => {
			expect([await prefixIn('Alpha'), await prefixIn('Beta')]).to.deep.equal(['**prefix** = `!` (default)', '**prefix** = `!` (default)']);
			await dashboardWrites(ALPHA, '$');
			await dashboardWrites(BETA, '%');

			const from = under.bot.mark();
			acceptedForAlpha = await publish(ALPHA);
			await under.bot.waitForLine(new RegExp(`Dashboard message bot_settings/update for server ${ALPHA}: handled`), { from });
			expect(await prefixIn('Alpha')).to.equal('**prefix** = `$`');
			expect(await prefixIn('Beta'), 'Beta was written but not announced: its cached copy stays').to.equal('**prefix** = `!` (default)');
		});

		it('a forged message changes nothing', async () => {
			const from = under.bot.mark();
			await publish(BETA, 'not-the-dashboard-secret-0123456789abcdef');
			await under.bot.waitForLine(
				new RegExp(
					`Dashboard message refused on "${under.redisKeyPrefix}:dashboard:bot_settings" \\(server ${BETA}, action "update"\\): bad_signature`
				),
				{ from }
			);
			expect(await prefixIn('Beta')).to.equal('**prefix** = `!` (default)');
		});

		it('a replayed message changes nothing', async () => {
			await dashboardWrites(ALPHA, '&');
			const from = under.bot.mark();
			const redis = new Redis(REDIS_URL);
			try {
				await redis.publish(acceptedForAlpha.channel, JSON.stringify(acceptedForAlpha.payload));
			} finally {
				redis.disconnect();
			}
			await under.bot.waitForLine(new RegExp(`server ${ALPHA}, action "update"\\): replayed`), { from });
			expect(await prefixIn('Alpha')).to.equal('**prefix** = `$`');
		});

		it('a genuine message for the other server then refreshes it', async () => {
			const from = under.bot.mark();
			await publish(BETA);
			await under.bot.waitForLine(new RegExp(`Dashboard message bot_settings/update for server ${BETA}: handled`), { from });
			expect(await prefixIn('Beta')).to.equal('**prefix** = `%`');
			expect((await standIn.sendMessage({ guild: 'Beta', member: 'beta-viewer', content: '%server' })).embeds[0]?.title).to.equal('Beta');
		});
	});
});
