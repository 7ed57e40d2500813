import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { BotProcess } from '#test/e2e/BotProcess';
import { community, REDIS_URL } from '#test/e2e/BotUnderTest';
import { authorizationLink, commandRuns, freePort, KickUnderTest } from '#test/e2e/KickUnderTest';
import { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { createTestDatabase, sql, type TestDatabase } from '#test/helpers/postgres';
import { waitUntil } from '#test/helpers/waitUntil';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';

/** The id of the `n`-th server of shard `shard` of 2: (id >> 22) % 2 === shard. */
const onShard = (shard: number, n: number) => String(((1n << 40n) + BigInt(2 * n + shard)) << 22n);

// Alpha and Gamma are on shard 0, Beta and Delta on shard 1; Alpha and Beta are linked to Kick channels.
const ALPHA = onShard(0, 1);
const GAMMA = onShard(0, 2);
const BETA = onShard(1, 1);
const DELTA = onShard(1, 2);
const NAMES: Readonly<Record<string, string>> = { [ALPHA]: 'Alpha', [GAMMA]: 'Gamma', [BETA]: 'Beta', [DELTA]: 'Delta' };
const RAFFLE_ANNOUNCED = /^🎉 Raffle of period #(\d+)/;

describe('sharding: 2 shards in 2 bot processes on one database and Redis, end to end', function () {
	this.timeout(150_000);

	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;
	let database: TestDatabase;
	const redisKeyPrefix = `e2e-shards-${randomBytes(4).toString('hex')}`;
	/** The process of each shard; a killed one is replaced. */
	const bots: BotProcess[] = [];
	const environments: Record<string, string>[] = [];
	const webhookOf: string[] = [];

	const query = <Row extends Record<string, unknown>>(text: string, parameters: unknown[] = []) => sql<Row>(database.url, text, parameters);
	const moderatorOf = (guild: string) => `${guild.toLowerCase()}-moderator`;
	const slash = (guild: string, name: string, subcommand?: string, options: Record<string, string | number | boolean> = {}) =>
		discord.runSlashCommand({ guild, member: moderatorOf(guild), name, ...(subcommand === undefined ? {} : { subcommand }), options });
	const setSetting = async (guild: string, key: string, value: string) =>
		expect((await slash(guild, 'settings', 'set', { key, value })).content).to.match(/is now/);
	/** Starts the process of one shard and resolves once it has registered its commands and listens. */
	const startBot = async (shard: number) => {
		const bot = BotProcess.start(environments[shard]!);
		bots[shard] = bot;
		await bot.waitForLine(/ApplicationCommandRegistries: Took .*ms to initialize/, { timeoutMs: 60_000 });
		await bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		return bot;
	};
	/** Kick delivers the next webhooks to the process of this shard (as a load balancer might). */
	const webhooksTo = (shard: number) => kick.setWebhookUrl(webhookOf[shard]!);
	/** The lines of both processes (the replaced one's too) that match, after the given marks. */
	const linesOf = (shard: number, pattern: RegExp, from = 0) =>
		bots[shard]!.text(from)
			.split('\n')
			.filter((line) => pattern.test(line));
	const tickLines = (shard: number, from: number) =>
		linesOf(shard, /Watch time: server \d+, tick \S+:/, from).map((line) => /server (\d+), tick (\S+):/.exec(line)!.slice(1));
	/** The role changes the bot asked Discord for since `from`. */
	const roleCalls = (from: number) =>
		discord.restLog.filter((call) => /\/members\/\d+\/roles\//.test(call.path), from).map((call) => `${call.method} ${call.path}`);
	const liveAndChatting = async (streamer: string, viewer: string) => {
		const live = kick.livestreamStatusPayload({ broadcaster: streamer, isLive: true, title: 'Slots' });
		expect((await kick.deliverEvent({ type: 'livestream.status.updated', broadcaster: streamer, payload: live })).status).to.equal(200);
		expect((await kick.chatAs({ broadcaster: streamer, sender: viewer, content: 'hello chat' })).status).to.equal(200);
	};

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, { username: 'viewer_vic' }, { username: 'viewer_val' }]
		});
		kick = setup.kick;
		const roles = { roles: [{ name: 'Linked' }, { name: 'Sub' }] };
		discord = await DiscordStandIn.start({
			shards: 2,
			seed: {
				guilds: [
					community(ALPHA, 'Alpha', 'alpha'),
					community(GAMMA, 'Gamma', 'gamma'),
					community(BETA, 'Beta', 'beta', roles),
					community(DELTA, 'Delta', 'delta')
				]
			}
		});
		database = await createTestDatabase('e2e_shards');
		// Both processes answer at their own port; Kick's OAuth redirects reach shard 0's (the PUBLIC_URL), webhooks whichever the test says.
		const ports = [Number(setup.environment.HTTP_PORT), await freePort()];
		const common = {
			...setup.environment,
			DISCORD_TOKEN: discord.token,
			DISCORD_API_URL: discord.apiUrl,
			DATABASE_URL: database.url,
			REDIS_URL,
			REDIS_KEY_PREFIX: redisKeyPrefix,
			LOG_LEVEL: 'debug',
			DASHBOARD_SECRET: 'e2e-dashboard-secret-sharding-0123456789',
			SHARD_COUNT: '2',
			SCHEDULED_TASK_INTERVALS: 'watchtimeTick=1000,timedMessagesTick=500,syncRoles=1000,raffleSchedule=1000'
		};
		for (const shard of [0, 1]) {
			environments[shard] = { ...common, SHARD_IDS: String(shard), HTTP_PORT: String(ports[shard]) };
			webhookOf[shard] = `http://127.0.0.1:${ports[shard]}/kick/webhook`;
		}
		await Promise.all([startBot(0), startBot(1)]);
		for (const [guild, streamer] of [
			['Alpha', 'AlphaStreamer'],
			['Beta', 'BetaStreamer']
		] as const) {
			const answer = await slash(guild, 'kick', 'connect', { channel: streamer.toLowerCase() });
			const page = await fetch(await kick.consent(authorizationLink(answer), streamer));
			expect(page.status, await page.text()).to.equal(200);
		}
	});

	after(async () => {
		await Promise.all(bots.map((bot) => bot.stop()));
		await discord?.stop();
		await setup?.stop();
		await database?.drop();
		const redis = new Redis(REDIS_URL);
		const keys = [...(await redis.keys(`bull:${redisKeyPrefix}-*`)), ...(await redis.keys(`${redisKeyPrefix}:*`))];
		if (keys.length > 0) await redis.del(...keys);
		redis.disconnect();
	});

	it('serves each server from its shard’s process: one session per shard, and each slash command answered once', async () => {
		expect(bots[0]!.text()).to.match(/Ready as .* in 2 server\(s\) \(shard 0 of 2\)/);
		expect(bots[1]!.text()).to.match(/Ready as .* in 2 server\(s\) \(shard 1 of 2\)/);
		expect(
			discord
				.sessions()
				.map((session) => session.shard)
				.sort()
		).to.deep.equal([
			[0, 2],
			[1, 2]
		]);
		for (const guild of ['Alpha', 'Beta', 'Gamma', 'Delta']) {
			const from = discord.restLog.mark();
			const answer = await slash(guild, 'server');
			expect(answer.embeds[0]?.title, guild).to.equal(guild);
			expect(
				discord.restLog.filter((call) => call.path.startsWith('/interactions/'), from),
				`one answer in ${guild}`
			).to.have.length(1);
		}
		expect(await query('SELECT discord_server_id::text AS id FROM servers WHERE left_at IS NULL ORDER BY 1')).to.deep.equal(
			[ALPHA, BETA, GAMMA, DELTA].sort().map((id) => ({ id }))
		);
		// Each process counts every server for /about, not only its shard's.
		expect((await slash('Gamma', 'about')).embeds[0]?.fields?.find((field) => field.name === 'Servers')?.value).to.equal('4');
	});

	it('handles a Kick chat event once whichever process the webhook reaches, and answers the chat command once', async () => {
		// Alpha's channel, delivered to the process of shard 1, which does not hold Alpha.
		webhooksTo(1);
		const from = kick.chat.mark();
		const asked = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: '!uptime' });
		expect(asked.status).to.equal(200);
		const answer = await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id, { from });
		expect(answer.channel).to.equal('AlphaStreamer');
		// Kick delivers it again, to the other process: a duplicate.
		webhooksTo(0);
		const again = await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'AlphaStreamer', payload: asked.payload, messageId: asked.messageId });
		expect(again.status).to.equal(200);
		await waitUntil(
			async () =>
				(await query('SELECT 1 FROM kick_event_receipts WHERE handled_at IS NOT NULL AND event_key = $1', [`chat:${asked.payload.message_id}`]))
					.length === 1
		);
		expect([...commandRuns(bots[0]!, asked.payload.message_id), ...commandRuns(bots[1]!, asked.payload.message_id)]).to.have.length(1);
		expect(commandRuns(bots[1]!, asked.payload.message_id)).to.have.length(1);
		expect(
			kick.chat
				.list()
				.slice(from)
				.filter((message) => message.replyToMessageId === asked.payload.message_id)
		).to.have.length(1);
	});

	it('counts each server’s watch-time ticks once, in its shard’s process', async () => {
		const marks = [bots[0]!.mark(), bots[1]!.mark()];
		webhooksTo(0);
		await liveAndChatting('AlphaStreamer', 'viewer_vic');
		await liveAndChatting('BetaStreamer', 'viewer_val');
		await waitUntil(async () => (await query('SELECT 1 FROM watchtime WHERE minutes >= 2')).length === 2, 20_000);
		expect(await query('SELECT discord_server_id::text AS server, username FROM watchtime ORDER BY 1')).to.deep.equal(
			[
				{ server: ALPHA, username: 'viewer_vic' },
				{ server: BETA, username: 'viewer_val' }
			].sort((a, b) => a.server.localeCompare(b.server))
		);
		const [here, there] = [tickLines(0, marks[0]!), tickLines(1, marks[1]!)];
		// The tick runs for servers linked to a Kick channel only (Gamma and Delta are not): each in its shard's process.
		expect(new Set(here.map(([server]) => NAMES[server!])), 'shard 0’s process ticks').to.deep.equal(new Set(['Alpha']));
		expect(new Set(there.map(([server]) => NAMES[server!])), 'shard 1’s process ticks').to.deep.equal(new Set(['Beta']));
		const ticks = [...here, ...there].map(([server, tick]) => `${server} ${tick}`);
		expect(new Set(ticks).size, 'no server’s tick twice').to.equal(ticks.length);
	});

	it('draws a raffle at its period’s end once, announced once in Discord and in Kick chat', async () => {
		await setSetting('Alpha', 'raffle_announcement_channel_id', discord.guild('Alpha').channel('general').id);
		await setSetting('Alpha', 'raffle_auto_draw', 'true');
		const opened = await slash('Alpha', 'raffle', 'start', { end: new Date(Date.now() + 6_000).toISOString(), linked_only: false });
		expect(opened.content).to.match(/^Opened raffle period #\d+/);
		for (const who of ['viewer_vic', 'viewer_val']) await slash('Alpha', 'raffle', 'give', { who, source: 'bonus', amount: '10', reason: 'test' });
		const inDiscord = () => discord.messagesIn('Alpha', 'general').filter((message) => RAFFLE_ANNOUNCED.test(message.content));
		await waitUntil(() => inDiscord().length === 1, 20_000);
		await kick.chat.waitFor((message) => RAFFLE_ANNOUNCED.test(message.content));
		// The schedule runs every second in both processes: three more runs for Alpha announce nothing more.
		for (let run = 0, mark = bots[0]!.mark(); run < 3; run++, mark = bots[0]!.mark())
			await bots[0]!.waitForLine(new RegExp(`Raffles: server ${ALPHA}: schedule ran`), { from: mark, timeoutMs: 15_000 });
		expect(inDiscord()).to.have.length(1);
		expect(kick.chat.list('AlphaStreamer').filter((message) => RAFFLE_ANNOUNCED.test(message.content))).to.have.length(1);
		expect(await query('SELECT count(*)::int AS n FROM raffle_draw_records WHERE discord_server_id = $1', [ALPHA])).to.deep.equal([{ n: 1 }]);
	});

	it('gives a linked member’s role once, by the roles sync of the server’s shard’s process', async () => {
		const beta = discord.guild('Beta');
		const viewer = beta.member('beta-viewer').userId;
		await setSetting('Beta', 'kick_linked_role_id', beta.role('Linked').id);
		await setSetting('Beta', 'kick_subscriber_role_id', beta.role('Sub').id);
		const from = discord.restLog.mark();
		const syncsFrom = [bots[0]!.mark(), bots[1]!.mark()];
		await query('INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id, linked_at) VALUES ($1, $2, $3, $4, now())', [
			BETA,
			viewer,
			'viewer_val',
			kick.user('viewer_val').userId
		]);
		await waitUntil(() => beta.member('beta-viewer').roleIds.includes(beta.role('Linked').id), 15_000);
		let mark = bots[1]!.mark();
		for (let run = 0; run < 3; run++, mark = bots[1]!.mark())
			await bots[1]!.waitForLine(new RegExp(`Roles sync for server ${BETA}: 0 given`), { from: mark, timeoutMs: 15_000 });
		expect(roleCalls(from)).to.deep.equal([`PUT /guilds/${BETA}/members/${viewer}/roles/${beta.role('Linked').id}`]);
		const given = (shard: number) => linesOf(shard, new RegExp(`Roles sync for server ${BETA}: [1-9]\\d* given`), syncsFrom[shard]);
		expect([given(0).length, given(1).length], 'given by the sync of shard 1’s process').to.deep.equal([0, 1]);
		expect(
			await query('SELECT discord_id::text AS member, role_id::text AS role, kind FROM role_grants WHERE discord_server_id = $1', [BETA])
		).to.deep.equal([{ member: viewer, role: beta.role('Linked').id, kind: 'linked' }]);
	});

	it('loses nothing when a process is killed: its waiting reply is posted once by the other, which acts for its servers meanwhile', async () => {
		// Beta's chat posts at most one message a minute: the second answer waits in the outbox of the process that took the command.
		await setSetting('Beta', 'kick_chat_min_interval_ms', '60000');
		webhooksTo(1);
		const first = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'viewer_val', content: '!uptime' });
		await kick.chat.waitFor((message) => message.replyToMessageId === first.payload.message_id);
		const waiting = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'viewer_val', content: '!help' });
		const answerRow = () =>
			query('SELECT status, owner FROM outbox_messages WHERE discord_server_id = $1 AND reply_to = $2', [BETA, waiting.payload.message_id]);
		await waitUntil(async () => (await answerRow()).length === 1);
		expect((await answerRow())[0]?.status, 'waiting for the chat’s minute').to.equal('pending');
		const killed = bots[1]!;
		await killed.kill();
		webhooksTo(0);
		const from = bots[0]!.mark();

		// A Kick sub for Beta reaches shard 0's process, which does not hold Beta: the role goes through Discord's REST API, once.
		const beta = discord.guild('Beta');
		const rolesFrom = discord.restLog.mark();
		const sub = kick.subscriptionNewPayload({ broadcaster: 'BetaStreamer', subscriber: 'viewer_val' });
		expect((await kick.deliverEvent({ type: 'channel.subscription.new', broadcaster: 'BetaStreamer', payload: sub })).status).to.equal(200);
		await waitUntil(() => beta.member('beta-viewer').roleIds.includes(beta.role('Sub').id), 15_000);
		expect(roleCalls(rolesFrom)).to.deep.equal([`PUT /guilds/${BETA}/members/${beta.member('beta-viewer').userId}/roles/${beta.role('Sub').id}`]);
		expect(bots[0]!.text(from), 'given by the event, before shard 0’s process took shard 1’s syncs over').to.not.match(/no running process serves shard/);

		// Nobody marks shard 1 served any more: shard 0's process does Beta's ticks; Alpha keeps its answers meanwhile.
		await bots[0]!.waitForLine(/Scheduled task watchtimeTick: no running process serves shard\(s\) 1; this process did their servers\./, {
			from,
			timeoutMs: 45_000
		});
		await bots[0]!.waitForLine(new RegExp(`Watch time: server ${BETA}, tick`), { from });
		expect((await slash('Gamma', 'server')).embeds[0]?.title).to.equal('Gamma');
		// The answer the killed process had accepted: posted once, by the other process once its lease ran out.
		const answer = await kick.chat.waitFor((message) => message.replyToMessageId === waiting.payload.message_id, { timeoutMs: 45_000 });
		expect(answer.channel).to.equal('BetaStreamer');

		const restarted = await startBot(1);
		const back = restarted.mark();
		expect((await slash('Beta', 'server')).embeds[0]?.title).to.equal('Beta');
		await restarted.waitForLine(new RegExp(`Watch time: server ${BETA}, tick`), { from: back });
		await setSetting('Beta', 'kick_chat_min_interval_ms', '250');
		expect(kick.chat.list('BetaStreamer').filter((message) => message.replyToMessageId === waiting.payload.message_id)).to.have.length(1);
		expect((await answerRow())[0]?.status).to.equal('sent');
		expect(roleCalls(rolesFrom), 'the sub role given once, whichever syncs ran since').to.have.length(1);
	});

	it('posts a timer once per interval in its server’s Kick chat and Discord channel', async () => {
		const added = await slash('Beta', 'timer', 'add', { interval: 1, live_only: false, message: 'Beta timer says hi', channel: 'general' });
		expect(added.content).to.match(/^Added timer #\d+/);
		const inKick = () => kick.chat.list('BetaStreamer').filter((message) => message.content === 'Beta timer says hi');
		const inDiscord = () => discord.messagesIn('Beta', 'general').filter((message) => message.content === 'Beta timer says hi');
		await waitUntil(() => inKick().length === 1 && inDiscord().length === 1, 15_000);
		// Five more seconds (the watch-time ticks as a clock), ten runs of the timers’ tick, post nothing more within the minute.
		let mark = bots[1]!.mark();
		for (let run = 0; run < 5; run++, mark = bots[1]!.mark()) await bots[1]!.waitForLine(new RegExp(`Watch time: server ${BETA}, tick`), { from: mark });
		expect([inKick().length, inDiscord().length]).to.deep.equal([1, 1]);
		expect(await query('SELECT times_sent FROM timed_messages WHERE discord_server_id = $1', [BETA])).to.deep.equal([{ times_sent: 1 }]);
	});
});
