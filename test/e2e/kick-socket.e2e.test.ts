import { expect } from 'chai';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { commandRuns, KickUnderTest } from '#test/e2e/KickUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1910000000000000100';
const BETA = '1910000000000000200';
const ALPHA_ROOM = '90000777';
const BETA_ROOM = '90000888';
const MODERATOR = { id: 70009001, username: 'mod_mia', badges: [{ type: 'moderator', text: 'Moderator' }] };

describe('The Kick connection over the chat socket (fallback), end to end', function () {
	this.timeout(90_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const ranLines = (messageId: string) => commandRuns(under.bot, messageId);
	const say = (chatroomId: string, content: string) => kick.pusher.chatMessage({ chatroomId, content, sender: MODERATOR });
	const answerTo = (messageId: string) => kick.chat.waitFor((message) => message.replyToMessageId === messageId);

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'socket',
			users: [
				{ username: 'AlphaStreamer', chatroomId: Number(ALPHA_ROOM) },
				{ username: 'BetaStreamer', chatroomId: Number(BETA_ROOM) }
			]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/Kick: 0 server\(s\) linked to 0 channel\(s\); events via the chat socket/);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('links through the same authorisation and watches the chatroom instead of subscribing to webhooks', async () => {
		const alpha = await setup.connect(under, {
			guild: 'Alpha',
			member: 'alpha-moderator',
			channel: 'alphastreamer',
			streamer: 'AlphaStreamer',
			chatroom: ALPHA_ROOM
		});
		expect(alpha.status).to.equal(200);
		const beta = await setup.connect(under, {
			guild: 'Beta',
			member: 'beta-moderator',
			channel: 'betastreamer',
			streamer: 'BetaStreamer',
			chatroom: BETA_ROOM
		});
		expect(beta.status).to.equal(200);
		await kick.pusher.waitForSubscription(`chatrooms.${ALPHA_ROOM}.v2`, 1);
		await kick.pusher.waitForSubscription(`chatrooms.${BETA_ROOM}.v2`, 1);
		expect(kick.subscriptionsOf('AlphaStreamer'), 'no webhook subscriptions').to.have.length(0);
		const status = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'kick', subcommand: 'status' });
		const events = status.embeds[0]?.fields?.find((field) => field.name === 'Events')?.value;
		expect(events).to.equal(`via the chat socket; subscriptions: not needed (reading chatroom ${ALPHA_ROOM} over the chat socket)`);
	});

	it('answers a chat command read from the socket in that channel’s chat, and only there', async () => {
		const inAlpha = say(ALPHA_ROOM, '!uptime');
		expect((await answerTo(inAlpha.id)).content).to.equal('alphastreamer has not gone live since the bot was linked.');
		const inBeta = say(BETA_ROOM, '!uptime');
		const betaAnswer = await answerTo(inBeta.id);
		expect(betaAnswer.channel).to.equal('BetaStreamer');
		await waitUntil(() => ranLines(inAlpha.id).length === 1 && ranLines(inBeta.id).length === 1);
		expect(ranLines(inAlpha.id)[0]).to.include(`server ${ALPHA}`);
		expect(ranLines(inBeta.id)[0]).to.include(`server ${BETA}`);
	});

	it('after a forced disconnect, subscribes each chatroom once again and loses or duplicates nothing sent after', async () => {
		const from = under.bot.mark();
		await kick.pusher.dropConnections();
		await under.bot.waitForLine(/Kick chat socket reconnected; subscribing 2 chatroom\(s\) again/, { from });
		await kick.pusher.waitForSubscription(`chatrooms.${ALPHA_ROOM}.v2`, 1);
		await kick.pusher.waitForSubscription(`chatrooms.${BETA_ROOM}.v2`, 1);
		expect(kick.pusher.subscribeRequestsFor(`chatrooms.${ALPHA_ROOM}.v2`), 'once at link, once after the reconnect').to.equal(2);

		const sent = [say(ALPHA_ROOM, '!uptime'), say(ALPHA_ROOM, '!commands'), say(BETA_ROOM, '!uptime')];
		for (const message of sent) await answerTo(message.id);
		// The same chat message delivered twice (a resubscription race, a second bot process) is handled once.
		const repeated = say(ALPHA_ROOM, '!uptime');
		kick.pusher.emit(`chatrooms.${ALPHA_ROOM}.v2`, 'App\\Events\\ChatMessageEvent', repeated);
		await answerTo(repeated.id);
		const marker = say(ALPHA_ROOM, '!uptime');
		await answerTo(marker.id);
		await waitUntil(() => ranLines(marker.id).length === 1);
		for (const message of [...sent, repeated]) expect(ranLines(message.id), message.content).to.have.length(1);
		expect(kick.chat.list().filter((message) => message.replyToMessageId === repeated.id)).to.have.length(1);
	});

	it('stops reading a channel once its only server unlinks', async () => {
		const asked = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-moderator', name: 'kick', subcommand: 'disconnect' });
		const moderatorId = discord.state.guilds.get(BETA)!.member('beta-moderator').userId;
		await discord.clickButton({ guild: 'Beta', member: 'beta-moderator', message: asked.message!, customId: `kick-disconnect:confirm:${moderatorId}` });
		await kick.pusher.waitForSubscription(`chatrooms.${BETA_ROOM}.v2`, 0);
		expect(kick.pusher.subscriptionsOf(`chatrooms.${ALPHA_ROOM}.v2`)).to.equal(1);
	});
});
