import { expect } from 'chai';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1970000000000000300';
const BETA = '1970000000000000400';

describe('timed-messages: /timer and the timers’ posts in Kick chat and Discord, per server, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const timer = (guild: string, member: string, subcommand: string, options: Record<string, string | number | boolean> = {}) =>
		discord.runSlashCommand({ guild, member, name: 'timer', subcommand, options });
	const rows = async () => (await under.sql<{ n: number }>('SELECT count(*)::int AS n FROM timed_messages')).at(0)!.n;
	const idOf = (content: string) => Number(/timer #(\d+)/.exec(content)?.[1]);
	/** A run of the tick that found Beta's live-only timer waiting for the stream. */
	const betaWaited = (from: number) => under.bot.waitForLine(new RegExp(`Timed messages: server ${BETA}, .*: #\\d+ offline\\.`), { from });

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, { username: 'viewer_vic' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			// The tick every 250 ms: each run stands for its own moment, so a 1-minute timer posts once a minute whatever the tick.
			{
				...setup.environment,
				LOG_LEVEL: 'debug',
				SCHEDULED_TASK_INTERVALS: 'timedMessagesTick=250',
				DASHBOARD_SECRET: 'e2e-dashboard-secret-timers-0123456789'
			}
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('refuses members who are not moderators and bad input with a short answer, writing nothing', async () => {
		const viewer = await timer('Alpha', 'alpha-viewer', 'add', { interval: 5, message: 'Hi' });
		expect([viewer.ephemeral, viewer.content]).to.deep.equal([true, 'Only moderators of this server can manage its timers. Nothing was changed.']);
		const long = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-moderator', content: `!timer add 5 ${'x'.repeat(600)}` });
		expect(long.content).to.equal('The message is 600 characters; Kick chat takes 500 at most. Nothing was changed.');
		const nearLimit = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-moderator',
			content: `!timer add 5 ${'y'.repeat(1900)}`
		});
		expect(nearLimit.content).to.match(/^The message is 1900 characters/);
		const noMessage = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-moderator', content: '!timer add 5' });
		expect(noMessage.content).to.match(/^Say what it posts/);
		const lines = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-moderator',
			customId: `timers:add:${ALPHA}:5:l:0:-`,
			fields: { messages: `ok\n${'z'.repeat(501)}` }
		});
		expect([lines.ephemeral, lines.content]).to.deep.equal([true, 'Message 2 is 501 characters; Kick chat takes 500 at most. Nothing was changed.']);
		expect(await rows()).to.equal(0);
	});

	it('posts a timer in its server’s Kick chat and Discord channel once per interval, pinging nobody, and nothing in another server', async () => {
		const form = await timer('Alpha', 'alpha-moderator', 'add', { interval: 1, live_only: false, channel: 'general' });
		expect(form.type, form.content).to.equal(InteractionResponseType.Modal);
		const general = discord.guild('Alpha').channel('general').id;
		expect(form.modal?.custom_id).to.equal(`timers:add:${ALPHA}:1:a:0:${general}`);
		const from = kick.chat.mark();
		const added = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-moderator',
			customId: String(form.modal!.custom_id),
			fields: { messages: 'Alpha timer says hi @everyone\n\nSecond message' }
		});
		expect(added.content).to.match(
			/^Added timer #\d+\.\n\*\*#\d+\*\* every 1 min · live or offline · also in <#\d+> · 2 messages in turn\n> Alpha timer says hi @everyone\n> Second message\nnever posted yet$/
		);
		const alphaTimer = idOf(added.content);

		const posted = await kick.chat.waitFor((message) => message.content === 'Alpha timer says hi @everyone', { from });
		expect(posted.channel).to.equal('AlphaStreamer');
		await waitUntil(() => discord.messagesIn('Alpha', 'general').some((message) => message.content === 'Alpha timer says hi @everyone'));
		const inDiscord = discord.messagesIn('Alpha', 'general').find((message) => message.content === 'Alpha timer says hi @everyone')!;
		expect(inDiscord.mention_everyone).to.equal(false);

		// Beta's live-only timer waits while Beta's stream is offline; Alpha's timer runs meanwhile, and posts no second time within its minute.
		const beta = await timer('Beta', 'beta-moderator', 'add', { interval: 1, message: 'Beta is live!' });
		expect(beta.content).to.match(/^Added timer #\d+\.\n\*\*#\d+\*\* every 1 min · live only\n> Beta is live!/);
		for (let run = 0; run < 3; run++) await betaWaited(under.bot.mark());
		expect(kick.chat.list('AlphaStreamer').filter((message) => message.content.startsWith('Alpha timer'))).to.have.length(1);
		expect(kick.chat.list('BetaStreamer')).to.deep.equal([]);
		expect(await under.sql('SELECT times_sent FROM timed_messages WHERE id = $1', [alphaTimer])).to.deep.equal([{ times_sent: 1 }]);

		const live = kick.livestreamStatusPayload({ broadcaster: 'BetaStreamer', isLive: true, title: 'Slots' });
		expect((await kick.deliverEvent({ type: 'livestream.status.updated', broadcaster: 'BetaStreamer', payload: live })).status).to.equal(200);
		await kick.chat.waitFor((message) => message.channel === 'BetaStreamer' && message.content === 'Beta is live!');
		expect(kick.chat.list('AlphaStreamer').some((message) => message.content === 'Beta is live!')).to.equal(false);
		expect(
			discord.messagesIn('Beta', 'general').some((message) => message.content === 'Beta is live!'),
			'Beta’s timer has no channel'
		).to.equal(false);
	});

	it('toggles, edits and lists timers page by page; another server’s ids and custom ids are refused', async () => {
		for (let index = 1; index <= 5; index++) {
			const added = await timer('Alpha', 'alpha-moderator', 'add', { interval: 60, message: `Filler ${index}` });
			await timer('Alpha', 'alpha-moderator', 'toggle', { timer: idOf(added.content) });
		}
		const list = await timer('Alpha', 'alpha-moderator', 'list');
		expect(list.embeds[0]?.title).to.equal('Timers (6)');
		expect(list.embeds[0]?.footer?.text).to.match(/^Page 1 of 2/);
		const second = await discord.clickButton({ guild: 'Alpha', member: 'alpha-moderator', message: list.message!, customId: `timers:list:${ALPHA}:2` });
		expect(second.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(second.message?.embeds[0]?.description).to.match(/^\*\*#\d+\*\* every 60 min · live only · \*\*off\*\*\n> Filler 5\nnever posted yet$/);

		const alphaIds = (await under.sql<{ id: number }>('SELECT id FROM timed_messages WHERE discord_server_id = $1 ORDER BY id', [ALPHA])).map(
			(row) => row.id
		);
		const before = await under.sql('SELECT * FROM timed_messages ORDER BY id');
		const first = alphaIds[0]!;
		for (const subcommand of ['toggle', 'remove'])
			expect((await timer('Beta', 'beta-moderator', subcommand, { timer: first })).content).to.equal(
				`This server has no timer #${first}. Nothing was changed.`
			);
		expect((await timer('Beta', 'beta-moderator', 'edit', { timer: first, interval: 5 })).content).to.equal(
			`This server has no timer #${first}. Nothing was changed.`
		);
		const modal = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `timers:edit:${ALPHA}:${first}`,
			fields: { messages: 'Mine now' }
		});
		expect(modal.content).to.equal('This belongs to another server’s timers. Nothing was changed.');
		const alphaChannel = discord.guild('Alpha').channel('general').id;
		const foreignChannel = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `timers:add:${BETA}:5:a:0:${alphaChannel}`,
			fields: { messages: 'Posted in Alpha?' }
		});
		expect(foreignChannel.content).to.equal(`<#${alphaChannel}> is not a text channel of this server. Nothing was changed.`);
		const ownId = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `timers:edit:${BETA}:${first}`,
			fields: { messages: 'Mine now' }
		});
		expect(ownId.content).to.equal(`This server has no timer #${first}. Nothing was changed.`);
		const betaList = await timer('Beta', 'beta-moderator', 'list');
		const crossed = await discord.clickButton({ guild: 'Beta', member: 'beta-moderator', message: betaList.message!, customId: `timers:list:${ALPHA}:2` });
		expect(crossed.content).to.equal('This belongs to another server’s timers. Nothing was changed.');
		expect(await under.sql('SELECT * FROM timed_messages ORDER BY id')).to.deep.equal(before);

		const edited = await timer('Alpha', 'alpha-moderator', 'edit', { timer: alphaIds[1]!, interval: 30, min_lines: 10, message: 'Changed text' });
		expect(edited.content).to.match(/^Changed timer #\d+\.\n\*\*#\d+\*\* every 30 min · live only · after 10 chat lines · \*\*off\*\*\n> Changed text/);
		const form = await timer('Alpha', 'alpha-moderator', 'edit', { timer: alphaIds[1]! });
		expect(form.type).to.equal(InteractionResponseType.Modal);
		expect((await timer('Alpha', 'alpha-moderator', 'remove', { timer: alphaIds[1]! })).content).to.equal(`Removed timer #${alphaIds[1]}.`);
	});

	it('runs the named server’s timers when the dashboard says they changed', async () => {
		await under.sql(
			'UPDATE timed_messages SET enabled = TRUE, live_only = FALSE, message = $2 WHERE id = (SELECT max(id) FROM timed_messages WHERE discord_server_id = $1)',
			[ALPHA, 'Written by the dashboard']
		);
		const from = kick.chat.mark();
		await under.publishDashboard({ area: 'timed_messages', action: 'update', guildId: ALPHA, data: {} });
		await kick.chat.waitFor((message) => message.content === 'Written by the dashboard', { from });
		expect(kick.chat.list('BetaStreamer').some((message) => message.content === 'Written by the dashboard')).to.equal(false);
	});

	it('after three hours down, posts a missed timer once when the bot is back, then keeps its interval', async () => {
		const [timer] = await under.sql<{ id: number; times_sent: number }>(
			"SELECT id, times_sent FROM timed_messages WHERE discord_server_id = $1 AND message = 'Alpha timer says hi @everyone'",
			[ALPHA]
		);
		await under.bot.stop();
		// 180 intervals of one minute missed while the bot was down.
		await under.sql("UPDATE timed_messages SET last_sent = last_sent - interval '3 hours' WHERE id = $1", [timer!.id]);
		// A Beta timer that is due on every run and never posts: each run of the tick logs it.
		await under.sql("INSERT INTO timed_messages (discord_server_id, message, interval_minutes, min_chat_lines) VALUES ($1, 'Quiet', 1, 100000)", [BETA]);
		const from = kick.chat.mark();
		await under.startBot();
		const posted = await kick.chat.waitFor((message) => message.channel === 'AlphaStreamer' && /^(Alpha timer|Second message)/.test(message.content), {
			from
		});
		expect(posted.content).to.equal(timer!.times_sent % 2 === 0 ? 'Alpha timer says hi @everyone' : 'Second message');
		let mark = under.bot.mark();
		for (let run = 0; run < 3; run++) {
			await under.bot.waitForLine(new RegExp(`Timed messages: server ${BETA}, .*waits for chat`), { from: mark });
			mark = under.bot.mark();
		}
		expect(
			kick.chat
				.list()
				.slice(from)
				.filter((message) => message.channel === 'AlphaStreamer' && /^(Alpha timer|Second message)/.test(message.content))
		).to.have.length(1);
		expect(await under.sql('SELECT times_sent FROM timed_messages WHERE id = $1', [timer!.id])).to.deep.equal([{ times_sent: timer!.times_sent + 1 }]);
	});
});
