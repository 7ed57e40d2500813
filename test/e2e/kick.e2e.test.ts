import { expect } from 'chai';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { commandRuns, KickUnderTest } from '#test/e2e/KickUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1900000000000000100';
const BETA = '1900000000000000200';
const GAMMA = '1900000000000000300';
const MODERATOR_BADGE = [{ type: 'moderator', text: 'Moderator' }];

describe('The Kick connection over signed webhooks, end to end', function () {
	this.timeout(90_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const ranLines = (messageId: string) => commandRuns(under.bot, messageId);
	const kickStatus = async (guild: string) => {
		const answer = await discord.runSlashCommand({ guild, member: `${guild.toLowerCase()}-moderator`, name: 'kick', subcommand: 'status' });
		return {
			ephemeral: answer.ephemeral,
			fields: Object.fromEntries((answer.embeds[0]?.fields ?? []).map((field) => [field.name, field.value])),
			content: answer.content
		};
	};

	before(async () => {
		// Alpha and Gamma follow AlphaStreamer's channel, Beta follows BetaStreamer's.
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, { username: 'viewer_vic' }, { username: 'mod_mia' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta'), community(GAMMA, 'Gamma', 'gamma')] },
			{ ...setup.environment, LOG_LEVEL: 'debug' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await under.bot.waitForLine(/Kick: 0 server\(s\) linked to 0 channel\(s\); events via signed webhooks/);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('tells a moderator what is missing, and refuses members who are not moderators', async () => {
		const viewer = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-viewer',
			name: 'kick',
			subcommand: 'connect',
			options: { channel: 'alphastreamer' }
		});
		expect(viewer.ephemeral).to.equal(true);
		expect(viewer.content).to.match(/^Only moderators of this server can do this/);

		const bad = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'kick',
			subcommand: 'connect',
			options: { channel: 'not a channel!' }
		});
		expect(bad.content).to.equal('`channel` accepts a Kick channel name (letters, digits, _ and -), as in kick.com/<name>. Nothing was changed.');
		expect((await kickStatus('Alpha')).content).to.equal(
			'This server is not linked to a Kick channel. A moderator links it with `/kick connect <channel>`.'
		);
	});

	it('links a server through Kick’s authorisation: the link is the moderator’s alone, tokens are stored encrypted for that server only', async () => {
		const linked = await setup.connect(under, { guild: 'Alpha', member: 'alpha-moderator', channel: 'alphastreamer', streamer: 'AlphaStreamer' });
		expect(linked.answer.ephemeral).to.equal(true);
		expect(linked.answer.content).to.match(/^Open this link signed in to Kick as the owner of \*\*kick\.com\/alphastreamer\*\*/);
		const url = new URL(linked.url);
		expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
		expect(url.searchParams.get('scope')?.split(' ').sort()).to.deep.equal(['channel:read', 'chat:write', 'events:subscribe', 'user:read']);
		expect(linked.status).to.equal(200);
		expect(linked.html).to.include('The Discord server is now linked to kick.com/alphastreamer.');

		const alphaStreamer = kick.user('AlphaStreamer');
		const tokens = await under.sql<{ discord_server_id: string; user_id: string; access_token: string; refresh_token: string }>(
			'SELECT discord_server_id::text, user_id::text, access_token, refresh_token FROM kick_oauth_tokens'
		);
		expect(tokens.map((row) => [row.discord_server_id, row.user_id])).to.deep.equal([[ALPHA, String(alphaStreamer.userId)]]);
		const [issued] = kick.activeTokensOf('AlphaStreamer');
		expect(tokens[0]!.access_token)
			.to.match(/^enc:v1:/)
			.and.not.include(issued!);
		expect(tokens[0]!.refresh_token).to.match(/^enc:v1:/);
		const settings = await under.sql<{ discord_server_id: string; key: string; value: string }>(
			`SELECT discord_server_id::text, key, value FROM bot_settings WHERE key LIKE 'kick_%' ORDER BY discord_server_id, key`
		);
		expect(settings.map((row) => `${row.discord_server_id} ${row.key}=${row.value}`)).to.deep.equal([
			`${ALPHA} kick_broadcaster_user_id=${alphaStreamer.userId}`,
			`${ALPHA} kick_channel=alphastreamer`
		]);
		expect(
			kick
				.subscriptionsOf('AlphaStreamer')
				.map((subscription) => subscription.event)
				.sort()
		).to.have.length(8);
		const status = await kickStatus('Alpha');
		expect(status.fields.Channel).to.equal('[kick.com/alphastreamer](https://kick.com/alphastreamer)');
		expect(status.fields.Events).to.match(/^via signed webhooks; subscriptions: subscribed/);
	});

	it('refuses a reused authorisation and a sign-in by someone who does not own the channel, changing nothing', async () => {
		const viaOwner = await setup.connect(under, { guild: 'Beta', member: 'beta-moderator', channel: 'betastreamer', streamer: 'viewer_vic' });
		expect(viaOwner.status).to.equal(403);
		expect(viaOwner.html).to.include('You signed in to Kick as viewer_vic, who does not own kick.com/betastreamer.');
		expect(await under.sql(`SELECT 1 FROM kick_connections WHERE discord_server_id = $1`, [BETA])).to.have.length(0);

		const linked = await setup.connect(under, { guild: 'Beta', member: 'beta-moderator', channel: 'betastreamer', streamer: 'BetaStreamer' });
		expect(linked.status).to.equal(200);
		const again = await fetch(linked.redirect);
		expect(again.status).to.equal(410);
		expect(await again.text()).to.include('This authorisation link was already used or is not ours.');
		const tokenRows = await under.sql<{ discord_server_id: string }>('SELECT discord_server_id::text FROM kick_oauth_tokens ORDER BY 1');
		expect(tokenRows.map((row) => row.discord_server_id)).to.deep.equal([ALPHA, BETA]);
	});

	it('subscribes once per channel, also when a second server links the same channel', async () => {
		const linked = await setup.connect(under, { guild: 'Gamma', member: 'gamma-moderator', channel: 'alphastreamer', streamer: 'AlphaStreamer' });
		expect(linked.status).to.equal(200);
		expect(kick.subscriptionsOf('AlphaStreamer')).to.have.length(8);
		expect(kick.subscriptionsOf('BetaStreamer')).to.have.length(8);
	});

	it('hands chat in a channel to the servers linked to it and to no other; a chat command answers in that channel’s chat', async () => {
		// Gamma shares Alpha's channel with a prefix of its own, so each server's answer can be told apart.
		const gammaPrefix = (value: string) =>
			discord.runSlashCommand({ guild: 'Gamma', member: 'gamma-moderator', name: 'settings', subcommand: 'set', options: { key: 'prefix', value } });
		expect((await gammaPrefix('?')).content).to.match(/is now/);
		// `!commands uptime` (!help's alias, about one command) answers the same whatever other plugins there are.
		const inAlpha = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: '!commands uptime' });
		const inGamma = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: '?commands uptime' });
		const inBeta = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'viewer_vic', content: '!commands uptime' });
		for (const delivery of [inAlpha, inGamma, inBeta]) expect(delivery.status).to.equal(200);

		const alphaAnswer = await kick.chat.waitFor((message) => message.replyToMessageId === inAlpha.payload.message_id);
		const gammaAnswer = await kick.chat.waitFor((message) => message.replyToMessageId === inGamma.payload.message_id);
		const betaAnswer = await kick.chat.waitFor((message) => message.replyToMessageId === inBeta.payload.message_id);
		expect([alphaAnswer.channel, alphaAnswer.content]).to.deep.equal(['AlphaStreamer', '!uptime: Says how long the stream has been live.']);
		expect([gammaAnswer.channel, gammaAnswer.content]).to.deep.equal(['AlphaStreamer', '?uptime: Says how long the stream has been live.']);
		expect([betaAnswer.channel, betaAnswer.content]).to.deep.equal(['BetaStreamer', '!uptime: Says how long the stream has been live.']);
		// The bot logs a command after its answer is recorded.
		await waitUntil(() => [inAlpha, inGamma, inBeta].every((delivery) => ranLines(delivery.payload.message_id).length === 1));
		const serverOf = (messageId: string) => ranLines(messageId).map((line) => /server (\d+)/.exec(line)![1]);
		expect([serverOf(inAlpha.payload.message_id), serverOf(inGamma.payload.message_id), serverOf(inBeta.payload.message_id)]).to.deep.equal([
			[ALPHA],
			[GAMMA],
			[BETA]
		]);
		expect((await gammaPrefix('!')).content).to.match(/is now/);
	});

	it('tracks live status per channel and answers !uptime from it, once in a shared chat', async () => {
		const payload = {
			...kick.livestreamStatusPayload({ broadcaster: 'AlphaStreamer', isLive: true, title: 'Bonus hunt' }),
			started_at: new Date(Date.now() - (2 * 60 + 5) * 60_000).toISOString()
		};
		expect((await kick.deliverEvent({ type: 'livestream.status.updated', broadcaster: 'AlphaStreamer', payload })).status).to.equal(200);
		await waitUntil(
			async () => (await under.sql(`SELECT 1 FROM kick_connections WHERE is_live AND discord_server_id IN ($1, $2)`, [ALPHA, GAMMA])).length === 2
		);
		const { is_live: betaLive } = (
			await under.sql<{ is_live: boolean | null }>(`SELECT is_live FROM kick_connections WHERE discord_server_id = $1`, [BETA])
		)[0]!;
		expect(betaLive, 'Beta follows another channel').to.equal(null);

		const from = kick.chat.mark();
		const asked = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const answer = await kick.chat.waitFor((message) => message.channel === 'AlphaStreamer', { from });
		expect(answer.content).to.equal('alphastreamer has been live for 2h 5m.');
		await waitUntil(() => ranLines(asked.payload.message_id).length === 2);
		const marker = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		await kick.chat.waitFor((message) => message.replyToMessageId === marker.payload.message_id, { from });
		expect(
			kick.chat.list('AlphaStreamer').filter((message) => message.replyToMessageId === asked.payload.message_id),
			'Alpha and Gamma gave the same answer: posted once'
		).to.have.length(1);
		expect((await kickStatus('Gamma')).fields.Stream).to.match(/^live since <t:\d+:R> — Bonus hunt$/);
	});

	it('refuses forged, tampered and stale webhooks with 401, and acts on none of them', async () => {
		const from = kick.chat.mark();
		const payload = kick.chatMessagePayload({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		for (const tamper of ['body', 'timestamp', 'signature', 'key'] as const) {
			const delivery = await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'BetaStreamer', payload, tamper });
			expect(delivery.status, `tampered ${tamper}`).to.equal(401);
		}
		const stale = await kick.deliverEvent({
			type: 'chat.message.sent',
			broadcaster: 'BetaStreamer',
			payload,
			timestamp: new Date(Date.now() - 3600_000).toISOString()
		});
		expect(stale.status).to.equal(401);
		expect(JSON.parse(stale.body).error).to.match(/^stale/);
		const unsigned = await fetch(`${setup.publicUrl}/kick/webhook`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(payload)
		});
		expect(unsigned.status).to.equal(400);

		const marker = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		await kick.chat.waitFor((message) => message.replyToMessageId === marker.payload.message_id, { from });
		expect(kick.chat.list('BetaStreamer').filter((message) => message.replyToMessageId === payload.message_id)).to.have.length(0);
		expect(ranLines(payload.message_id)).to.have.length(0);
		expect(await under.sql(`SELECT 1 FROM kick_event_receipts WHERE event_key = $1`, [`chat:${payload.message_id}`])).to.have.length(0);
	});

	it('processes a redelivered event once, also when two deliveries of it race', async () => {
		const payload = kick.chatMessagePayload({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const first = await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'BetaStreamer', payload });
		const again = await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'BetaStreamer', payload, messageId: first.messageId });
		expect([JSON.parse(first.body).status, JSON.parse(again.body).status]).to.deep.equal(['accepted', 'duplicate']);

		const raced = kick.chatMessagePayload({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const messageId = '01JRACEDRACEDRACEDRACED000';
		const both = await Promise.all(
			[1, 2].map(() => kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'BetaStreamer', payload: raced, messageId }))
		);
		expect(both.map((delivery) => JSON.parse(delivery.body).status).sort()).to.deep.equal(['accepted', 'duplicate']);
		// Kick may also send the same chat message under a new delivery id: still one answer.
		const resent = await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'BetaStreamer', payload: raced });
		expect(resent.status).to.equal(200);

		await kick.chat.waitFor((message) => message.replyToMessageId === raced.message_id);
		const marker = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		await kick.chat.waitFor((message) => message.replyToMessageId === marker.payload.message_id);
		await waitUntil(() => ranLines(marker.payload.message_id).length === 1);
		expect(ranLines(payload.message_id)).to.have.length(1);
		expect(ranLines(raced.message_id)).to.have.length(1);
		expect(
			kick.chat.list('BetaStreamer').filter((message) => [payload.message_id, raced.message_id].includes(message.replyToMessageId ?? ''))
		).to.have.length(2);
	});

	it('never answers its own messages', async () => {
		const asked = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const answer = await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id);
		// Kick echoes the bot's message back; here it is made to look like a command.
		const echo = {
			...kick.chatMessagePayload({ broadcaster: 'BetaStreamer', sender: 'BetaStreamer', content: '!uptime', badges: MODERATOR_BADGE }),
			message_id: answer.messageId
		};
		expect((await kick.deliverEvent({ type: 'chat.message.sent', broadcaster: 'BetaStreamer', payload: echo })).status).to.equal(200);
		const marker = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		await kick.chat.waitFor((message) => message.replyToMessageId === marker.payload.message_id);
		await waitUntil(() => ranLines(marker.payload.message_id).length === 1);
		expect(ranLines(answer.messageId)).to.have.length(0);
	});

	it('records bot messages Kick did not take after every retry, and /kick status shows them', async () => {
		kick.failChatNext({ count: 3, status: 500 });
		const asked = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const failedOf = (guildId: string) =>
			under.sql<{ content: string; attempts: number; error: string; reply_to: string }>(
				`SELECT content, attempts, error, reply_to FROM outbox_messages WHERE discord_server_id = $1 AND status = 'failed'`,
				[guildId]
			);
		await waitUntil(async () => (await failedOf(BETA)).length === 1, 20_000);
		const [failure] = await failedOf(BETA);
		expect(failure).to.deep.include({
			content: 'betastreamer has not gone live since the bot was linked.',
			attempts: 3,
			reply_to: asked.payload.message_id
		});
		expect(failure!.error).to.match(/500/);
		expect(kick.chat.list('BetaStreamer').filter((message) => message.replyToMessageId === asked.payload.message_id)).to.have.length(0);
		expect((await kickStatus('Beta')).fields['Bot messages in chat']).to.match(
			/^\d+ posted in the last 24 h; \*\*not posted: 1 refused by Kick\*\*; latest <t:\d+:R>: .*500/
		);
		expect((await kickStatus('Alpha')).fields['Bot messages in chat']).to.match(/^\d+ posted in the last 24 h, none lost$/);
	});

	it('refreshes a token Kick stops accepting; a refused refresh marks that server and tells its moderators', async () => {
		kick.expireAccessTokensOf('BetaStreamer');
		const asked = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id);

		const general = discord.state.guilds.get(BETA)!.channel('general');
		const set = await discord.runSlashCommand({
			guild: 'Beta',
			member: 'beta-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'kick_alerts_channel_id', value: general.id }
		});
		expect(set.content).to.match(/is now/);
		kick.refuseRefreshFor('BetaStreamer');
		kick.expireAccessTokensOf('BetaStreamer');
		const lastMessage = discord.messagesIn('Beta', 'general')[0]?.id;
		await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const alert = await discord.waitForBotMessage({
			channelId: general.id,
			...(lastMessage === undefined ? {} : { after: lastMessage }),
			timeoutMs: 20_000
		});
		expect(alert.content).to.match(/^The Kick connection of this server stopped working: Kick refused to refresh the tokens/);
		expect((await kickStatus('Beta')).fields.Authorisation).to.match(
			/^\*\*needs \/kick connect again\*\* since <t:\d+:R>: Kick refused to refresh the tokens/
		);
		expect((await kickStatus('Alpha')).fields.Authorisation).to.match(/^working/);
	});

	it('unlinks one server on confirmation: its tokens revoked and forgotten, the other server on the channel keeps its events', async () => {
		const asked = await discord.runSlashCommand({ guild: 'Gamma', member: 'gamma-moderator', name: 'kick', subcommand: 'disconnect' });
		expect(asked.content).to.equal(
			'Unlink **kick.com/alphastreamer** from this server? The bot stops reading and posting in its chat and its access is revoked.'
		);
		const notTheirs = await discord.clickButton({
			guild: 'Gamma',
			member: 'gamma-owner',
			message: asked.message!,
			customId: `kick-disconnect:confirm:${discord.state.guilds.get(GAMMA)!.member('gamma-moderator').userId}`
		});
		expect(notTheirs.content).to.equal('Only the moderator who asked to unlink can answer this.');

		const revokes = kick.requestLog.mark();
		const confirmed = await discord.clickButton({
			guild: 'Gamma',
			member: 'gamma-moderator',
			message: asked.message!,
			customId: `kick-disconnect:confirm:${discord.state.guilds.get(GAMMA)!.member('gamma-moderator').userId}`
		});
		const done = confirmed.message?.content ?? confirmed.content;
		expect(done).to.equal('Unlinked **kick.com/alphastreamer**: the bot no longer reads or posts in its chat and its access is revoked.');
		expect(kick.requestLog.filter((request) => request.path === '/oauth/revoke', revokes)).to.have.length(2);
		expect(await under.sql(`SELECT 1 FROM kick_oauth_tokens WHERE discord_server_id = $1`, [GAMMA])).to.have.length(0);
		expect(await under.sql(`SELECT 1 FROM kick_connections WHERE discord_server_id = $1`, [GAMMA])).to.have.length(0);
		expect(await under.sql(`SELECT key FROM bot_settings WHERE discord_server_id = $1 AND key LIKE 'kick_%'`, [GAMMA])).to.have.length(0);
		expect(kick.subscriptionsOf('AlphaStreamer'), 'Alpha still follows the channel').to.have.length(8);

		const chat = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'mod_mia', content: '!commands', badges: MODERATOR_BADGE });
		await kick.chat.waitFor((message) => message.replyToMessageId === chat.payload.message_id);
		await waitUntil(() => ranLines(chat.payload.message_id).length >= 1);
		expect(ranLines(chat.payload.message_id).map((line) => /server (\d+)/.exec(line)![1])).to.deep.equal([ALPHA]);
	});

	it('keeps every link across a restart and reconciles subscriptions without duplicating them', async () => {
		await under.bot.stop();
		await under.startBot();
		await under.bot.waitForLine(/Kick: 2 server\(s\) linked to 2 channel\(s\); events via signed webhooks/);
		expect(kick.subscriptionsOf('AlphaStreamer')).to.have.length(8);
		const chat = await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'mod_mia', content: '!uptime', badges: MODERATOR_BADGE });
		const answer = await kick.chat.waitFor((message) => message.replyToMessageId === chat.payload.message_id);
		expect(answer.content).to.equal('alphastreamer has been live for 2h 5m.');
	});

	it('linking a server to another channel undoes its old link: old tokens revoked, old subscriptions dropped when nobody follows it', async () => {
		const relinked = await setup.connect(under, { guild: 'Alpha', member: 'alpha-moderator', channel: 'betastreamer', streamer: 'BetaStreamer' });
		expect(relinked.status).to.equal(200);
		const tokens = await under.sql<{ user_id: string }>('SELECT user_id::text FROM kick_oauth_tokens WHERE discord_server_id = $1', [ALPHA]);
		expect(tokens.map((row) => row.user_id)).to.deep.equal([String(kick.user('BetaStreamer').userId)]);
		expect(kick.activeTokensOf('AlphaStreamer'), 'the old channel’s tokens were revoked').to.have.length(0);
		expect(kick.subscriptionsOf('AlphaStreamer'), 'nobody follows the old channel any more').to.have.length(0);
		expect((await kickStatus('Alpha')).fields.Channel).to.equal('[kick.com/betastreamer](https://kick.com/betastreamer)');

		const chat = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'mod_mia', content: '!commands', badges: MODERATOR_BADGE });
		await waitUntil(() => ranLines(chat.payload.message_id).length === 2);
		expect(
			ranLines(chat.payload.message_id)
				.map((line) => /server (\d+)/.exec(line)![1])
				.sort()
		).to.deep.equal([ALPHA, BETA]);
	});

	it('switched to the chat socket, drops its webhook subscriptions at start and refuses webhooks', async () => {
		expect(kick.subscriptionsOf('BetaStreamer')).to.have.length(8);
		await under.bot.stop();
		await under.startBot({ KICK_EVENTS_VIA: 'socket' });
		await under.bot.waitForLine(/Kick: 2 server\(s\) linked to 1 channel\(s\); events via the chat socket/);
		expect(kick.subscriptionsOf('BetaStreamer')).to.have.length(0);
		const rows = await under.sql<{ events_via: string }>('SELECT DISTINCT events_via FROM kick_connections');
		expect(rows.map((row) => row.events_via)).to.deep.equal(['socket']);
		const refused = await fetch(`${setup.publicUrl}/kick/webhook`, { method: 'POST', body: '{}' });
		expect(refused.status).to.equal(404);
	});
});
