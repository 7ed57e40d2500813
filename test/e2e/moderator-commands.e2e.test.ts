import { expect } from 'chai';
import { ChannelType } from 'discord-api-types/v10';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { pluginSettings } from '#test/helpers/loadedPlugins';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '2200000000000000100';
const BETA = '2200000000000000200';
const DASHBOARD_SECRET = 'e2e-dashboard-secret-moderator-commands-0123';
const ROLE_ACCEPTS = '`moderator_role_id` accepts a role of this server (@role or its id), or "none"';
const CHANNEL_ACCEPTS = '`kick_alerts_channel_id` accepts a text channel of this server where the bot can post (#channel or its id), or "none"';
const KICK_OFF =
	'The Kick connection is off on this bot: its operator sets `KICK_CLIENT_ID` and `KICK_CLIENT_SECRET` (a Kick app), `TOKEN_ENCRYPTION_KEY` and `PUBLIC_URL`, and restarts it.';

describe('Moderator commands as a new server meets them, end to end (Kick off)', function () {
	this.timeout(60_000);

	let under: BotUnderTest;
	let standIn: DiscordStandIn;

	const settings = (member: string, subcommand: string, options: Record<string, string> = {}, guild = 'Alpha') =>
		standIn.runSlashCommand({ guild, member, name: 'settings', subcommand, options });
	const stored = async (key: string) =>
		(await under.sql<{ value: string }>('SELECT value FROM bot_settings WHERE discord_server_id = $1 AND key = $2', [ALPHA, key])).map((row) => row.value);

	before(async () => {
		under = await BotUnderTest.start(
			{
				guilds: [
					{
						...community(ALPHA, 'Alpha', 'alpha', { roles: [{ name: 'Helpers' }], members: [{ username: 'alpha-helper', roles: ['Helpers'] }] }),
						// Beside #general: a channel where only moderators post, and a voice channel.
						channels: [
							{ name: 'general' },
							{ name: 'announcements', overwrites: [{ role: '@everyone', deny: ['SendMessages'] }] },
							{ name: 'voice', type: ChannelType.GuildVoice }
						]
					},
					community(BETA, 'Beta', 'beta', { roles: [{ name: 'Helpers' }] })
				]
			},
			{ DASHBOARD_SECRET }
		);
		standIn = under.standIn;
		await under.bot.waitForLine(/Dashboard messages: listening on \S*dashboard:\*/);
	});

	after(async () => {
		await under?.stop();
	});

	it('registers /settings and /kick with no default member permissions, so Discord shows them to members of the moderator role', () => {
		const registered = standIn.commands.list(null).filter((command) => ['settings', 'kick'].includes(command.name));
		expect(registered.map((command) => [command.name, command.default_member_permissions ?? null])).to.have.deep.members([
			['settings', null],
			['kick', null]
		]);
	});

	it('takes a role of this server as moderator role, by mention or id, and refuses another server’s role saying so', async () => {
		const betaHelpers = standIn.guild('Beta').role('Helpers').id;
		const alphaHelpers = standIn.guild('Alpha').role('Helpers').id;
		for (const value of [betaHelpers, `<@&${betaHelpers}>`]) {
			const refused = await settings('alpha-moderator', 'set', { key: 'moderator_role_id', value });
			expect(refused.content, value).to.equal(`${ROLE_ACCEPTS}; this server has no role with the id ${betaHelpers}. Nothing was changed.`);
		}
		const channel = standIn.guild('Alpha').channel('general').id;
		expect((await settings('alpha-moderator', 'set', { key: 'moderator_role_id', value: `<#${channel}>` })).content).to.equal(
			`${ROLE_ACCEPTS}. Nothing was changed.`
		);
		expect(await stored('moderator_role_id')).to.deep.equal([]);

		const prefixForm = await standIn.sendMessage({
			guild: 'Alpha',
			member: 'alpha-moderator',
			content: `!settings set moderator_role_id <@&${betaHelpers}>`
		});
		expect(prefixForm.content).to.equal(`${ROLE_ACCEPTS}; this server has no role with the id ${betaHelpers}. Nothing was changed.`);

		expect((await settings('alpha-moderator', 'set', { key: 'moderator_role_id', value: `<@&${alphaHelpers}>` })).content).to.equal(
			`**moderator_role_id** is now \`${alphaHelpers}\` in this server.`
		);
		expect(await stored('moderator_role_id')).to.deep.equal([alphaHelpers]);
	});

	it('lets a member who holds only the moderator role in, and names the role in a refusal only while the server has it', async () => {
		const alphaHelpers = standIn.guild('Alpha').role('Helpers').id;
		expect((await settings('alpha-helper', 'view')).embeds[0]?.title).to.equal('Settings of this server');
		expect((await settings('alpha-viewer', 'view')).content).to.equal(
			`Only moderators of this server can do this: it needs the Manage Server permission or the <@&${alphaHelpers}> role here.`
		);

		standIn.state.deleteRole(standIn.guild('Alpha'), alphaHelpers);
		const refusal = async () => (await settings('alpha-viewer', 'view')).content;
		// The bot learns of the deletion from the gateway; nothing else tells the test when it has.
		await waitUntil(async () => !(await refusal()).includes('<@&'));
		expect(await refusal()).to.equal(
			'Only moderators of this server can do this: it needs the Manage Server permission here (the moderator role set for this server no longer exists).'
		);
	});

	it('takes a text channel of this server where the bot can post as alerts channel, and says what is wrong with any other', async () => {
		const alpha = standIn.guild('Alpha');
		const beta = standIn.guild('Beta');
		const cases: [string, string][] = [
			[beta.channel('general').id, `this server has no channel with the id ${beta.channel('general').id}`],
			[`<#${beta.channel('general').id}>`, `this server has no channel with the id ${beta.channel('general').id}`],
			[alpha.channel('voice').id, `<#${alpha.channel('voice').id}> is not a text channel`],
			[
				`<#${alpha.channel('announcements').id}>`,
				`the bot cannot post in <#${alpha.channel('announcements').id}>: it needs View Channel and Send Messages there`
			]
		];
		for (const [value, problem] of cases) {
			expect((await settings('alpha-moderator', 'set', { key: 'kick_alerts_channel_id', value })).content, value).to.equal(
				`${CHANNEL_ACCEPTS}; ${problem}. Nothing was changed.`
			);
		}
		expect(await stored('kick_alerts_channel_id')).to.deep.equal([]);

		const general = alpha.channel('general').id;
		const set = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-moderator', content: `!settings set kick_alerts_channel_id <#${general}>` });
		expect(set.content).to.equal(`**kick_alerts_channel_id** is now \`${general}\` in this server.`);
		expect(await stored('kick_alerts_channel_id')).to.deep.equal([general]);
	});

	it('offers to set and reset only the keys /settings changes, and every key to view', async () => {
		const offered = async (subcommand: string) =>
			(
				(
					await standIn.runAutocomplete({
						guild: 'Alpha',
						member: 'alpha-moderator',
						name: 'settings',
						subcommand,
						options: { key: 'kick' },
						focused: 'key'
					})
				).choices ?? []
			).map((choice) => (choice as { value: string }).value);
		// A plugin's keys with "kick" in them are offered too; one that a command sets (managedBy), only to view.
		const pluginKeys = (await pluginSettings()).filter((setting) => setting.key.includes('kick'));
		const coreChangeable = ['kick_alerts_channel_id', 'kick_chat_min_interval_ms', 'kick_chatroom_id', 'kick_reply_max_age_seconds'];
		const changeable = [
			...coreChangeable,
			...pluginKeys.filter((setting) => setting.definition.managedBy === undefined).map((setting) => setting.key)
		].sort();
		expect(await offered('set')).to.deep.equal(changeable);
		expect(await offered('reset')).to.deep.equal(changeable);
		expect(await offered('view')).to.have.members([
			...coreChangeable,
			'kick_broadcaster_user_id',
			'kick_channel',
			...pluginKeys.map((setting) => setting.key)
		]);
	});

	it('shows a stored value the key does not accept as invalid, and reset says it removed it', async () => {
		// What the dashboard does: it writes the row, then announces it.
		await under.sql(`INSERT INTO bot_settings (discord_server_id, key, value) VALUES ($1, 'prefix', '**')`, [ALPHA]);
		await under.publishDashboard({ area: 'bot_settings', action: 'update', guildId: ALPHA, data: { key: 'prefix' } });

		expect((await settings('alpha-moderator', 'view')).embeds[0]?.description).to.contain('**prefix** = `!` (default: the stored value `**` is invalid)');
		expect((await settings('alpha-moderator', 'view', { key: 'prefix' })).embeds[0]?.description).to.contain(
			'`/settings set` replaces the invalid stored value; `/settings reset` removes it.'
		);
		expect((await settings('alpha-moderator', 'reset', { key: 'prefix' })).content).to.equal(
			'**prefix** is now `!` (the default) in this server. The stored value `**`, which it does not accept, was removed.'
		);
		expect(await stored('prefix')).to.deep.equal([]);
		expect((await settings('alpha-moderator', 'reset', { key: 'prefix' })).content).to.equal(
			'**prefix** already has its default, `!`, in this server; nothing changed.'
		);
	});

	it('answers an unknown key in the same words in view, set and reset', async () => {
		const answers = [
			await settings('alpha-moderator', 'view', { key: 'prefx' }),
			await settings('alpha-moderator', 'set', { key: 'prefx', value: '?' }),
			await settings('alpha-moderator', 'reset', { key: 'prefx' })
		].map((answer) => answer.content);
		// The keys are listed in order, plugins' keys among the core's.
		expect(answers[0]).to.match(/^There is no setting `prefx`\. Settings: (?:[a-z0-9_]+, )*kick_alerts_channel_id, /);
		expect(answers).to.deep.equal([answers[0], answers[0], answers[0]]);
	});

	it('with Kick off, /kick connect names every variable the operator sets, and /kick status does not send moderators to /kick connect', async () => {
		const connect = await standIn.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'kick',
			subcommand: 'connect',
			options: { channel: 'alphastreamer' }
		});
		expect(connect.content).to.equal(KICK_OFF);
		const status = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'kick', subcommand: 'status' });
		expect(status.content).to.equal(`This server is not linked to a Kick channel. ${KICK_OFF}`);
	});
});
