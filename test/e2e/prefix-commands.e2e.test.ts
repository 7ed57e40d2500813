import { expect } from 'chai';
import type { APIMessage } from 'discord-api-types/v10';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';

const ALPHA = '2100000000000000100';
/** A prefix command's refusal or notice deletes itself after 10 s; allow for timer and delivery jitter. */
const BRIEF_REPLY_MS = 10_000;
const DELETION_TIMEOUT_MS = BRIEF_REPLY_MS + 5_000;

describe('Every command in its prefix form, end to end', function () {
	this.timeout(90_000);

	let under: BotUnderTest;
	let standIn: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const ask = (member: string, content: string) => standIn.sendMessage({ guild: 'Alpha', member, content });
	const isReplyTo = (reply: APIMessage, message: APIMessage) => reply.message_reference?.message_id === message.id;
	/** What the bot posted for a message, as its REST body (to see whom it let the message mention). */
	const postedBody = (message: APIMessage) =>
		standIn.restLog.all().find((call) => call.method === 'POST' && (call.response as { id?: string } | null)?.id === message.id)?.body as {
			allowed_mentions?: unknown;
		};
	/** Resolves with the bot's DELETE of a message, and how long after its creation it came. */
	const deletionOf = async (message: APIMessage, from: number) => {
		const call = await standIn.waitForRestCall(
			(candidate) => candidate.method === 'DELETE' && candidate.path === `/channels/${message.channel_id}/messages/${message.id}`,
			{
				from,
				timeoutMs: DELETION_TIMEOUT_MS
			}
		);
		return { afterMs: call.at - Date.parse(message.timestamp), stillStored: standIn.state.messages.get(message.id) !== undefined };
	};
	const nextDirectMessage = (user: string) => {
		const channelId = standIn.directMessageChannel(user);
		const last = standIn.state.messages.inChannel(channelId, { limit: 1 })[0]?.id;
		return standIn.waitForBotMessage({ channelId, ...(last === undefined ? {} : { after: last }) });
	};

	before(async () => {
		setup = await KickUnderTest.start({ eventsVia: 'webhook', users: [{ username: 'AlphaStreamer' }] });
		kick = setup.kick;
		// alpha-private is a moderator whose DMs are closed to the bot.
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha', { members: [{ username: 'alpha-private', roles: ['Moderator'] }] })] },
			setup.environment
		);
		standIn = under.standIn;
		standIn.closeDirectMessages('alpha-private');
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('!ping, !about and !server answer in the channel, as replies that ping nobody', async () => {
		const ping = standIn.postMessage({ guild: 'Alpha', member: 'alpha-viewer', content: '!ping' });
		const pong = await standIn.waitForBotMessage({ channelId: ping.channel_id, after: ping.id });
		expect(isReplyTo(pong, ping)).to.equal(true);
		await standIn.waitForRestCall((call) => call.method === 'PATCH' && call.path.endsWith(`/messages/${pong.id}`));
		expect(standIn.state.messages.get(pong.id)?.content).to.match(/^Pong! Round trip \d+ ms/);

		const about = await ask('alpha-viewer', '!about');
		expect(about.embeds[0]?.title).to.equal('Kick community bot');
		const server = await ask('alpha-viewer', '!server');
		expect(server.embeds[0]?.title).to.equal('Alpha');
		for (const reply of [pong, about, server])
			expect(postedBody(reply).allowed_mentions, `reply ${reply.id}`).to.deep.equal({ parse: [], replied_user: false });
	});

	it('!settings view sends the settings to the moderator by DM; the channel gets a notice that deletes itself', async () => {
		const from = standIn.restLog.mark();
		const direct = nextDirectMessage('alpha-moderator');
		const notice = await ask('alpha-moderator', '!settings view');
		expect(notice.content).to.equal('I sent you the settings of this server by DM.');
		expect(notice.embeds, 'nothing of the settings in the channel').to.deep.equal([]);
		const settings = await direct;
		expect(settings.embeds[0]?.title).to.equal('Settings of Alpha');
		expect(settings.embeds[0]?.description).to.contain('**prefix** = `!` (default)');

		const one = nextDirectMessage('alpha-moderator');
		expect((await ask('alpha-moderator', '!settings view prefix')).content).to.equal('I sent you the setting `prefix` by DM.');
		expect((await one).embeds[0]?.description).to.match(/^\*\*prefix\*\* = `!` \(default\)\nThe prefix of text commands/);

		const deleted = await deletionOf(notice, from);
		expect(deleted.afterMs).to.be.at.least(BRIEF_REPLY_MS - 1_000);
		expect(deleted.stillStored).to.equal(false);
	});

	it('!settings set and reset answer in the channel, where the change concerns everyone', async () => {
		const set = await ask('alpha-moderator', '!settings set prefix ?');
		expect(set.content).to.equal('**prefix** is now `?` in this server.');
		const reset = await ask('alpha-moderator', '?settings reset prefix');
		expect(reset.content).to.equal('**prefix** is now `!` (the default) in this server.');
		expect((await ask('alpha-moderator', '!settings set')).content).to.equal('Usage: `!settings set <key> <value>`. Nothing was changed.');
	});

	it('a member who may not use a command is refused in a reply that deletes itself, and sent nothing', async () => {
		const from = standIn.restLog.mark();
		const refusals = [
			await ask('alpha-viewer', '!settings view'),
			await ask('alpha-viewer', '!kick status'),
			await ask('alpha-viewer', '!kick connect alphastreamer')
		];
		for (const refusal of refusals)
			expect(refusal.content).to.equal('Only moderators of this server can do this: it needs the Manage Server permission here.');
		const deletions = await Promise.all(refusals.map((refusal) => deletionOf(refusal, from)));
		for (const deleted of deletions) expect(deleted.afterMs).to.be.at.least(BRIEF_REPLY_MS - 1_000);
		expect(standIn.state.messages.inChannel(standIn.directMessageChannel('alpha-viewer'), { limit: 10 })).to.deep.equal([]);
	});

	it('!kick, or an unknown subcommand, says which subcommands there are; !kick connect without a channel says how to use it', async () => {
		expect((await ask('alpha-moderator', '!kick')).content).to.equal('Usage: `!kick <connect|status|disconnect>`.');
		expect((await ask('alpha-moderator', '!kick statsu')).content).to.equal('Usage: `!kick <connect|status|disconnect>`.');
		expect((await ask('alpha-moderator', '!kick connect')).content).to.equal('Usage: `!kick connect <channel> [chatroom]`. Nothing was changed.');
		expect((await ask('alpha-moderator', '!kick connect not/a/channel')).content).to.equal(
			'`channel` accepts a Kick channel name (letters, digits, _ and -), as in kick.com/<name>. Nothing was changed.'
		);
	});

	it('!kick status sends the status by DM, in the words of the prefix form', async () => {
		const direct = nextDirectMessage('alpha-moderator');
		expect((await ask('alpha-moderator', '!kick status')).content).to.equal('I sent you the Kick status of this server by DM.');
		expect((await direct).content).to.equal('This server is not linked to a Kick channel. A moderator links it with `!kick connect <channel>`.');
	});

	it('!kick connect sends the authorisation link to the moderator by DM, never to the channel, and the link works', async () => {
		const direct = nextDirectMessage('alpha-moderator');
		const notice = await ask('alpha-moderator', '!kick connect alphastreamer');
		expect(notice.content).to.equal('I sent you the authorisation link by DM.');
		expect(notice.components ?? []).to.deep.equal([]);
		const link = await direct;
		expect(link.content).to.equal(
			'Open this link signed in to Kick as the owner of **kick.com/alphastreamer** and allow the bot for the Discord server **Alpha**. It works once, for the next 10 minutes, and only for you.'
		);
		const url = (link.components?.[0] as { components?: { url?: string }[] } | undefined)?.components?.[0]?.url;
		expect(url).to.be.a('string');
		const page = await fetch(await kick.consent(url!, 'AlphaStreamer'));
		expect(page.status).to.equal(200);
		expect(await under.sql(`SELECT 1 FROM kick_connections WHERE discord_server_id = $1`, [ALPHA])).to.have.length(1);

		const status = nextDirectMessage('alpha-moderator');
		await ask('alpha-moderator', '!kick status');
		const embed = (await status).embeds[0];
		expect(embed?.title).to.equal('Kick connection of Alpha');
		expect(embed?.fields?.find((field) => field.name === 'Channel')?.value).to.equal('[kick.com/alphastreamer](https://kick.com/alphastreamer)');
	});

	it('a moderator whose DMs are closed is told to use the slash form, and no link is posted anywhere', async () => {
		const from = standIn.restLog.mark();
		const notice = await ask('alpha-private', '!kick connect alphastreamer');
		expect(notice.content).to.equal(
			'I could not send you the authorisation link by DM: your direct messages are closed to me. Use `/kick connect`, which shows it to you alone.'
		);
		expect(standIn.state.messages.inChannel(standIn.directMessageChannel('alpha-private'), { limit: 10 })).to.deep.equal([]);
		expect((await deletionOf(notice, from)).afterMs).to.be.at.least(BRIEF_REPLY_MS - 1_000);
	});

	it('!kick disconnect asks in the channel, and only the moderator who asked can answer', async () => {
		const prompt = await ask('alpha-moderator', '!kick disconnect');
		expect(prompt.content).to.equal(
			'Unlink **kick.com/alphastreamer** from this server? The bot stops reading and posting in its chat and its access is revoked.'
		);
		const moderatorId = standIn.guild('Alpha').member('alpha-moderator').userId;
		for (const member of ['alpha-owner', 'alpha-viewer']) {
			const refused = await standIn.clickButton({ guild: 'Alpha', member, message: prompt, customId: `kick-disconnect:confirm:${moderatorId}` });
			expect(refused.ephemeral, member).to.equal(true);
			expect(refused.content, member).to.equal('Only the moderator who asked to unlink can answer this.');
		}
		expect(await under.sql(`SELECT 1 FROM kick_connections WHERE discord_server_id = $1`, [ALPHA]), 'still linked').to.have.length(1);

		const confirmed = await standIn.clickButton({
			guild: 'Alpha',
			member: 'alpha-moderator',
			message: prompt,
			customId: `kick-disconnect:confirm:${moderatorId}`
		});
		const done = standIn.state.messages.get(prompt.id);
		expect(confirmed.message?.id, 'the answer is the prompt, edited').to.equal(prompt.id);
		expect(done?.content).to.equal('Unlinked **kick.com/alphastreamer**: the bot no longer reads or posts in its chat and its access is revoked.');
		expect(done?.components).to.deep.equal([]);
		expect(await under.sql(`SELECT 1 FROM kick_connections WHERE discord_server_id = $1`, [ALPHA])).to.have.length(0);
	});

	it('never hit a subcommand without a prefix form', () => {
		expect(under.bot.text()).to.not.contain('Encountered a missing mapping');
	});
});
