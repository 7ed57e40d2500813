import { expect } from 'chai';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { waitFor } from '#test/discord-standin/waitFor';
import { waitUntil } from '#test/helpers/waitUntil';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { authorizationLink, KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';

const ALPHA = '1960000000000000300';
const BETA = '1960000000000000400';
const ALERTS_HEAD =
	'Some roles I give in this server need you. I won’t try them again until this is fixed (`/roles status` lists them, `/roles sync` tries again now):';

describe('roles: tiers, the subscriber role and roles the bot cannot manage, in two servers, end to end', function () {
	this.timeout(180_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const roleOf = (guild: string, role: string) => discord.guild(guild).role(role).id;
	const memberId = (guild: string, member: string) => discord.guild(guild).member(member).userId;
	const rolesHeld = (guild: string, member: string) =>
		discord
			.guild(guild)
			.member(member)
			.roleIds.map((roleId) => discord.guild(guild).roles.get(roleId)!.name)
			.sort();
	/** The role changes the bot asked Discord for since `from`, as `METHOD guild member role` with names. */
	const roleCalls = (from: number) =>
		discord.restLog
			.filter((call) => /\/members\/\d+\/roles\//.test(call.path), from)
			.map((call) => {
				const [, guildId, userId, roleId] = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/.exec(call.path)!;
				const guild = discord.guild(guildId!);
				const member = [...guild.members.values()].find((candidate) => candidate.userId === userId);
				return `${call.method} ${guild.name} ${member === undefined ? userId : discord.user(userId!).username} ${guild.roles.get(roleId!)?.name ?? roleId}`;
			})
			.sort();
	const moderatorOf = (guild: string) => `${guild.toLowerCase()}-moderator`;
	const settingsSet = async (guild: string, key: string, value: string) =>
		expect(
			(await discord.runSlashCommand({ guild, member: moderatorOf(guild), name: 'settings', subcommand: 'set', options: { key, value } })).content
		).to.match(/is now/);
	const roles = (guild: string, subcommand: string, options: Record<string, string | number> = {}, subcommandGroup?: string) =>
		discord.runSlashCommand({
			guild,
			member: moderatorOf(guild),
			name: 'roles',
			subcommand,
			options,
			...(subcommandGroup === undefined ? {} : { subcommandGroup })
		});
	const sync = async (guild: string) => (await roles(guild, 'sync')).content;
	/** Links a member to a Kick account as the linking plugin stores it (the sign-in is linking's own test). */
	const linkInDatabase = (guild: string, member: string, kickUser: string) =>
		under.sql('INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id, linked_at) VALUES ($1, $2, $3, $4, now())', [
			discord.guild(guild).id,
			memberId(guild, member),
			kickUser,
			kick.user(kickUser).userId
		]);
	const watched = (guildId: string, kickUser: string, minutes: number) =>
		under.sql(
			`INSERT INTO watchtime (discord_server_id, username, minutes) VALUES ($1, $2, $3)
			 ON CONFLICT (discord_server_id, username) DO UPDATE SET minutes = EXCLUDED.minutes`,
			[guildId, kickUser.toLowerCase(), minutes]
		);
	const alertsIn = (guild: string) => discord.messagesIn(guild, 'mod-alerts');

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [
				{ username: 'AlphaStreamer' },
				{ username: 'BetaStreamer' },
				{ username: 'viewer_anna' },
				{ username: 'viewer_bob' },
				{ username: 'viewer_cid' }
			]
		});
		kick = setup.kick;
		const channels = [{ name: 'general' }, { name: 'mod-alerts' }];
		under = await BotUnderTest.start(
			{
				guilds: [
					{
						...community(ALPHA, 'Alpha', 'alpha', {
							roles: [{ name: 'Linked' }, { name: 'Sub' }, { name: 'Tier1' }, { name: 'Tier2' }, { name: 'Head', aboveBot: true }],
							members: [{ username: 'alpha-second' }, { username: 'alpha-third' }]
						}),
						channels
					},
					{
						...community(BETA, 'Beta', 'beta', { roles: [{ name: 'Linked' }, { name: 'Tier1' }, { name: 'Head', aboveBot: true }] }),
						channels
					}
				]
			},
			setup.environment
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		for (const guild of ['Alpha', 'Beta']) {
			await settingsSet(guild, 'kick_linked_role_id', roleOf(guild, 'Linked'));
			await settingsSet(guild, 'kick_alerts_channel_id', discord.guild(guild).channel('mod-alerts').id);
		}
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('lets moderators set watch-time tiers in both forms, refusing roles the bot could not give', async () => {
		expect((await roles('Alpha', 'list', {}, 'tiers')).content).to.equal(
			[
				'Watch-time tiers (the defaults; none has a role yet):',
				'• 120 minutes (2 h): no role yet',
				'• 600 minutes (10 h): no role yet',
				'• 2,000 minutes (33.3 h): no role yet',
				'Set a role with `/roles tiers set <minutes> <role>`, remove a tier with `/roles tiers remove <minutes>`.'
			].join('\n')
		);
		const notModerator = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-viewer',
			name: 'roles',
			subcommandGroup: 'tiers',
			subcommand: 'list',
			options: {}
		});
		expect(notModerator.content).to.match(/^Only moderators of this server can/);

		const set = await roles('Alpha', 'set', { minutes: 120, role: 'Tier1' }, 'tiers');
		expect(set.content).to.equal(
			`Members who watched 120 minutes (2 h) get <@&${roleOf('Alpha', 'Tier1')}>. The next sync (within 10 minutes, or \`/roles sync\`) gives it.`
		);
		const byPrefix = await discord.sendMessage({
			guild: 'Alpha',
			member: 'alpha-moderator',
			content: `!roles tiers set 600 <@&${roleOf('Alpha', 'Tier2')}>`
		});
		expect(byPrefix.content).to.match(/^Members who watched 600 minutes \(10 h\) get <@&\d+>\./);
		expect(byPrefix.mentions, 'nobody is pinged').to.deep.equal([]);
		expect((await roles('Beta', 'set', { minutes: 120, role: 'Tier1' }, 'tiers')).content).to.match(/^Members who watched 120 minutes/);

		const refused = async (role: string) => {
			const answer = await roles('Alpha', 'set', { minutes: 2000, role }, 'tiers');
			expect(answer.ephemeral).to.equal(true);
			return answer.content;
		};
		expect(await refused('Head')).to.equal(
			`I can’t give <@&${roleOf('Alpha', 'Head')}>: it is not below my highest role. Move my role above it (Server Settings → Roles). Nothing was changed.`
		);
		expect(await refused('@everyone')).to.equal(`I can’t give <@&${ALPHA}>: every member has @everyone. Choose another role. Nothing was changed.`);
		expect(await refused(discord.botUser.username)).to.match(
			/: an integration manages it, so no bot can give it\. Choose another role\. Nothing was changed\.$/
		);
		expect(await refused('Linked')).to.equal(`<@&${roleOf('Alpha', 'Linked')}> is the linked role; a tier needs a role of its own. Nothing was changed.`);

		expect(
			await under.sql<{ server: string; minutes: number; role: string | null }>(
				'SELECT discord_server_id::text AS server, minutes, role_id::text AS role FROM role_tiers ORDER BY 1, 2'
			)
		).to.deep.equal([
			{ server: ALPHA, minutes: 120, role: roleOf('Alpha', 'Tier1') },
			{ server: ALPHA, minutes: 600, role: roleOf('Alpha', 'Tier2') },
			{ server: ALPHA, minutes: 2000, role: null },
			{ server: BETA, minutes: 120, role: roleOf('Beta', 'Tier1') },
			{ server: BETA, minutes: 600, role: null },
			{ server: BETA, minutes: 2000, role: null }
		]);
	});

	it('gives linked members the tiers they reached, each server through its own paths, once', async () => {
		await linkInDatabase('Alpha', 'alpha-second', 'viewer_bob');
		await linkInDatabase('Alpha', 'alpha-third', 'viewer_cid');
		await linkInDatabase('Beta', 'beta-viewer', 'viewer_bob');
		await watched(ALPHA, 'viewer_bob', 700);
		await watched(ALPHA, 'viewer_cid', 50);
		await watched(BETA, 'viewer_bob', 130);
		const from = discord.restLog.mark();

		expect(await sync('Alpha')).to.equal('Synced: 4 roles given, 0 taken back.');
		expect(await sync('Beta')).to.equal('Synced: 2 roles given, 0 taken back.');

		expect(roleCalls(from)).to.deep.equal([
			'PUT Alpha alpha-second Linked',
			'PUT Alpha alpha-second Tier1',
			'PUT Alpha alpha-second Tier2',
			'PUT Alpha alpha-third Linked',
			'PUT Beta beta-viewer Linked',
			'PUT Beta beta-viewer Tier1'
		]);
		expect(rolesHeld('Alpha', 'alpha-second')).to.deep.equal(['Linked', 'Tier1', 'Tier2']);
		expect(rolesHeld('Beta', 'beta-viewer')).to.deep.equal(['Linked', 'Tier1']);

		const again = discord.restLog.mark();
		expect(await sync('Alpha')).to.equal('Synced: 0 roles given, 0 taken back.');
		expect(roleCalls(again), 'nothing asked of Discord a second time').to.deep.equal([]);
	});

	it('gives a member who links their tier roles at once, the linked role once', async () => {
		await watched(ALPHA, 'viewer_anna', 130);
		const from = discord.restLog.mark();
		const start = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'link', subcommand: 'start', options: {} });
		const page = await fetch(await kick.consent(authorizationLink(start), 'viewer_anna'));
		expect(page.status).to.equal(200);

		await discord.waitForRestCall((call) => call.method === 'PUT' && call.path.endsWith(`/roles/${roleOf('Alpha', 'Tier1')}`), {
			from,
			description: 'the Tier1 role given to alpha-viewer'
		});
		expect(roleCalls(from)).to.deep.equal(['PUT Alpha alpha-viewer Linked', 'PUT Alpha alpha-viewer Tier1']);
		expect(await sync('Alpha')).to.equal('Synced: 0 roles given, 0 taken back.');
	});

	it('keeps tier roles below the threshold while roles_remove_unqualified is off, takes them back once it is on', async () => {
		await watched(ALPHA, 'viewer_bob', 100);
		const from = discord.restLog.mark();
		expect(await sync('Alpha')).to.equal('Synced: 0 roles given, 0 taken back.');
		expect(rolesHeld('Alpha', 'alpha-second')).to.deep.equal(['Linked', 'Tier1', 'Tier2']);

		await settingsSet('Alpha', 'roles_remove_unqualified', 'true');
		expect(await sync('Alpha')).to.equal('Synced: 0 roles given, 2 taken back.');
		expect(roleCalls(from)).to.deep.equal(['DELETE Alpha alpha-second Tier1', 'DELETE Alpha alpha-second Tier2']);
		expect(rolesHeld('Alpha', 'alpha-second')).to.deep.equal(['Linked']);
		expect(rolesHeld('Beta', 'beta-viewer'), 'Beta’s setting is its own').to.deep.equal(['Linked', 'Tier1']);
	});

	it('gives the subscriber role on a Kick sub or gift event, and takes it back once the subscription expired', async () => {
		await settingsSet('Alpha', 'kick_subscriber_role_id', roleOf('Alpha', 'Sub'));
		const from = discord.restLog.mark();
		const subRole = (member: string) => (call: { method: string; path: string }) =>
			call.method === 'PUT' && call.path === `/guilds/${ALPHA}/members/${memberId('Alpha', member)}/roles/${roleOf('Alpha', 'Sub')}`;

		const payload = kick.subscriptionNewPayload({ broadcaster: 'AlphaStreamer', subscriber: 'viewer_anna' });
		expect((await kick.deliverEvent({ type: 'channel.subscription.new', broadcaster: 'AlphaStreamer', payload })).status).to.equal(200);
		await discord.waitForRestCall(subRole('alpha-viewer'), { from, description: 'the Sub role given to alpha-viewer' });
		const gift = kick.subscriptionGiftsPayload({ broadcaster: 'AlphaStreamer', gifter: 'viewer_bob', giftees: ['viewer_cid'] });
		expect((await kick.deliverEvent({ type: 'channel.subscription.gifts', broadcaster: 'AlphaStreamer', payload: gift })).status).to.equal(200);
		await discord.waitForRestCall(subRole('alpha-third'), { from, description: 'the Sub role given to alpha-third' });

		expect(
			await under.sql<{ kick_username: string; expires_at: Date }>(
				'SELECT kick_username, expires_at FROM kick_subscriptions WHERE discord_server_id = $1 ORDER BY kick_username',
				[ALPHA]
			)
		).to.deep.equal([
			{ kick_username: 'viewer_anna', expires_at: new Date(payload.expires_at) },
			{ kick_username: 'viewer_cid', expires_at: new Date(gift.expires_at) }
		]);
		expect(await under.sql('SELECT 1 FROM kick_subscriptions WHERE discord_server_id = $1', [BETA])).to.deep.equal([]);

		// A month passes for viewer_anna's subscription without a renewal.
		await under.sql(
			`UPDATE kick_subscriptions SET expires_at = now() - interval '1 second' WHERE discord_server_id = $1 AND kick_username = 'viewer_anna'`,
			[ALPHA]
		);
		const expiry = discord.restLog.mark();
		expect(await sync('Alpha')).to.equal('Synced: 0 roles given, 1 taken back.');
		expect(roleCalls(expiry)).to.deep.equal(['DELETE Alpha alpha-viewer Sub']);
		expect(roleCalls(from).filter((call) => !call.startsWith('DELETE'))).to.deep.equal(['PUT Alpha alpha-third Sub', 'PUT Alpha alpha-viewer Sub']);
	});

	it('tells the moderators once about a role it cannot manage, however many syncs, and never asks Discord about it', async () => {
		await settingsSet('Beta', 'kick_subscriber_role_id', roleOf('Beta', 'Head'));
		await under.sql(
			`INSERT INTO kick_subscriptions (discord_server_id, kick_user_id, kick_username, expires_at, last_event_at) VALUES ($1, $2, 'viewer_bob', now() + interval '1 day', now())`,
			[BETA, kick.user('viewer_bob').userId]
		);
		const from = discord.restLog.mark();
		for (let run = 0; run < 3; run++)
			expect(await sync('Beta')).to.equal(
				'Synced: 0 roles given, 0 taken back. 1 left alone: their role has a problem, or the member left. 1 role I can’t manage: `/roles status` says why.'
			);

		const alert = await waitFor({
			emitter: discord.state.messages.events,
			event: 'change',
			check: () => alertsIn('Beta')[0],
			timeoutMs: 10_000,
			describe: () => 'the alert in Beta’s #mod-alerts'
		});
		expect(alert.content).to.equal(
			`${ALERTS_HEAD}\n• I can’t give or take the subscriber role <@&${roleOf('Beta', 'Head')}>: it is not below my highest role. Move my role above it (Server Settings → Roles).`
		);
		expect(alert.mentions, 'the role is named, not pinged').to.deep.equal([]);
		const recordedAlerts = () => under.sql<{ status: string }>(`SELECT status FROM outbox_messages WHERE dedupe_key LIKE 'alert:roles:%'`);
		// The outbox writes how a message ended in a batch, a moment after Discord took it.
		await waitUntil(async () => (await recordedAlerts()).every((row) => row.status !== 'sending'));
		expect(await recordedAlerts()).to.deep.equal([{ status: 'sent' }]);
		expect(alertsIn('Alpha')).to.deep.equal([]);
		expect(roleCalls(from)).to.deep.equal([]);

		const status = await roles('Beta', 'status');
		expect(status.content).to.include(
			`Problems (those roles are left alone until fixed):\n• I can’t give or take the subscriber role <@&${roleOf('Beta', 'Head')}>: it is not below my highest role.`
		);
	});

	it('syncs every server on its own schedule, without telling the moderators again', async () => {
		await under.bot.stop();
		await under.startBot({ SCHEDULED_TASK_INTERVALS: 'syncRoles=1000', LOG_LEVEL: 'debug' });
		await under.sql(
			`UPDATE kick_subscriptions SET expires_at = now() - interval '1 second' WHERE discord_server_id = $1 AND kick_username = 'viewer_cid'`,
			[ALPHA]
		);
		const from = discord.restLog.mark();
		await discord.waitForRestCall((call) => call.method === 'DELETE' && call.path.endsWith(`/roles/${roleOf('Alpha', 'Sub')}`), {
			from,
			timeoutMs: 20_000,
			description: 'the expired Sub role taken from alpha-third by the scheduled sync'
		});
		const mark = under.bot.mark();
		for (let run = 0; run < 2; run++)
			await under.bot.waitForLine(new RegExp(`Roles sync for server ${BETA}: 0 given, 0 taken back, 0 failed, 0 pending, 1 held, 0 problem`), {
				from: mark
			});
		expect(roleCalls(from)).to.deep.equal(['DELETE Alpha alpha-third Sub']);
		expect(alertsIn('Beta'), 'still the one alert').to.have.length(1);
	});

	it('only ever changed roles of a server through that server’s own paths, for its own members and roles', () => {
		for (const call of discord.restLog.filter((logged) => /\/roles\//.test(logged.path))) {
			const [, guildId, userId, roleId] = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/.exec(call.path)!;
			const guild = discord.guild(guildId!);
			expect(guild.members.has(userId!), call.path).to.equal(true);
			expect(guild.roles.has(roleId!), call.path).to.equal(true);
		}
	});
});
