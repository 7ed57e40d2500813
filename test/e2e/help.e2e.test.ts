import { expect } from 'chai';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { commandRuns, KickUnderTest } from '#test/e2e/KickUnderTest';
import { disablingAllPluginsBut } from '#test/helpers/loadedPlugins';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '2300000000000000100';
const BETA = '2300000000000000200';
const MODERATOR_BADGE = [{ type: 'moderator', text: 'Moderator' }];

/** An answer's embed as `plugin → lines`. */
function helpFields(answer: { embeds: readonly { fields?: readonly { name: string; value: string }[] }[] }): Record<string, string[]> {
	return Object.fromEntries((answer.embeds[0]?.fields ?? []).map((field) => [field.name, field.value.split('\n')]));
}

describe('/help and !help in two servers with different plugins on and different prefixes, in Discord and Kick chat, end to end', function () {
	this.timeout(90_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	/** A viewer says something in a Kick channel's chat; resolves with the bot's reply to it. Each call is a viewer of its own, whom no cooldown holds yet. */
	const VIEWERS = ['viewer_vic', 'viewer_val', 'viewer_vera', 'viewer_vin', 'viewer_vaughn'];
	let questions = 0;
	const chatAndAnswer = async (broadcaster: string, content: string, badges: readonly { type: string; text: string }[] = []) => {
		const asked = await kick.chatAs({ broadcaster, sender: VIEWERS[questions++ % VIEWERS.length]!, content, badges: [...badges] });
		return (await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id)).content;
	};

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, ...VIEWERS.map((username) => ({ username }))]
		});
		kick = setup.kick;
		// The bot runs with the plugins this test is about only, so the lists below stay what they are when a plugin is added.
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug', DISABLED_PLUGINS: await disablingAllPluginsBut(['core-info', 'kick-chat', 'quotes']) }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/Kick: 0 server\(s\) linked to 0 channel\(s\); events via signed webhooks/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
		// Beta: the quotes plugin off, and its own prefix. Alpha keeps all three plugins and `!`.
		const set = (key: string, value: string) =>
			discord.runSlashCommand({ guild: 'Beta', member: 'beta-moderator', name: 'settings', subcommand: 'set', options: { key, value } });
		expect((await set('plugins_off', 'quotes')).content).to.equal('**plugins_off** is now `quotes` in this server.');
		expect((await set('prefix', '?')).content).to.equal('**prefix** is now `?` in this server.');
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('/help lists, by plugin, the commands of the plugins on in this server that this member may use, with the server’s prefix', async () => {
		const alphaMember = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'help' });
		expect(alphaMember.ephemeral).to.equal(true);
		expect(alphaMember.embeds[0]?.title).to.equal('Commands you can use here');
		expect(Object.keys(helpFields(alphaMember))).to.deep.equal(['core-info', 'quotes']);
		expect(helpFields(alphaMember).quotes).to.deep.equal(['`/quote` · `!quote` (show, add, remove, list): Shows, adds and lists this server’s quotes.']);
		expect(alphaMember.embeds[0]?.footer?.text).to.equal('/help <command> or !help <command> tells more about one.');

		const betaMember = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-viewer', name: 'help' });
		expect(Object.keys(helpFields(betaMember))).to.deep.equal(['core-info']);
		expect(helpFields(betaMember)['core-info']).to.include('`/ping` · `?ping`: Checks that the bot is alive and how fast it answers.');

		// A moderator also sees the core's moderator commands; still nothing of a plugin switched off.
		const betaModerator = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-moderator', name: 'help' });
		expect(betaModerator.embeds[0]?.title).to.equal('Commands you can use here (as a moderator)');
		expect(Object.keys(helpFields(betaModerator))).to.deep.equal(['core', 'core-info']);
		expect(helpFields(betaModerator).core!.map((line) => line.split(':')[0])).to.deep.equal([
			'`/kick` · `?kick` (connect, status, disconnect)',
			'`/overlay` · `?overlay` (urls, rotate)',
			'`/settings` · `?settings` (view, set, reset)'
		]);
	});

	it('the prefix form answers in the channel with the same list, under each server’s own prefix only', async () => {
		const alpha = await discord.sendMessage({ guild: 'Alpha', member: 'alpha-viewer', content: '!help' });
		expect(Object.keys(helpFields(alpha))).to.deep.equal(['core-info', 'quotes']);
		const beta = await discord.sendMessage({ guild: 'Beta', member: 'beta-viewer', content: '?help' });
		expect(Object.keys(helpFields(beta))).to.deep.equal(['core-info']);
		expect(helpFields(beta)['core-info']!.every((line) => line.includes('` · `?'))).to.equal(true);
	});

	it('/help <command> tells about one command where its plugin is on, and refuses it where it is off', async () => {
		const inAlpha = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'help', options: { command: 'quote' } });
		expect(inAlpha.embeds[0]?.title).to.equal('/quote · !quote');
		expect(inAlpha.embeds[0]?.description?.split('\n')).to.include.members([
			'`/quote add <text>` · `!quote add <text>`: Adds a quote (moderators).',
			'Apps → **Save as quote** (on a message): Adds the message’s text as the next quote (moderators).'
		]);

		const inBeta = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-viewer', name: 'help', options: { command: '/quote' } });
		expect([inBeta.ephemeral, inBeta.content]).to.deep.equal([true, 'That is no command you can use here; `/help` lists them.']);
		const quoteInBeta = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-viewer', name: 'quote', subcommand: 'show' });
		expect(quoteInBeta.content).to.equal('The quotes plugin is switched off in this server (setting `plugins_off`), so `quote` does nothing here.');
	});

	it('!help in Kick chat lists the chat commands of the plugins on in that server, with its prefix; an off plugin’s command is unknown there', async () => {
		expect(await chatAndAnswer('AlphaStreamer', '!help')).to.equal(
			'kick-chat: !help (lists the chat commands you can use here), !uptime (says how long the stream has been live)\nquotes: !quote (shows a random quote, or the one with that number)'
		);
		expect(await chatAndAnswer('BetaStreamer', '?help')).to.equal(
			'kick-chat: ?help (lists the chat commands you can use here), ?uptime (says how long the stream has been live)'
		);
		// !help's chat-wide cooldown (5 s) never holds a chat moderator: they ask about one command.
		expect(await chatAndAnswer('BetaStreamer', '?help quote', MODERATOR_BADGE)).to.equal(
			'kick-chat: ?help (lists the chat commands you can use here), ?uptime (says how long the stream has been live)'
		);
		expect(await chatAndAnswer('AlphaStreamer', '!help commands', MODERATOR_BADGE)).to.equal(
			'!help (also !commands): Lists the chat commands you can use here.'
		);

		// Beta's `?quote` is no command there: once the event is handled, no command ran and no answer was recorded.
		const quote = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'viewer_vic', content: '?quote' });
		const handled = async () =>
			(
				await under.sql<{ handled: boolean }>(`SELECT handled_at IS NOT NULL AS handled FROM kick_event_receipts WHERE event_key = $1`, [
					`chat:${quote.payload.message_id}`
				])
			)[0]?.handled === true;
		await waitUntil(handled);
		expect(commandRuns(under.bot, quote.payload.message_id)).to.deep.equal([]);
		expect(await under.sql(`SELECT 1 FROM outbox_messages WHERE reply_to = $1`, [quote.payload.message_id])).to.deep.equal([]);
	});
});
