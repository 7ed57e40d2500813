import { expect } from 'chai';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { openDatabaseAt, repositoriesOf } from '#test/helpers/databases';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';
import { drawPeriod } from '../lib/drawRaffle.js';
import manifest from '../plugin.js';

const ALPHA = '2000000000000000100';
const BETA = '2000000000000000200';
const ANNOUNCED = /^🎉 Raffle of period #(\d+)/;

describe('raffles: the draw at a period’s end, auto-renew, and a crash between a draw and its announcement, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const announcements = () => discord.messagesIn('Alpha', 'general').filter((message) => ANNOUNCED.test(message.content));
	const chatAnnouncements = () => kick.chat.list().filter((message) => ANNOUNCED.test(message.content));
	const setting = async (key: string, value: string) => {
		const answer = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key, value }
		});
		expect(answer.content).to.include(key);
	};
	/** Waits until the schedule ran `runs` more times for Alpha after now. */
	const schedules = async (runs: number) => {
		let mark = under.bot.mark();
		for (let run = 0; run < runs; run++) {
			await under.bot.waitForLine(new RegExp(`Raffles: server ${ALPHA}: `), { from: mark, timeoutMs: 15_000 });
			mark = under.bot.mark();
		}
	};

	before(async () => {
		setup = await KickUnderTest.start({ eventsVia: 'webhook', users: [{ username: 'AlphaStreamer' }] });
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug', DASHBOARD_SECRET: 'e2e-dashboard-secret-raffle-schedule-0123' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await setup.linkEach(under, [{ guild: 'Alpha', streamer: 'AlphaStreamer' }]);
		await setting('raffle_announcement_channel_id', discord.guild('Alpha').channel('general').id);
		await setting('raffle_auto_draw', 'true');
		await setting('raffle_auto_renew', 'true');
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('draws at the period’s end by the job scheduled when it opened, announces once, and opens the next period with its own seed', async () => {
		// The safety sweep runs every 5 minutes: within this test only the job at the period's end can draw.
		const end = new Date(Date.now() + 4_000).toISOString();
		await under.publishDashboard({ area: 'raffle', action: 'start', guildId: ALPHA, data: { end, linkedOnly: false } });
		for (const [who, id] of [
			['viewer_vic', 'a'],
			['viewer_val', 'b']
		] as const)
			await under.publishDashboard({
				area: 'raffle',
				action: 'adjust',
				guildId: ALPHA,
				data: { who, source: 'bonus', amount: '10', reason: 'test', id }
			});
		const [first] = await under.sql<{ id: number; seed_commitment: string }>(
			'SELECT id, seed_commitment FROM raffle_periods WHERE discord_server_id = $1',
			[ALPHA]
		);

		await waitUntil(() => announcements().length === 1, 20_000);
		await kick.chat.waitFor((message) => ANNOUNCED.test(message.content));
		expect(announcements()[0]!.content).to.match(new RegExp(`^🎉 Raffle of period #${first!.id}: viewer_v(?:ic|al) won!`));
		const periods = await under.sql<{ id: number; status: string; seed_commitment: string }>(
			'SELECT id, status, seed_commitment FROM raffle_periods WHERE discord_server_id = $1 ORDER BY id',
			[ALPHA]
		);
		expect(periods.map((period) => period.status)).to.deep.equal(['drawn', 'active']);
		expect(periods[1]!.seed_commitment).to.match(/^[0-9a-f]{64}$/);
		expect(periods[1]!.seed_commitment).not.to.equal(first!.seed_commitment);
		expect(await under.sql('SELECT count(*)::int AS n FROM raffle_draw_records WHERE discord_server_id = $1', [ALPHA])).to.deep.equal([{ n: 1 }]);
		expect(await under.sql('SELECT 1 FROM raffle_periods WHERE discord_server_id = $1', [BETA])).to.deep.equal([]);
	});

	it('announces a draw stored by a process that crashed before announcing, once, after the restart', async () => {
		await under.bot.stop();
		// Another process drew the active period and died before announcing: the draw and the announcement owed are stored.
		const other = openDatabaseAt(under.database.url, repositoriesOf(manifest));
		const raffles = other.database.forGuild(BigInt(ALPHA)).raffles;
		const period = (await raffles.activePeriod())!;
		await raffles.changeTickets(period.id, { participant: { discordId: null, kickName: 'viewer_vic' }, source: 'bonus', delta: 5, reason: 'test' });
		expect((await drawPeriod(raffles, { periodId: period.id, winnerCount: 1, drawnByDiscordId: null })).status).to.equal('drawn');
		await other.close();

		const before = { discord: announcements().length, kick: chatAnnouncements().length };
		await under.startBot({ SCHEDULED_TASK_INTERVALS: 'raffleSchedule=1000' });
		await waitUntil(() => chatAnnouncements().length === before.kick + 1, 20_000);
		await waitUntil(() => announcements().length === before.discord + 1, 20_000);
		// More runs of the schedule announce nothing more.
		await schedules(3);
		expect(
			announcements()
				.map((message) => ANNOUNCED.exec(message.content)![1])
				.sort()
		).to.deep.equal([String(period.id - 1), String(period.id)]);
		expect(chatAnnouncements()).to.have.length(before.kick + 1);
		expect(
			await under.sql('SELECT count(*)::int AS n FROM raffle_announcements WHERE discord_server_id = $1 AND delivered_at IS NULL', [ALPHA])
		).to.deep.equal([{ n: 0 }]);
	});
});
