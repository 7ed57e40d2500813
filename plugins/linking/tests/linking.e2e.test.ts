import { expect } from 'chai';
import type { APIMessage } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { waitFor } from '#test/discord-standin/waitFor';
import { waitUntil } from '#test/helpers/waitUntil';
import type { InteractionAnswer } from '#test/discord-standin/InteractionTracker';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { authorizationLink, KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';

const ALPHA = '1960000000000000100';
const BETA = '1960000000000000200';

/** The custom ids of the buttons of a message. */
function buttonIds(message: APIMessage): string[] {
	return (message.components ?? []).flatMap((row) => (row as { components: { custom_id: string }[] }).components.map((button) => button.custom_id));
}

describe('linking: the link panel, Kick sign-in, /link, /unlink and /whois in two servers, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;
	/** The link panel posted in each server. */
	const panels = new Map<string, APIMessage>();

	const roleOf = (guild: string, role: string) => discord.guild(guild).role(role).id;
	const memberId = (guild: string, member: string) => discord.guild(guild).member(member).userId;
	const linksOf = (guildId: string) =>
		under.sql<{ discord_id: string; kick_name: string; kick_user_id: string }>(
			'SELECT discord_id::text, kick_name, kick_user_id::text FROM links WHERE discord_server_id = $1 ORDER BY discord_id',
			[guildId]
		);
	/** The role changes the bot asked Discord for since `from`: method and path. */
	const roleCalls = (from: number) =>
		discord.restLog.filter((call) => /\/members\/\d+\/roles\//.test(call.path), from).map((call) => `${call.method} ${call.path} ${call.status}`);
	/** A member clicks "Link Kick account" on their server's panel. */
	const clickLink = (guild: string, member: string) => discord.clickButton({ guild, member, message: panels.get(guild)!, customId: 'linking:link' });
	/** The member's browser: Kick's consent as `kickUser`, then Kick's redirect back to the bot. */
	async function signIn(link: InteractionAnswer | string, kickUser: string) {
		const redirect = await kick.consent(typeof link === 'string' ? link : authorizationLink(link), kickUser);
		return { redirect, ...(await open(redirect)) };
	}
	async function open(url: string) {
		const page = await fetch(url);
		return { status: page.status, html: await page.text() };
	}
	/** Resolves with the first message in A's link log that says `text` (the bot posts there through the outbox, a moment later). */
	const linkLogSaying = (text: string) =>
		waitFor({
			emitter: discord.state.messages.events,
			event: 'change',
			check: () => discord.messagesIn('Alpha', 'link-log').find((message) => message.content.includes(text)),
			timeoutMs: 10_000,
			describe: () => `a message in Alpha's #link-log saying "${text}"`
		});
	const settingsSet = (guild: string, key: string, value: string) =>
		discord.runSlashCommand({ guild, member: `${guild.toLowerCase()}-moderator`, name: 'settings', subcommand: 'set', options: { key, value } });

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'viewer_anna' }, { username: 'viewer_vic' }, { username: 'viewer_val' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{
				guilds: [
					{
						...community(ALPHA, 'Alpha', 'alpha', {
							roles: [{ name: 'Linked' }, { name: 'Head', aboveBot: true }],
							members: [{ username: 'alpha-second' }, { username: 'alpha-third' }]
						}),
						channels: [{ name: 'general' }, { name: 'link-log' }]
					},
					community(BETA, 'Beta', 'beta', { roles: [{ name: 'Linked' }], members: [{ username: 'beta-second' }] })
				]
			},
			setup.environment
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		for (const guild of ['Alpha', 'Beta']) expect((await settingsSet(guild, 'kick_linked_role_id', roleOf(guild, 'Linked'))).content).to.match(/is now/);
		expect((await settingsSet('Alpha', 'link_log_channel_id', `<#${discord.guild('Alpha').channel('link-log').id}>`)).content).to.match(/is now/);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('posts the link panel for moderators only, through the outbox, with buttons that need no state', async () => {
		const refused = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'linkpanel', subcommand: 'post', options: {} });
		expect(refused.content).to.match(/^Only moderators of this server can do this/);

		for (const guild of ['Alpha', 'Beta']) {
			const general = discord.guild(guild).channel('general').id;
			const posted = await discord.runSlashCommand({
				guild,
				member: `${guild.toLowerCase()}-moderator`,
				name: 'linkpanel',
				subcommand: 'post',
				options: { channel: general }
			});
			expect(posted.ephemeral).to.equal(true);
			expect(posted.content).to.equal(`The link panel is on its way to <#${general}>. Its buttons keep working after restarts.`);
			const panel = await discord.waitForBotMessage({ channelId: general });
			expect(panel.embeds[0]?.title).to.equal('Link your Kick account');
			expect(buttonIds(panel)).to.deep.equal(['linking:link', 'linking:unlink']);
			panels.set(guild, panel);
		}
		const recordedPanels = () =>
			under.sql<{ discord_server_id: string; status: string }>(
				`SELECT discord_server_id::text, status FROM outbox_messages WHERE dedupe_key LIKE 'discord:linking:panel:%' ORDER BY 1`
			);
		// The outbox writes how a message ended in a batch, a moment after Discord took it.
		await waitUntil(async () => (await recordedPanels()).every((row) => row.status !== 'sending'));
		expect(await recordedPanels()).to.deep.equal([
			{ discord_server_id: ALPHA, status: 'sent' },
			{ discord_server_id: BETA, status: 'sent' }
		]);
	});

	it('links a member in A through Kick (user:read only): the link, the role through A’s paths only, the link log, a plain page', async () => {
		const from = discord.restLog.mark();
		const answer = await clickLink('Alpha', 'alpha-viewer');
		expect(answer.ephemeral).to.equal(true);
		expect(answer.content).to.match(/^Open this link and sign in on Kick with the account to link\./);
		const url = new URL(authorizationLink(answer));
		expect(url.searchParams.get('scope')).to.equal('user:read');
		expect(url.searchParams.get('code_challenge_method')).to.equal('S256');

		const linked = await signIn(answer, 'viewer_anna');

		expect(linked.status).to.equal(200);
		expect(linked.html).to.include('Kick account linked');
		expect(linked.html).to.include(
			'Your Discord account in Alpha is now linked to the Kick account viewer_anna. The linked role @Linked was given to you. You can close this tab'
		);
		expect(await linksOf(ALPHA)).to.deep.equal([
			{ discord_id: memberId('Alpha', 'alpha-viewer'), kick_name: 'viewer_anna', kick_user_id: kick.user('viewer_anna').userId }
		]);
		expect(roleCalls(from)).to.deep.equal([`PUT /guilds/${ALPHA}/members/${memberId('Alpha', 'alpha-viewer')}/roles/${roleOf('Alpha', 'Linked')} 204`]);
		expect(kick.activeTokensOf('viewer_anna'), 'the viewer’s tokens are revoked').to.deep.equal([]);
		expect(await under.sql('SELECT 1 FROM kick_oauth_tokens')).to.deep.equal([]);
		const log = await linkLogSaying('linked Kick account');
		expect(log.content).to.equal(
			`<@${memberId('Alpha', 'alpha-viewer')}> linked Kick account [viewer\\_anna](<https://kick.com/viewer_anna>). The linked role <@&${roleOf('Alpha', 'Linked')}> was given to <@${memberId('Alpha', 'alpha-viewer')}>.`
		);

		const again = await clickLink('Alpha', 'alpha-viewer');
		expect(again.content).to.match(/^You are already linked as \[viewer\\_anna\]\(<https:\/\/kick\.com\/viewer_anna>\) in this server since <t:\d+:D>\./);
		expect(again.components).to.deep.equal([]);

		const reused = await open(linked.redirect);
		expect(reused.status).to.equal(410);
		expect(reused.html).to.include('This authorisation link was already used or is not ours.');
	});

	it('links the same Kick account to another member in B, whose role change goes to B’s paths', async () => {
		const from = discord.restLog.mark();
		const linked = await signIn(await clickLink('Beta', 'beta-viewer'), 'viewer_anna');
		expect(linked.status).to.equal(200);
		expect(linked.html).to.include('Your Discord account in Beta is now linked to the Kick account viewer_anna.');
		expect((await linksOf(BETA)).map((link) => link.discord_id)).to.deep.equal([memberId('Beta', 'beta-viewer')]);
		expect(roleCalls(from)).to.deep.equal([`PUT /guilds/${BETA}/members/${memberId('Beta', 'beta-viewer')}/roles/${roleOf('Beta', 'Linked')} 204`]);
	});

	it('refuses the account to a second member of A, on the page and by DM, giving no role', async () => {
		const from = discord.restLog.mark();
		const refused = await signIn(await clickLink('Alpha', 'alpha-second'), 'viewer_anna');

		expect(refused.status).to.equal(409);
		expect(refused.html).to.include('Your Kick account was not linked');
		expect(refused.html).to.include('The Kick account viewer_anna is already linked to another member of Alpha. Nothing was changed.');
		const dm = await discord.waitForBotMessage({ channelId: discord.directMessageChannel('alpha-second') });
		expect(dm.content).to.match(
			/^Your Kick account was not linked in \*\*Alpha\*\*: The Kick account viewer_anna is already linked to another member of Alpha\./
		);
		expect(roleCalls(from)).to.deep.equal([]);
		expect((await linksOf(ALPHA)).map((link) => link.discord_id)).to.deep.equal([memberId('Alpha', 'alpha-viewer')]);
	});

	it('refuses an expired link and a sign-in brought back with another server’s link, linking nothing', async () => {
		const link = authorizationLink(await clickLink('Alpha', 'alpha-second'));
		// Ten minutes pass for this state.
		await under.sql(`UPDATE kick_oauth_states SET expires_at = now() - interval '1 second' WHERE state = $1`, [new URL(link).searchParams.get('state')]);
		const expired = await signIn(link, 'viewer_vic');
		expect(expired.status).to.equal(410);
		expect(expired.html).to.include(
			'This authorisation link expired (they work for 10 minutes). Click “Link Kick account” on the server’s link panel again (or use /link start) for a new link.'
		);

		const stateOfA = new URL(authorizationLink(await clickLink('Alpha', 'alpha-second'))).searchParams.get('state')!;
		const viaB = new URL(await kick.consent(authorizationLink(await clickLink('Beta', 'beta-second')), 'viewer_vic'));
		viaB.searchParams.set('state', stateOfA);
		const crossed = await open(viaB.toString());
		expect(crossed.status).to.equal(403);
		expect(crossed.html).to.include(
			'Kick did not accept this sign-in for this link: it was made through another link, or already used. Nothing was changed.'
		);

		expect((await linksOf(ALPHA)).map((link) => link.kick_name)).to.deep.equal(['viewer_anna']);
		expect((await linksOf(BETA)).map((link) => link.kick_name)).to.deep.equal(['viewer_anna']);
	});

	it('answers /link status, /whois and their prefix forms from the server asked in', async () => {
		const status = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'link', subcommand: 'status', options: {} });
		expect(status.ephemeral).to.equal(true);
		expect(status.content).to.match(/^You are linked as \[viewer\\_anna\]/);
		const notLinked = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-second', content: '!link status' });
		expect(notLinked.content).to.equal(
			'You have not linked a Kick account in this server. Click “Link Kick account” on the server’s link panel, or use `!link start`.'
		);

		const byName = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-second', name: 'whois', options: { who: 'viewer_anna' } });
		expect(byName.content).to.match(
			new RegExp(`^Kick account \\[viewer\\\\_anna\\]\\(<https://kick\\.com/viewer_anna>\\) is linked to <@${memberId('Beta', 'beta-viewer')}>`)
		);
		const byMember = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-second',
			content: `!whois <@${memberId('Alpha', 'alpha-viewer')}>`
		});
		expect(byMember.content).to.match(new RegExp(`^<@${memberId('Alpha', 'alpha-viewer')}> is linked to Kick account \\[viewer\\\\_anna\\]`));
		expect(byMember.mentions, 'nobody is pinged').to.deep.equal([]);
	});

	it('keeps the panel working after a restart', async () => {
		await under.bot.stop();
		await under.startBot();
		const answer = await clickLink('Alpha', 'alpha-third');
		expect(answer.ephemeral).to.equal(true);
		expect(authorizationLink(answer)).to.match(/\/oauth\/authorize\?/);
	});

	it('says plainly when the linked role is above the bot’s, linking all the same and asking Discord nothing', async () => {
		expect((await settingsSet('Alpha', 'kick_linked_role_id', roleOf('Alpha', 'Head'))).content).to.match(/is now/);
		const from = discord.restLog.mark();

		const linked = await signIn(await clickLink('Alpha', 'alpha-third'), 'viewer_val');

		expect(linked.status).to.equal(200);
		expect(linked.html).to.include(
			'The linked role was not given: The bot cannot give or take @Head: it is not below the bot’s highest role. A server admin moves the bot’s role above it (Server Settings → Roles). Tell the server’s moderators.'
		);
		expect(roleCalls(from)).to.deep.equal([]);
		const log = await linkLogSaying('@Head');
		expect(log.content).to.equal(
			`<@${memberId('Alpha', 'alpha-third')}> linked Kick account [viewer\\_val](<https://kick.com/viewer_val>). The linked role was not given: The bot cannot give or take @Head: it is not below the bot’s highest role. A server admin moves the bot’s role above it (Server Settings → Roles).`
		);
		expect((await settingsSet('Alpha', 'kick_linked_role_id', roleOf('Alpha', 'Linked'))).content).to.match(/is now/);
	});

	it('unlinks: a member themselves (the panel’s Unlink), a moderator another member; the role is taken back through that server’s paths', async () => {
		const from = discord.restLog.mark();
		const unlinked = await discord.clickButton({ guild: 'Alpha', member: 'alpha-viewer', message: panels.get('Alpha')!, customId: 'linking:unlink' });
		expect(unlinked.ephemeral).to.equal(true);
		expect(unlinked.content).to.equal(
			`Unlinked: your Kick account [viewer\\_anna](<https://kick.com/viewer_anna>) is no longer linked in this server. The linked role <@&${roleOf('Alpha', 'Linked')}> was taken back from you.`
		);
		expect(roleCalls(from)).to.deep.equal([`DELETE /guilds/${ALPHA}/members/${memberId('Alpha', 'alpha-viewer')}/roles/${roleOf('Alpha', 'Linked')} 204`]);
		expect(discord.guild('Alpha').member('alpha-viewer').roleIds).to.not.include(roleOf('Alpha', 'Linked'));

		const notAllowed = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-second', name: 'unlink', options: { member: 'beta-viewer' } });
		expect(notAllowed.content).to.equal('Only moderators of this server can unlink another member. Nothing was changed.');
		const byModerator = await discord.sendMessage({
			guild: 'Beta',
			channel: 'general',
			member: 'beta-moderator',
			content: `!unlink <@${memberId('Beta', 'beta-viewer')}>`
		});
		expect(byModerator.content).to.match(new RegExp(`^Unlinked <@${memberId('Beta', 'beta-viewer')}> from Kick account \\[viewer\\\\_anna\\]`));
		expect(roleCalls(from).slice(1)).to.deep.equal([
			`DELETE /guilds/${BETA}/members/${memberId('Beta', 'beta-viewer')}/roles/${roleOf('Beta', 'Linked')} 204`
		]);
		expect(await linksOf(BETA)).to.deep.equal([]);

		// The account is free in A now: the member refused before links it.
		const relinked = await signIn(await clickLink('Alpha', 'alpha-second'), 'viewer_anna');
		expect(relinked.status).to.equal(200);
	});
});
