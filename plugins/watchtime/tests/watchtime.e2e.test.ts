import { expect } from 'chai';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import { waitUntil } from '#test/helpers/waitUntil';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { describeMinutes } from '../lib/describeWatchtime.js';

const ALPHA = '1970000000000000100';
const BETA = '1970000000000000200';

describe('watchtime: presence from Kick chat, ticks, and /watchtime in two servers on one Kick channel, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	/** Minutes per server and viewer, as the database holds them. */
	async function minutes(): Promise<Record<string, number>> {
		const rows = await under.sql<{ server: string; username: string; minutes: number }>(
			'SELECT discord_server_id::text AS server, username, minutes FROM watchtime ORDER BY 1, 2'
		);
		return Object.fromEntries(rows.map((row) => [`${row.server === ALPHA ? 'Alpha' : 'Beta'} ${row.username}`, row.minutes]));
	}
	/** The bot's log line of the `nth` tick of a server after `from` that says `says`. */
	async function tickLine(guildId: string, says: RegExp, from: number, nth = 1): Promise<void> {
		for (let seen = 0, mark = from; seen < nth; seen++) {
			await under.bot.waitForLine(new RegExp(`Watch time: server ${guildId}, tick \\S+: ${says.source}`), { from: mark, timeoutMs: 15_000 });
			mark = under.bot.mark();
		}
	}
	const slash = (guild: string, member: string, subcommand: string, options: Record<string, string | number> = {}) =>
		discord.runSlashCommand({ guild, member, name: 'watchtime', subcommand, options });

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'viewer_vic' }, { username: 'viewer_anna' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			// A tick every second instead of every minute, so minutes add up within the test.
			{ ...setup.environment, LOG_LEVEL: 'debug', SCHEDULED_TASK_INTERVALS: 'watchtimeTick=1000' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'AlphaStreamer' }
		]);
		const capped = await discord.runSlashCommand({
			guild: 'Beta',
			member: 'beta-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'watchtime_daily_cap_minutes', value: '2' }
		});
		expect(capped.content).to.match(/is now/);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('counts nothing while Kick has not said the stream is live and one viewer chats; the bot’s own echo is no second chatter', async () => {
		await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: 'hello chat' });
		const asked = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: '!watchtime' });
		const answer = await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id);
		expect(answer.content).to.equal('@viewer_vic, you have no watch time here yet.');
		// Kick echoes the bot's message into the chat under another id.
		const echo = kick.chatMessagePayload({ broadcaster: 'AlphaStreamer', sender: 'AlphaStreamer', content: answer.content });
		expect((await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'AlphaStreamer', payload: echo })).status).to.equal(200);

		const from = under.bot.mark();
		for (const guildId of [ALPHA, BETA]) await tickLine(guildId, /not live \(Kick: unknown, 1 chatter\(s\) in 5 minutes\)/, from, 2);
		expect(await minutes()).to.deep.equal({});
		expect(await under.sql('SELECT 1 FROM watchtime_ticks')).to.have.length(0);
	});

	it('counts the stream live once two viewers chat, and gives each present viewer a minute per tick in each server', async () => {
		await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_anna', content: 'hi vic' });
		await waitUntil(async () => Object.keys(await minutes()).length === 4, 15_000);
		expect(Object.keys(await minutes())).to.deep.equal(['Alpha viewer_anna', 'Alpha viewer_vic', 'Beta viewer_anna', 'Beta viewer_vic']);
	});

	it('keeps counting once Kick says live, each minute once per server, and stops Beta’s viewers at its daily cap', async () => {
		const live = kick.livestreamStatusPayload({ broadcaster: 'AlphaStreamer', isLive: true, title: 'Bonus hunt' });
		expect((await kick.deliverEvent({ type: 'livestream.status.updated', broadcaster: 'AlphaStreamer', payload: live })).status).to.equal(200);
		await waitUntil(async () => ((await minutes())['Alpha viewer_vic'] ?? 0) >= 4, 20_000);

		const counted = await under.sql<{ vic: number; anna: number; ticks: string }>(
			`SELECT (SELECT minutes FROM watchtime WHERE discord_server_id = $1 AND username = 'viewer_vic') AS vic,
			        (SELECT minutes FROM watchtime WHERE discord_server_id = $1 AND username = 'viewer_anna') AS anna,
			        (SELECT count(*) FROM watchtime_ticks WHERE discord_server_id = $1 AND viewers > 0)::text AS ticks`,
			[ALPHA]
		);
		// Both chatted before the first counted tick and stay present: one minute each per counted tick, no more.
		expect([counted[0]!.vic, counted[0]!.anna]).to.deep.equal([Number(counted[0]!.ticks), Number(counted[0]!.ticks)]);
		const now = await minutes();
		expect([now['Beta viewer_vic'], now['Beta viewer_anna']], 'Beta’s cap is 2 minutes a day').to.deep.equal([2, 2]);
	});

	it('stops counting once Kick says the stream ended', async () => {
		const ended = kick.livestreamStatusPayload({ broadcaster: 'AlphaStreamer', isLive: false });
		expect((await kick.deliverEvent({ type: 'livestream.status.updated', broadcaster: 'AlphaStreamer', payload: ended })).status).to.equal(200);
		await tickLine(ALPHA, /not live \(Kick: offline/, under.bot.mark());
		const before = await minutes();
		await tickLine(ALPHA, /not live \(Kick: offline/, under.bot.mark(), 2);
		expect(await minutes()).to.deep.equal(before);
	});

	it('shows watch time and the leaderboard, lets moderators change it with a reason and see the history, and answers !watchtime per server', async () => {
		const before = (await minutes())['Alpha viewer_vic']!;
		const refused = await slash('Alpha', 'alpha-viewer', 'add', { who: 'viewer_vic', minutes: 30, reason: 'giveaway' });
		expect(refused.content).to.match(/^Only moderators of this server can add watch time/);
		const added = await slash('Alpha', 'alpha-moderator', 'add', { who: 'viewer_vic', minutes: 30, reason: 'giveaway winner' });
		expect(added.content).to.equal(`Added 30 min to viewer\\_vic: now ${describeMinutes(before + 30)}. Reason: giveaway winner`);

		const shown = await slash('Alpha', 'alpha-viewer', 'show', { who: '@viewer_vic' });
		expect(shown.content).to.equal(`viewer\\_vic has watched ${describeMinutes(before + 30)} in this server (#1 on \`/watchtime top\`).`);
		const top = await slash('Alpha', 'alpha-viewer', 'top');
		expect(top.embeds[0]?.description?.split('\n')[0]).to.equal(`**#1** viewer\\_vic: ${describeMinutes(before + 30)}`);

		expect((await slash('Alpha', 'alpha-viewer', 'history', { who: 'viewer_vic' })).content).to.match(
			/^Only moderators of this server can see watch time history/
		);
		const history = await slash('Alpha', 'alpha-moderator', 'history', { who: 'viewer_vic' });
		expect(history.embeds[0]?.description).to.match(/\*\*\+30 min\*\* by <@\d+>, giveaway winner/);

		// Anna asks (Vic's !watchtime is still cooling down): each server answers from its own minutes.
		// Anna asks about Vic (his own !watchtime is cooling down): each server answers from its own minutes.
		const asked = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_anna', content: '!watchtime @viewer_vic' });
		await waitUntil(() => kick.chat.list('AlphaStreamer').filter((message) => message.replyToMessageId === asked.payload.message_id).length === 2);
		const answers = kick.chat
			.list('AlphaStreamer')
			.filter((message) => message.replyToMessageId === asked.payload.message_id)
			.map((message) => message.content)
			.sort();
		expect(answers).to.deep.equal([`viewer_vic has watched ${describeMinutes(before + 30)} here (#1).`, 'viewer_vic has watched 2 min here (#1).'].sort());
	});
});
