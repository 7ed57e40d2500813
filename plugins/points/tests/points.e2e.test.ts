import { expect } from 'chai';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1970000000000000100';
const BETA = '1970000000000000200';

describe('points: /points, /leaderboard, !points, give-all, watch points and a gift bonus once, per server, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const points = (guild: string, member: string, subcommand: string, options: Record<string, string | number> = {}) =>
		discord.runSlashCommand({ guild, member, name: 'points', subcommand, options });
	const chatAndAnswer = async (broadcaster: string, sender: string, content: string) => {
		const asked = await kick.chatAs({ broadcaster, sender, content, badges: [] });
		return (await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id)).content;
	};
	const ledgerOf = (guild: string, name: string) =>
		under.sql<{ source: string; amount: number; reason: string }>(
			'SELECT source, amount, reason FROM point_ledger WHERE discord_server_id = $1 AND kick_username = $2 ORDER BY id',
			[guild, name]
		);

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, { username: 'viewer_vic' }, { username: 'viewer_val' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			// A watch-time minute every 250 ms, so 5 minutes pass within the test.
			{ ...setup.environment, LOG_LEVEL: 'debug', SCHEDULED_TASK_INTERVALS: 'watchtimeTick=250' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
		// alpha-viewer linked viewer_vic in Alpha only.
		const viewer = discord.guild('Alpha').member('alpha-viewer').userId;
		await under.sql('INSERT INTO links (discord_id, kick_name, discord_server_id) VALUES ($1, $2, $3)', [viewer, 'viewer_vic', ALPHA]);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('lets moderators add, remove and set points with a reason, refuses bad input writing nothing, per server', async () => {
		expect((await points('Alpha', 'alpha-viewer', 'add', { who: 'quiet_quinn', amount: 100, reason: 'me' })).content).to.match(
			/^Only moderators of this server can add points/
		);
		const added = await points('Alpha', 'alpha-moderator', 'add', { who: 'quiet_quinn', amount: 100, reason: 'Won the quiz' });
		expect(added.content).to.equal('Added 100 points to quiet\\_quinn: now 100 points. Reason: Won the quiz');
		expect((await points('Alpha', 'alpha-moderator', 'remove', { who: '@Quiet_Quinn', amount: 30, reason: 'Spam' })).content).to.equal(
			'Removed 30 points from quiet\\_quinn: now 70 points. Reason: Spam'
		);
		expect((await points('Alpha', 'alpha-moderator', 'set', { who: 'quiet_quinn', amount: 500, reason: 'Fixed' })).content).to.equal(
			'Set quiet\\_quinn to 500 points (+430). Reason: Fixed'
		);
		const none = await points('Alpha', 'alpha-moderator', 'remove', { who: 'nobody_here', amount: 5, reason: 'x' });
		expect([none.ephemeral, none.content]).to.deep.equal([true, 'nobody\\_here has no points in this server, so nothing was removed.']);

		// Bad input: a clear short answer and nothing written.
		const rows = async () => (await under.sql<{ n: number }>('SELECT count(*)::int AS n FROM point_ledger')).at(0)!.n;
		const before = await rows();
		expect((await points('Alpha', 'alpha-moderator', 'add', { who: 'not a name!', amount: 5, reason: 'x' })).content).to.match(/^Name a member/);
		expect((await points('Alpha', 'alpha-moderator', 'add', { who: 'quiet_quinn', amount: 5, reason: '   ' })).content).to.match(/^A reason is 1 to 200/);
		for (const content of [
			'!points add quiet_quinn lots Because',
			'!points add quiet_quinn 0 Because',
			'!points add quiet_quinn 99999999999 Because',
			'!points give-all -5 Because'
		]) {
			const answer = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-moderator', content });
			expect(answer.content, content).to.match(/amount/i);
		}
		expect(await rows()).to.equal(before);

		expect((await points('Beta', 'beta-viewer', 'show', { who: 'quiet_quinn' })).content).to.equal('quiet\\_quinn has no points in this server yet.');
		expect((await ledgerOf(ALPHA, 'quiet_quinn')).map((row) => [row.source, row.amount])).to.deep.equal([
			['add', 100],
			['remove', -30],
			['set', 430]
		]);
	});

	it('shows a balance, a paged history and the paged leaderboard with the caller’s own rank, this server only', async () => {
		await points('Alpha', 'alpha-moderator', 'add', { who: discord.guild('Alpha').member('alpha-viewer').userId, amount: 1000, reason: 'Welcome' });
		expect((await points('Alpha', 'alpha-viewer', 'show')).content).to.equal('You have 1,000 points in this server (#1 on `/leaderboard`).');
		for (let index = 1; index <= 11; index++)
			await points('Alpha', 'alpha-moderator', 'add', { who: 'busy_bea', amount: index, reason: `Filler ${index}` });

		const board = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'leaderboard' });
		expect(board.embeds[0]?.description?.split('\n').slice(0, 3)).to.deep.equal([
			'**#1** viewer\\_vic: 1,000 points',
			'**#2** quiet\\_quinn: 500 points',
			'**#3** busy\\_bea: 66 points'
		]);
		expect(board.embeds[0]?.fields?.[0]?.value).to.equal('#1 · viewer\\_vic: 1,000 points');
		for (let index = 1; index <= 9; index++) await points('Alpha', 'alpha-moderator', 'add', { who: `extra_${index}`, amount: index, reason: 'Filler' });
		const first = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'leaderboard' });
		const second = await discord.clickButton({ guild: 'Alpha', member: 'alpha-viewer', message: first.message!, customId: 'points:leaderboard:2' });
		expect(second.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(second.message?.embeds[0]?.description).to.equal('**#11** extra\\_2: 2 points\n**#12** extra\\_1: 1 point');
		expect(second.message?.embeds[0]?.fields?.[0]?.value, 'the clicker’s own rank').to.equal('#1 · viewer\\_vic: 1,000 points');
		const moderatorBoard = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'leaderboard' });
		expect(moderatorBoard.embeds[0]?.fields?.[0]?.value).to.match(/^Link your Kick account/);

		const history = await points('Alpha', 'alpha-viewer', 'history', { who: 'busy_bea' });
		expect(history.embeds[0]?.description?.split('\n')[0]).to.match(/\*\*\+11\*\* added by a moderator by <@\d+>: Filler 11$/);
		expect(history.embeds[0]?.footer?.text).to.equal('Page 1 of 2 · 11 changes, newest first');
		const older = await discord.clickButton({ guild: 'Alpha', member: 'alpha-viewer', message: history.message!, customId: 'points:history:busy_bea:2' });
		expect(older.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(older.message?.embeds[0]?.description).to.match(/\*\*\+1\*\* added by a moderator by <@\d+>: Filler 1$/);

		expect((await discord.runSlashCommand({ guild: 'Beta', member: 'beta-viewer', name: 'leaderboard' })).content).to.match(
			/^Nobody has points in this server yet/
		);
		expect((await points('Beta', 'beta-viewer', 'history', { who: 'busy_bea' })).content).to.equal('busy\\_bea has no points history in this server.');
		// Alpha's page buttons clicked from Beta read Beta's points: the server comes from the interaction, never the custom id.
		const betaMessage = await discord.sendMessage({ guild: 'Beta', channel: 'general', member: 'beta-viewer', content: '!leaderboard' });
		const crossHistory = await discord.clickButton({ guild: 'Beta', member: 'beta-viewer', message: betaMessage, customId: 'points:history:busy_bea:2' });
		expect(crossHistory.content).to.equal('busy\\_bea has no points history in this server.');
		const crossBoard = await discord.clickButton({ guild: 'Beta', member: 'beta-viewer', message: betaMessage, customId: 'points:leaderboard:2' });
		expect(crossBoard.content).to.equal('The leaderboard has no page 2.');
	});

	it('answers !points in each server’s Kick chat from that server’s points', async () => {
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!points')).to.match(/^@viewer_vic, you have 1,0\d\d points here \(#1\)\.$/);
		// Val chats too (present for the give-all below); the chat's 3 s cooldown is per server and command, so Beta answers the named form.
		await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_val', content: 'hello chat', badges: [] });
		expect(await chatAndAnswer('BetaStreamer', 'viewer_val', '!points @quiet_quinn')).to.equal('quiet_quinn has no points here yet.');
	});

	it('gives points to everyone in the server’s Kick chat now, and watch points every 5 minutes', async () => {
		// Vic and Val chatted in Alpha's chat; presence reaches Redis in the background, within a second.
		await waitUntil(async () => (await under.sharedSortedSetSize(ALPHA, 'watchtime:presence')) >= 2);
		let answer = '';
		await waitUntil(async () => {
			answer = (await points('Alpha', 'alpha-moderator', 'give-all', { amount: 5, reason: 'Hype train' })).content;
			return answer.startsWith('Gave');
		});
		expect(answer).to.equal('Gave 5 points to 2 viewers in Kick chat. Reason: Hype train');
		for (const name of ['viewer_vic', 'viewer_val']) expect((await ledgerOf(ALPHA, name)).filter((row) => row.source === 'give_all')).to.have.length(1);
		expect((await ledgerOf(BETA, 'viewer_vic')).filter((row) => row.source === 'give_all')).to.deep.equal([]);
		// Two chatters and no word from Kick: Alpha's stream counts as live, and the minutes come.
		await waitUntil(async () => (await ledgerOf(ALPHA, 'viewer_val')).some((row) => row.source === 'watch'));
		expect((await ledgerOf(ALPHA, 'viewer_val')).find((row) => row.source === 'watch')).to.deep.equal({
			source: 'watch',
			amount: 1,
			reason: 'Watched 5 minutes'
		});
	});

	it('gives the gifter points_gift_bonus per gifted sub once per Kick event', async () => {
		const set = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'points_gift_bonus', value: '10' }
		});
		expect(set.content).to.match(/points_gift_bonus/);
		const gift = kick.subscriptionGiftsPayload({ broadcaster: 'AlphaStreamer', gifter: 'viewer_val', giftees: ['viewer_vic', 'someone_else'] });
		const first = await kick.deliverEvent({ type: 'channel.subscription.gifts', broadcaster: 'AlphaStreamer', payload: gift });
		expect(first.status).to.equal(200);
		await waitUntil(async () => (await ledgerOf(ALPHA, 'viewer_val')).some((row) => row.source === 'gift'));
		// Kick delivers the same event again.
		const again = await kick.deliverEvent({ type: 'channel.subscription.gifts', broadcaster: 'AlphaStreamer', payload: gift, messageId: first.messageId });
		expect(again.status).to.equal(200);
		const last = await kick.deliverEvent({
			type: 'channel.subscription.gifts',
			broadcaster: 'AlphaStreamer',
			payload: kick.subscriptionGiftsPayload({ broadcaster: 'AlphaStreamer', gifter: null, giftees: ['viewer_vic'] })
		});
		await waitUntil(
			async () =>
				(await under.sql("SELECT 1 FROM kick_event_receipts WHERE event_key LIKE '%' || $1 AND handled_at IS NOT NULL", [last.messageId])).length > 0
		);
		expect((await ledgerOf(ALPHA, 'viewer_val')).filter((row) => row.source === 'gift')).to.deep.equal([
			{ source: 'gift', amount: 20, reason: 'Gifted 2 subs' }
		]);
		// Balances equal their ledger sums, in every server.
		expect(
			await under.sql(
				`SELECT u.discord_server_id FROM user_points AS u
				LEFT JOIN (SELECT discord_server_id, kick_username, sum(amount)::int AS total FROM point_ledger GROUP BY 1, 2) AS l USING (discord_server_id, kick_username)
				WHERE u.points <> COALESCE(l.total, 0)`
			)
		).to.deep.equal([]);
	});
});
