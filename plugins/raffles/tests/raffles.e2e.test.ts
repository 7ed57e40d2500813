import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1980000000000000100';
const BETA = '1980000000000000200';
const SCRIPT = join(process.cwd(), 'docs', 'verify-raffle-draw.mjs');

/** Runs the standalone verification script on a file, as anyone would. */
function runScript(file: string): Promise<{ code: number; output: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, [SCRIPT, file], { cwd: tmpdir() }, (error, stdout, stderr) => {
			resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, output: `${stdout}${stderr}` });
		});
	});
}

describe('raffles: /raffle, !tickets and !raffle, draws announced once, verified by the standalone script, per server, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const raffle = (guild: string, member: string, subcommand: string, options: Record<string, string | number | boolean> = {}) =>
		discord.runSlashCommand({ guild, member, name: 'raffle', subcommand, options });
	const chatAndAnswer = async (broadcaster: string, sender: string, content: string) => {
		const asked = await kick.chatAs({ broadcaster, sender, content, badges: [] });
		return (await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id)).content;
	};

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, { username: 'viewer_vic' }, { username: 'viewer_val' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{
				...setup.environment,
				LOG_LEVEL: 'debug',
				DASHBOARD_SECRET: 'e2e-dashboard-secret-raffles-0123456789',
				SCHEDULED_TASK_INTERVALS: 'raffleSchedule=1000'
			}
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
		const general = discord.guild('Alpha').channel('general').id;
		for (const key of ['raffle_announcement_channel_id', 'raffle_leaderboard_channel_id']) {
			const set = await discord.runSlashCommand({
				guild: 'Alpha',
				member: 'alpha-moderator',
				name: 'settings',
				subcommand: 'set',
				options: { key, value: general }
			});
			expect(set.content).to.match(new RegExp(key));
		}
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('opens a period with its seed committed for moderators only, in that server only', async () => {
		const refused = await raffle('Alpha', 'alpha-viewer', 'start');
		expect(refused.ephemeral).to.equal(true);
		expect(refused.content).to.match(/^Only moderators of this server can open raffle periods/);

		const opened = await raffle('Alpha', 'alpha-moderator', 'start', { linked_only: false });
		expect(opened.content).to.match(/^Opened raffle period #\d+\. The seed is committed/);
		const commitment = /Seed commitment \(sha256\): `([0-9a-f]{64})`/.exec(opened.embeds[0]?.description ?? '')?.[1];
		expect(commitment).to.be.a('string');
		const stored = await under.sql<{ seed_commitment: string; server_seed: string }>(
			'SELECT seed_commitment, server_seed FROM raffle_periods WHERE discord_server_id = $1',
			[ALPHA]
		);
		expect(stored[0]!.seed_commitment).to.equal(commitment);
		// The seed itself is shown nowhere before the draw.
		expect(JSON.stringify(opened)).not.to.include(stored[0]!.server_seed);

		expect((await raffle('Alpha', 'alpha-moderator', 'start')).content).to.match(/already has an active raffle period/);
		expect((await raffle('Beta', 'beta-viewer', 'status')).content).to.match(/no raffle period yet/);
	});

	it('gives bonus tickets and wagers with a reason, shows tickets in Discord and Kick chat, and pages the leaderboard', async () => {
		const refused = await raffle('Alpha', 'alpha-viewer', 'give', { who: 'viewer_vic', source: 'bonus', amount: '5', reason: 'me' });
		expect(refused.content).to.match(/^Only moderators/);
		const bonus = await raffle('Alpha', 'alpha-moderator', 'give', { who: 'viewer_vic', source: 'bonus', amount: '50', reason: 'Won the quiz' });
		expect(bonus.content).to.equal('Gave 50 bonus ticket(s) to viewer_vic (50 in all). Reason: Won the quiz');
		const wager = await raffle('Alpha', 'alpha-moderator', 'give', { who: 'viewer_val', source: 'wager', amount: '$1,234.56', reason: 'Shuffle wagers' });
		expect(wager.content).to.match(/^Entered a wager of \$1,234\.56 for viewer_val: \+24 ticket\(s\) \(24 in all\)/);
		const bad = await raffle('Alpha', 'alpha-moderator', 'give', { who: 'viewer_val', source: 'bonus', amount: 'lots', reason: 'x' });
		expect(bad.content).to.match(/Nothing was changed\.$/);
		for (let index = 1; index <= 11; index++)
			await raffle('Alpha', 'alpha-moderator', 'give', { who: `extra_${index}`, source: 'bonus', amount: String(index), reason: 'filler' });

		const tickets = await raffle('Alpha', 'alpha-viewer', 'tickets', { member: 'viewer_val' });
		expect(tickets.content).to.match(/Wagers: 24 \(wagered \$1234\.56/);
		expect(await chatAndAnswer('alphastreamer', 'viewer_vic', '!tickets')).to.match(
			/^@viewer_vic, you have 50 ticket\(s\) \(\d+\.\d% chance\) in raffle #\d+\.$/
		);
		expect(await chatAndAnswer('alphastreamer', 'viewer_vic', '!raffle')).to.match(
			/^Raffle #\d+: 140 tickets, ends .* UTC\. @viewer_vic, you have 50 ticket/
		);
		// Beta's chat knows nothing of Alpha's raffle.
		expect(await chatAndAnswer('betastreamer', 'viewer_vic', '!raffle')).to.equal('No raffle is running here yet.');

		const board = await raffle('Alpha', 'alpha-viewer', 'leaderboard');
		expect(board.embeds[0]?.description?.split('\n')[0]).to.match(/^1\. viewer_vic: 50 /);
		const next = await discord.clickButton({ guild: 'Alpha', member: 'alpha-viewer', message: board.message!, customId: 'raffle:leaderboard:2' });
		expect(next.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(next.message?.embeds[0]?.footer?.text).to.match(/^Page 2 of 2/);
		// The leaderboard message the bot keeps in its channel.
		await waitUntil(() =>
			discord.messagesIn('Alpha', 'general').some((message) => message.content.includes('Raffle leaderboard') && message.content.includes('viewer_vic'))
		);
	});

	it('draws once, announces in Discord and Kick chat, verifies, exports a file the standalone script accepts, and rerolls in place', async () => {
		expect((await raffle('Alpha', 'alpha-viewer', 'draw')).content).to.match(/^Only moderators/);
		const drawn = await raffle('Alpha', 'alpha-moderator', 'draw', { winners: 1 });
		expect(drawn.content).to.match(/^Draw of period #\d+: #1 .+ \(ticket [\d,]+ of 140\)\. Seed revealed: `[0-9a-f]{64}`\.$/);
		expect((await raffle('Alpha', 'alpha-moderator', 'draw')).content).to.match(/^Already drawn\./);
		await waitUntil(() => discord.messagesIn('Alpha', 'general').some((message) => message.content.startsWith('🎉 Raffle of period')));
		await kick.chat.waitFor((message) => message.content.startsWith('🎉 Raffle of period'));
		expect(await under.sql('SELECT count(*)::int AS n FROM raffle_draw_records WHERE discord_server_id = $1', [ALPHA])).to.deep.equal([{ n: 1 }]);

		const verified = await raffle('Alpha', 'alpha-viewer', 'verify');
		expect(verified.content).to.match(/^✅ Draw 1 of period #\d+ matches/);

		const exported = await raffle('Alpha', 'alpha-viewer', 'export');
		const attachment = exported.message?.attachments[0];
		expect(attachment?.filename).to.match(/^raffle-1980000000000000100-period-\d+-draw-1\.txt$/);
		const file = join(await mkdtemp(join(tmpdir(), 'raffle-export-')), attachment!.filename);
		await writeFile(file, discord.state.attachmentData.get(attachment!.id)!);
		const script = await runScript(file);
		expect(script.output).to.include('VERIFIED');
		expect(script.code).to.equal(0);

		const announcement = discord.messagesIn('Alpha', 'general').find((message) => message.content.startsWith('🎉 Raffle of period'))!;
		const rerolled = await raffle('Alpha', 'alpha-moderator', 'reroll');
		expect(rerolled.content).to.match(/^Reroll \(draw 2\) of winner #1: #1 /);
		await waitUntil(
			() =>
				discord
					.messagesIn('Alpha', 'general')
					.find((message) => message.id === announcement.id)
					?.content.includes('(rerolled)') === true
		);
		expect(discord.messagesIn('Alpha', 'general').filter((message) => message.content.startsWith('🎉 Raffle of period'))).to.have.length(1);
		expect((await raffle('Alpha', 'alpha-viewer', 'verify')).content.split('\n').every((line) => line.startsWith('✅'))).to.equal(true);
		// Beta has no draw to verify, and its dashboard acts on Beta only.
		expect((await raffle('Beta', 'beta-viewer', 'verify')).content).to.equal('No raffle has been drawn in this server yet.');
		await under.publishDashboard({ area: 'raffle', action: 'start', guildId: BETA, data: {} });
		await waitUntil(async () => (await under.sql('SELECT 1 FROM raffle_periods WHERE discord_server_id = $1', [BETA])).length === 1);
		const adjust = {
			area: 'raffle',
			action: 'adjust',
			guildId: BETA,
			data: { who: 'viewer_vic', source: 'bonus', amount: '7', reason: 'dashboard', id: 'req-1' }
		};
		await under.publishDashboard(adjust);
		// The same request signed anew (a retry of the dashboard): the ticket log counts its id once.
		await under.publishDashboard({ ...adjust, timestamp: Math.floor(Date.now() / 1000) - 20 });
		expect(await under.sql('SELECT count(*)::int AS n FROM raffle_ticket_log WHERE discord_server_id = $1', [BETA])).to.deep.equal([{ n: 1 }]);
		expect(
			await under.sql<{ server: string; total: number }>(
				'SELECT discord_server_id::text AS server, total_tickets AS total FROM raffle_tickets WHERE kick_name = $1 ORDER BY 1',
				['viewer_vic']
			)
		).to.deep.equal([
			{ server: ALPHA, total: 50 },
			{ server: BETA, total: 7 }
		]);
	});
});
