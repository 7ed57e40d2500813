import { expect } from 'chai';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1990000000000000100';
const BETA = '1990000000000000200';

describe('raffles: tickets from Kick, gifted subs once per event and watch hours from the watch-time ticks, per server, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const ticketsIn = (guildId: string) =>
		under.sql<{ key: string; watch: number; gifted: number; total: number }>(
			'SELECT participant_key AS key, watchtime_tickets AS watch, gifted_sub_tickets AS gifted, total_tickets AS total FROM raffle_tickets WHERE discord_server_id = $1 ORDER BY 1',
			[guildId]
		);

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'viewer_vic' }, { username: 'viewer_val' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			// A watch-time minute every 250 ms, so an hour (60 of them) passes within the test.
			{ ...setup.environment, LOG_LEVEL: 'debug', SCHEDULED_TASK_INTERVALS: 'watchtimeTick=250' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		// Both servers follow the same Kick channel; only Alpha runs a raffle.
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'AlphaStreamer' }
		]);
		for (const guild of ['Alpha', 'Beta']) {
			await discord.runSlashCommand({
				guild,
				member: `${guild.toLowerCase()}-moderator`,
				name: 'settings',
				subcommand: 'set',
				options: { key: 'tracking_force_override', value: 'true' }
			});
		}
		// alpha-viewer linked viewer_vic in Alpha (as the linking plugin records a legacy link, by name).
		const viewer = discord.guild('Alpha').member('alpha-viewer').userId;
		await under.sql('INSERT INTO links (discord_id, kick_name, discord_server_id) VALUES ($1, $2, $3)', [viewer, 'viewer_vic', ALPHA]);
		const opened = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'raffle', subcommand: 'start' });
		expect(opened.content).to.match(/^Opened raffle period/);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('gives the gifter gifted_sub_tickets per sub once per Kick event, in the server with a raffle only', async () => {
		const gift = kick.subscriptionGiftsPayload({ broadcaster: 'AlphaStreamer', gifter: 'viewer_val', giftees: ['viewer_vic', 'someone_else'] });
		const first = await kick.deliverEvent({ type: 'channel.subscription.gifts', broadcaster: 'AlphaStreamer', payload: gift });
		expect(first.status).to.equal(200);
		await waitUntil(async () => (await ticketsIn(ALPHA)).length === 1);
		// Kick delivers the same event again.
		expect(
			(await kick.deliverEvent({ type: 'channel.subscription.gifts', broadcaster: 'AlphaStreamer', payload: gift, messageId: first.messageId })).status
		).to.equal(200);
		const anonymous = kick.subscriptionGiftsPayload({ broadcaster: 'AlphaStreamer', gifter: null, giftees: ['viewer_vic'] });
		const last = await kick.deliverEvent({ type: 'channel.subscription.gifts', broadcaster: 'AlphaStreamer', payload: anonymous });
		expect(last.status).to.equal(200);
		// Every server's listeners ran for the last event once its receipt is marked handled.
		await waitUntil(
			async () =>
				(await under.sql("SELECT 1 FROM kick_event_receipts WHERE event_key LIKE '%' || $1 AND handled_at IS NOT NULL", [last.messageId])).length > 0
		);
		expect(await ticketsIn(ALPHA)).to.deep.equal([{ key: 'kick:viewer_val', watch: 0, gifted: 30, total: 30 }]);
		expect(await under.sql('SELECT count(*)::int AS n FROM raffle_ticket_log WHERE discord_server_id = $1', [ALPHA])).to.deep.equal([{ n: 1 }]);
		expect(await ticketsIn(BETA)).to.deep.equal([]);
	});

	it('pays watchtime_tickets_per_hour for each whole hour a linked member watched inside the period', async () => {
		const viewer = discord.guild('Alpha').member('alpha-viewer').userId;
		// One message keeps viewer_vic present for two minutes of real time: 480 ticks of 250 ms.
		await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: 'hello chat', badges: [] });
		await waitUntil(async () => (await ticketsIn(ALPHA)).some((row) => row.key === `discord:${viewer}` && row.watch === 10), 60_000);
		const minutes = await under.sql<{ minutes: number }>('SELECT minutes FROM raffle_watch_minutes WHERE discord_server_id = $1 AND participant_key = $2', [
			ALPHA,
			`discord:${viewer}`
		]);
		expect(minutes[0]!.minutes).to.be.at.least(60);
		const log = await under.sql<{ source: string; delta: number; watch_hour: number }>(
			"SELECT source, delta, watch_hour FROM raffle_ticket_log WHERE discord_server_id = $1 AND source = 'watchtime' ORDER BY id",
			[ALPHA]
		);
		expect(log[0]).to.deep.equal({ source: 'watchtime', delta: 10, watch_hour: 1 });
		// Beta counts watch time too, but has no raffle: no raffle rows there.
		expect(await under.sql('SELECT 1 FROM raffle_watch_minutes WHERE discord_server_id = $1', [BETA])).to.deep.equal([]);
		const tickets = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'raffle', subcommand: 'tickets' });
		expect(tickets.content).to.match(/Watch time: 10\b/);
	});
});
