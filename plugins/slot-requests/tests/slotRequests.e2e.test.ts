import { expect } from 'chai';
import { InteractionResponseType, type APIMessage } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { OverlayBrowser, overlayUrlsOf } from '#test/helpers/overlayBrowser';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1990000000000000300';
const BETA = '1990000000000000400';

function buttonIds(components: readonly unknown[] | undefined): string[] {
	return (components ?? []).flatMap((row) => (row as { components: { custom_id: string }[] }).components.map((button) => button.custom_id));
}

describe('slot-requests: !sr in Kick chat, the panel’s buttons and forms in Discord, announcements, per server, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;
	let panel: APIMessage;

	const chatAndAnswer = async (broadcaster: string, sender: string, content: string) => {
		const asked = await kick.chatAs({ broadcaster, sender, content, badges: [] });
		return (await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id)).content;
	};
	const slots = (guild: string, member: string, subcommand: string, options: Record<string, string | number> = {}, subcommandGroup?: string) =>
		discord.runSlashCommand({ guild, member, name: 'slots', subcommand, options, ...(subcommandGroup === undefined ? {} : { subcommandGroup }) });
	const panelNow = () => discord.messagesIn('Alpha', 'general').find((message) => message.id === panel.id)!;
	const field = (message: APIMessage, name: string) => message.embeds[0]?.fields?.find((entry) => entry.name === name)?.value;
	const click = (action: string, member = 'alpha-moderator') =>
		discord.clickButton({ guild: 'Alpha', member, message: panelNow(), customId: `slots:panel:${ALPHA}:${action}` });

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, { username: 'viewer_vic' }, { username: 'ann' }, { username: 'troll_tom' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug', DASHBOARD_SECRET: 'e2e-dashboard-secret-slots-0123456789ab' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
		for (const [guild, key, value] of [
			['Alpha', 'slot_calls_channel_id', discord.guild('Alpha').channel('general').id],
			['Alpha', 'slot_request_cooldown_seconds', '0'],
			['Beta', 'slot_request_cooldown_seconds', '0']
		] as const) {
			const set = await discord.runSlashCommand({
				guild,
				member: `${guild.toLowerCase()}-moderator`,
				name: 'settings',
				subcommand: 'set',
				options: { key, value }
			});
			expect(set.content).to.match(new RegExp(key));
		}
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('posts the panel for moderators only and opens requests from its button, announced in Kick chat', async () => {
		const refused = await slots('Alpha', 'alpha-viewer', 'post', {}, 'panel');
		expect(refused.content).to.equal('Only moderators can post the slot panel.');
		const posted = await slots('Alpha', 'alpha-moderator', 'post', {}, 'panel');
		expect(posted.content).to.equal(`The slot panel is posted in <#${discord.guild('Alpha').channel('general').id}>; it keeps itself up to date.`);
		await waitUntil(() => discord.messagesIn('Alpha', 'general').some((message) => message.embeds[0]?.title === '🎰 Slot requests'));
		panel = discord.messagesIn('Alpha', 'general').find((message) => message.embeds[0]?.title === '🎰 Slot requests')!;
		expect(buttonIds(panel.components)).to.deep.equal(
			['open', 'pick', 'played', 'skip', 'clear', 'blacklist', 'refresh'].map((action) => `slots:panel:${ALPHA}:${action}`)
		);
		expect(field(panel, 'Requests')).to.equal('Closed');

		const byViewer = await click('open', 'alpha-viewer');
		expect([byViewer.ephemeral, byViewer.content]).to.deep.equal([true, 'Only moderators can run the slot requests.']);
		const betaMessage = await discord.sendMessage({ guild: 'Beta', channel: 'general', member: 'beta-viewer', content: '!slots queue' });
		expect(betaMessage.content).to.equal('🎰 Slot requests are closed · 0 in the queue.');
		const forged = await discord.clickButton({ guild: 'Beta', member: 'beta-moderator', message: betaMessage, customId: `slots:panel:${ALPHA}:open` });
		expect(forged.content).to.equal('This belongs to another server’s slot requests. Nothing was changed.');

		const opened = await click('open');
		expect(opened.type).to.equal(InteractionResponseType.DeferredMessageUpdate);
		expect((await opened.interaction.waitForFollowUp()).content).to.equal('Slot requests are open.');
		await waitUntil(() => field(panelNow(), 'Requests') === 'Open');
		await kick.chat.waitFor(
			(message) => message.channel === 'AlphaStreamer' && message.content === '🎰 Slot requests are open! Type !sr <slot> to request one.'
		);
	});

	it('takes !sr and !call in Alpha’s chat with its answers, while Beta stays closed', async () => {
		expect(await chatAndAnswer('BetaStreamer', 'viewer_vic', '!sr Gates of Olympus')).to.equal('Slot requests are not open');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!sr')).to.equal('Please specify a slot');
		expect((await slots('Alpha', 'alpha-moderator', 'add', { name: 'Gates of Olympus', provider: 'Pragmatic' }, 'catalogue')).content).to.equal(
			'Added Gates of Olympus to the catalogue.'
		);
		expect((await slots('Alpha', 'alpha-moderator', 'add', { name: 'Sugar Rush' }, 'catalogue')).content).to.equal('Added Sugar Rush to the catalogue.');
		expect((await slots('Alpha', 'alpha-moderator', 'ban', { slot: 'sugar rush' }, 'catalogue')).content).to.equal(
			'Sugar Rush is banned: requests for it are refused.'
		);
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!sr sugar-rush')).to.equal('Sugar Rush is banned');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!sr gates of olympos')).to.equal(
			'@viewer_vic "gates of olympos" is not in the slot list, did you mean Gates of Olympus?'
		);
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!sr GATES OF OLYMPUS')).to.equal('@viewer_vic requested Gates of Olympus (#1 in the queue)');
		expect(await chatAndAnswer('AlphaStreamer', 'ann', '!call gates of olympus')).to.equal('@ann requested Gates of Olympus (#2 in the queue)');
		expect((await slots('Alpha', 'alpha-moderator', 'add', { user: 'troll_tom' }, 'blacklist')).content).to.match(/^troll\\_tom is blacklisted/);
		const ignored = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'troll_tom', content: '!sr Gates of Olympus', badges: [] });
		expect(await chatAndAnswer('AlphaStreamer', 'ann', '!sr Gates of Olympus')).to.equal('@ann requested Gates of Olympus (#3 in the queue)');
		expect(
			kick.chat.list('AlphaStreamer').filter((message) => message.replyToMessageId === ignored.payload.message_id),
			'troll_tom is not answered'
		).to.deep.equal([]);
		expect(
			await under.sql('SELECT discord_server_id::text AS server, kick_username AS who, slot_call AS slot FROM slot_requests ORDER BY id')
		).to.deep.equal([
			{ server: ALPHA, who: 'viewer_vic', slot: 'Gates of Olympus' },
			{ server: ALPHA, who: 'ann', slot: 'Gates of Olympus' },
			{ server: ALPHA, who: 'ann', slot: 'Gates of Olympus' }
		]);
		await waitUntil(() => field(panelNow(), 'Queue') === '3 open');
	});

	it('picks from the panel, announces it, records the result from the form, and verifies the pick', async () => {
		const picked = await click('pick');
		const said = (await picked.interaction.waitForFollowUp()).content;
		// Discord's answer escapes markdown: viewer_vic shows as viewer\_vic.
		expect(said).to.match(/^Picked #\d+ Gates of Olympus \((viewer\\_vic|ann)\) \(pick #1, from 3 open\)\.$/);
		const [, requestId, shownWho] = /^Picked #(\d+) Gates of Olympus \(([\w\\]+)\)/.exec(said)!;
		const who = shownWho!.replace('\\', '');
		await kick.chat.waitFor(
			(message) => message.channel === 'AlphaStreamer' && message.content === `🎰 Picked: Gates of Olympus, requested by @${who} (pick #1)`
		);
		await waitUntil(() => discord.messagesIn('Alpha', 'general').some((message) => message.content.startsWith('🎰 **Pick #1**')));
		await waitUntil(() => field(panelNow(), 'Current pick') === `#${requestId} Gates of Olympus (${shownWho}) · pick #1`);

		const form = await click('played');
		expect(form.type).to.equal(InteractionResponseType.Modal);
		expect(form.modal?.custom_id).to.equal(`slots:played:${ALPHA}:${requestId}`);
		const forged = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `slots:played:${ALPHA}:${requestId}`,
			fields: { bet: '1', payout: '1' }
		});
		expect(forged.content).to.equal('This belongs to another server’s slot requests. Nothing was changed.');
		const bad = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-moderator',
			customId: `slots:played:${ALPHA}:${requestId}`,
			fields: { bet: '0', payout: '5' }
		});
		expect(bad.content).to.equal('The bet must be more than $0. Nothing was changed.');
		const played = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-moderator',
			customId: `slots:played:${ALPHA}:${requestId}`,
			fields: { bet: '2.00', payout: '$250' }
		});
		expect(played.content).to.equal(`Recorded Gates of Olympus (${shownWho}): $250.00 on a $2.00 bet, 125.00x.`);
		await kick.chat.waitFor(
			(message) => message.channel === 'AlphaStreamer' && message.content === `🎰 Gates of Olympus (${who}): $250.00 on a $2.00 bet, 125.00x`
		);
		expect(await under.sql('SELECT bet::text, payout::text FROM slot_requests WHERE id = $1', [requestId])).to.deep.equal([
			{ bet: '2.00', payout: '250.00' }
		]);
		await waitUntil(() => field(panelNow(), 'Current pick') === 'none');

		const verified = await slots('Alpha', 'alpha-viewer', 'verify', { pick: 1 });
		expect(verified.content).to.match(/^✅ Pick #1 verifies\./);
		expect((await slots('Beta', 'beta-viewer', 'verify', { pick: 1 })).content).to.equal('There is no pick #1 here.');
	});

	it('acts on the named server only from the dashboard', async () => {
		await under.publishDashboard({ area: 'slot_requests', action: 'open', guildId: BETA, data: {} });
		await kick.chat.waitFor((message) => message.channel === 'BetaStreamer' && message.content.startsWith('🎰 Slot requests are open!'));
		expect(await chatAndAnswer('BetaStreamer', 'viewer_vic', '!sr Gates of Olympus'), 'Beta has no catalogue: any name').to.equal(
			'@viewer_vic requested Gates of Olympus (#1 in the queue)'
		);
		await under.publishDashboard({ area: 'slot_requests', action: 'pick', guildId: BETA, data: {} });
		await kick.chat.waitFor(
			(message) => message.channel === 'BetaStreamer' && message.content === '🎰 Picked: Gates of Olympus, requested by @viewer_vic (pick #1)'
		);
		await under.publishDashboard({ area: 'slot_requests', action: 'clear', guildId: BETA, data: {} });
		await under.publishDashboard({ area: 'slot_requests', action: 'close', guildId: BETA, data: {} });
		await kick.chat.waitFor((message) => message.channel === 'BetaStreamer' && message.content === '🎰 Slot requests are closed.');
		expect(
			await under.sql(
				'SELECT discord_server_id::text AS server, count(*)::int AS open FROM slot_requests WHERE NOT COALESCE(picked, FALSE) GROUP BY 1 ORDER BY 1'
			)
		).to.deep.equal([{ server: ALPHA, open: 2 }]);
		expect(await under.sql('SELECT discord_server_id::text AS server, is_open FROM slot_request_state ORDER BY 1')).to.deep.equal([
			{ server: ALPHA, is_open: true },
			{ server: BETA, is_open: false }
		]);
		expect(kick.chat.list('AlphaStreamer').filter((message) => message.content.includes('closed'))).to.deep.equal([]);
	});

	it('shows a new request in the server’s slot-requests overlay within a second of !sr, and none of it in the other server’s', async () => {
		const browser = await OverlayBrowser.launch();
		try {
			const alphaUrls = await overlayUrlsOf(discord, { guild: 'Alpha', member: 'alpha-moderator' });
			const alpha = await browser.open(alphaUrls.get('slot-requests')!);
			const beta = await browser.open((await overlayUrlsOf(discord, { guild: 'Beta', member: 'beta-moderator' })).get('slot-requests')!);
			const hunt = await browser.open(alphaUrls.get('hunt')!);
			expect([alpha.status, beta.status, hunt.status]).to.deep.equal([200, 200, 200]);
			// Beta: closed, its queue cleared, its dashboard pick still the one to play.
			const BETA_OVERLAY = ['Slot requests · closed · 0 in queue', '▶ Gates of Olympus — viewer_vic', 'No requests yet'];
			await alpha.waitForText('Slot requests · open · 2 in queue');
			await beta.waitForText('No requests yet');
			await hunt.waitForText('No bonus hunt running');
			expect((await beta.text()).split('\n')).to.deep.equal(BETA_OVERLAY);

			await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: '!sr gates of olympus' });
			await alpha.waitForText('Slot requests · open · 3 in queue', { timeoutMs: 1000 });
			expect((await alpha.text()).split('\n').filter((line) => line.startsWith('Gates of Olympus'))).to.have.length(3);
			expect((await beta.text()).split('\n'), 'Beta’s overlay shows none of it').to.deep.equal(BETA_OVERLAY);
			expect([...alpha.errors, ...beta.errors, ...hunt.errors]).to.deep.equal([]);
		} finally {
			await browser.close();
		}
	});
});
