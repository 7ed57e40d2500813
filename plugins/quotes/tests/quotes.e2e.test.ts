import { expect } from 'chai';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { commandRuns, KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1950000000000000100';
const BETA = '1950000000000000200';
const MODERATOR_BADGE = [{ type: 'moderator', text: 'Moderator' }];

/** The custom ids of the buttons of a message or an answer. */
function buttonIds(components: readonly unknown[] | undefined): string[] {
	return (components ?? []).flatMap((row) => (row as { components: { custom_id: string }[] }).components.map((button) => button.custom_id));
}

describe('quotes: /quote, !quote, "Another quote" and Apps → Save as quote in Discord and !quote in Kick chat, per server, end to end', function () {
	this.timeout(90_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	/** Says something in a Kick channel's chat and resolves with the bot's reply to it. */
	const chatAndAnswer = async (broadcaster: string, sender: string, content: string, badges: typeof MODERATOR_BADGE = []) => {
		const asked = await kick.chatAs({ broadcaster, sender, content, badges });
		return (await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id)).content;
	};
	const quotesIn = (guildId: string) =>
		under.sql<{ number: number; text: string; added_by_discord_id: string | null; added_by_kick_username: string | null }>(
			'SELECT number, text, added_by_discord_id::text, added_by_kick_username FROM quotes WHERE discord_server_id = $1 ORDER BY number',
			[guildId]
		);

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [
				{ username: 'AlphaStreamer' },
				{ username: 'BetaStreamer' },
				{ username: 'viewer_vic' },
				{ username: 'viewer_val' },
				{ username: 'mod_mia' }
			]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug', DASHBOARD_SECRET: 'e2e-dashboard-secret-quotes-0123456789' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/Kick: 0 server\(s\) linked to 0 channel\(s\); events via signed webhooks/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('lets moderators add quotes with /quote add and !quote add, and tells a member privately that they may not', async () => {
		const refused = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-viewer',
			name: 'quote',
			subcommand: 'add',
			options: { text: 'my own quote' }
		});
		expect(refused.ephemeral).to.equal(true);
		expect(refused.content).to.equal('Only moderators of this server can add quotes: it needs the Manage Server permission here. Nothing was changed.');

		const added = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'quote',
			subcommand: 'add',
			options: { text: '**Never** tilt, @everyone' }
		});
		expect(added.ephemeral).to.equal(false);
		expect(added.content).to.equal('Added quote #1.');
		expect(added.embeds[0]?.title).to.equal('Quote #1');
		expect(added.embeds[0]?.description).to.match(/^\\\*\\\*Never\\\*\\\* tilt, @\u200beveryone\n\n— added by <@\d+>, <t:\d+:D>$/);

		const byPrefix = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-moderator',
			content: '!quote add Chat   is\nalways right'
		});
		expect(byPrefix.content).to.equal('Added quote #2.');

		const moderatorId = discord.guild('Alpha').member('alpha-moderator').userId;
		expect(await quotesIn(ALPHA)).to.deep.equal([
			{ number: 1, text: '**Never** tilt, @everyone', added_by_discord_id: moderatorId, added_by_kick_username: null },
			{ number: 2, text: 'Chat is always right', added_by_discord_id: moderatorId, added_by_kick_username: null }
		]);
	});

	it('shows a quote to anyone with /quote show and !quote, and "Another quote" shows the other one in place', async () => {
		const shown = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'quote', subcommand: 'show', options: { number: 1 } });
		expect(shown.embeds[0]?.title).to.equal('Quote #1');
		expect(buttonIds(shown.components)).to.deep.equal(['quotes:another:1']);

		const another = await discord.clickButton({ guild: 'Alpha', member: 'alpha-viewer', message: shown.message!, customId: 'quotes:another:1' });
		expect(another.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(another.message?.id).to.equal(shown.message!.id);
		expect(another.message?.embeds[0]?.title).to.equal('Quote #2');
		expect(buttonIds(another.message?.components)).to.deep.equal(['quotes:another:2']);

		expect((await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-viewer', content: '!quote 2' })).embeds[0]?.title).to.equal(
			'Quote #2'
		);
		expect((await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-viewer', content: '!quote show 1' })).embeds[0]?.title).to.equal(
			'Quote #1'
		);
		const unknown = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'quote', subcommand: 'show', options: { number: 5 } });
		expect([unknown.ephemeral, unknown.content]).to.deep.equal([true, 'There is no quote #5 in this server.']);
		const listed = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'quote', subcommand: 'list' });
		expect(listed.embeds[0]?.title).to.equal('Quotes (2)');
	});

	it('answers !quote in the linked Kick chat, lets a chat moderator add one, and ignores a viewer’s add', async () => {
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!quote 1')).to.equal('Quote #1: **Never** tilt, @everyone');
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!quote add "gg ez" - chat', MODERATOR_BADGE)).to.equal('Added quote #3.');
		expect((await quotesIn(ALPHA))[2]).to.deep.equal({ number: 3, text: '"gg ez" - chat', added_by_discord_id: null, added_by_kick_username: 'mod_mia' });

		// Beta's chat has cooldowns of its own, so this viewer's try runs there (and is not held by Alpha's).
		const sneaky = await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'viewer_val', content: '!quote add I am a moderator now' });
		await waitUntil(() => commandRuns(under.bot, sneaky.payload.message_id).length === 1);
		expect(kick.chat.list('BetaStreamer').filter((message) => message.replyToMessageId === sneaky.payload.message_id)).to.deep.equal([]);
		expect(await quotesIn(BETA)).to.deep.equal([]);
	});

	it('shows another server none of it, in Discord or in its Kick chat', async () => {
		const random = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-viewer', name: 'quote', subcommand: 'show' });
		expect([random.ephemeral, random.content]).to.deep.equal([true, 'This server has no quotes yet. A moderator adds one with `/quote add <text>`.']);
		const first = await discord.runSlashCommand({ guild: 'Beta', member: 'beta-viewer', name: 'quote', subcommand: 'show', options: { number: 1 } });
		expect(first.content).to.equal('There is no quote #1 in this server (it has none yet).');
		expect((await discord.sendMessage({ guild: 'Beta', channel: 'general', member: 'beta-viewer', content: '!quote list' })).content).to.equal(
			'This server has no quotes yet. A moderator adds one with `!quote add <text>`.'
		);
		expect(await chatAndAnswer('BetaStreamer', 'mod_mia', '!quote 1', MODERATOR_BADGE)).to.equal('There is no quote #1.');
		expect(await chatAndAnswer('BetaStreamer', 'mod_mia', '!quote', MODERATOR_BADGE)).to.equal('No quotes here yet.');
	});

	it('posts a quote in its server’s Kick chat when the dashboard asks, once per request, and never in another server', async () => {
		const request = { area: 'quotes', action: 'post', guildId: ALPHA, data: { number: 1, id: 'dashboard-request-1' } };
		const signedAt = Math.floor(Date.now() / 1000);
		await under.publishDashboard({ ...request, timestamp: signedAt });
		const posted = await kick.chat.waitFor((message) => message.content === 'Quote #1: **Never** tilt, @everyone' && message.replyToMessageId === null);
		expect(posted.channel).to.equal('AlphaStreamer');
		// The same request sent again (a retry of the dashboard, signed anew at another time, so not a replay): the outbox already holds it, nothing more is posted.
		await under.publishDashboard({ ...request, timestamp: signedAt - 20 });
		await waitUntil(
			async () =>
				(await under.sql<{ status: string }>(`SELECT status FROM outbox_messages WHERE dedupe_key = 'kick:quotes:post:dashboard-request-1'`))[0]
					?.status === 'sent'
		);
		expect(await under.sql(`SELECT discord_server_id::text FROM outbox_messages WHERE dedupe_key LIKE 'kick:quotes:post:%'`)).to.deep.equal([
			{ discord_server_id: ALPHA }
		]);
		expect(kick.chat.list('AlphaStreamer').filter((message) => message.content === posted.content && message.replyToMessageId === null)).to.have.length(1);

		// Beta has no quote #1: asking Beta posts nothing, anywhere.
		await under.publishDashboard({ area: 'quotes', action: 'post', guildId: BETA, data: { number: 1, id: 'dashboard-request-2' } });
		expect(await under.sql(`SELECT 1 FROM outbox_messages WHERE dedupe_key = 'kick:quotes:post:dashboard-request-2'`)).to.deep.equal([]);
		expect(kick.chat.list('BetaStreamer').filter((message) => message.content.startsWith('Quote #'))).to.deep.equal([]);
	});

	it('declares the quote of the day’s setting, off by default, which a moderator switches on', async () => {
		const viewed = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'view',
			options: { key: 'quotes_daily_in_chat' }
		});
		expect(viewed.embeds[0]?.description?.split('\n')).to.include.members(['**quotes_daily_in_chat** = `false` (default)', 'Declared by plugin quotes.']);
		const answer = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'quotes_daily_in_chat', value: 'on' }
		});
		expect(answer.content).to.equal('**quotes_daily_in_chat** is now `true` in this server.');
		const stored = await under.sql<{ discord_server_id: string; value: string }>(
			`SELECT discord_server_id::text, value FROM bot_settings WHERE key = 'quotes_daily_in_chat'`
		);
		expect(stored).to.deep.equal([{ discord_server_id: ALPHA, value: 'true' }]);
	});

	it('saves a message as a quote with Apps → Save as quote, for moderators only, in the server it is used in', async () => {
		const before = await quotesIn(ALPHA);
		const alpha = discord.guild('Alpha');
		const viewerId = alpha.member('alpha-viewer').userId;
		const said = discord.postMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-owner', content: `<@${viewerId}>   never\nlose a bonus hunt` });

		const refused = await discord.runContextMenu({ guild: 'Alpha', member: 'alpha-viewer', name: 'Save as quote', targetMessage: said.id });
		expect([refused.ephemeral, refused.content]).to.deep.equal([
			true,
			'Only moderators of this server can add quotes: it needs the Manage Server permission here. Nothing was changed.'
		]);
		const tooLong = discord.postMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-owner', content: 'a'.repeat(401) });
		const longRefused = await discord.runContextMenu({ guild: 'Alpha', member: 'alpha-moderator', name: 'Save as quote', targetMessage: tooLong.id });
		expect([longRefused.ephemeral, longRefused.content]).to.deep.equal([true, 'A quote is at most 400 characters; this one has 401. Nothing was added.']);
		expect(await quotesIn(ALPHA), 'nothing written').to.deep.equal(before);

		const saved = await discord.runContextMenu({ guild: 'Alpha', member: 'alpha-moderator', name: 'Save as quote', targetMessage: said.id });
		const number = before.length + 1;
		expect([saved.ephemeral, saved.content, saved.embeds[0]?.title]).to.deep.equal([false, `Added quote #${number}.`, `Quote #${number}`]);
		// The mention reads as the name Discord shows, so the quote reads the same in Kick chat; the moderator is who added it.
		expect((await quotesIn(ALPHA)).at(-1)).to.deep.equal({
			number,
			text: '@alpha-viewer never lose a bonus hunt',
			added_by_discord_id: alpha.member('alpha-moderator').userId,
			added_by_kick_username: null
		});
		expect(await quotesIn(BETA)).to.deep.equal([]);
	});

	it('answers Save as quote in a server that switched quotes off with the plugin-off refusal, and writes nothing', async () => {
		const switched = await discord.runSlashCommand({
			guild: 'Beta',
			member: 'beta-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'plugins_off', value: 'quotes' }
		});
		expect(switched.content).to.equal('**plugins_off** is now `quotes` in this server.');
		const alphaQuotes = await quotesIn(ALPHA);
		const said = discord.postMessage({ guild: 'Beta', channel: 'general', member: 'beta-viewer', content: 'Beta says hi' });

		const refused = await discord.runContextMenu({ guild: 'Beta', member: 'beta-moderator', name: 'Save as quote', targetMessage: said.id });
		expect([refused.ephemeral, refused.content]).to.deep.equal([
			true,
			'The quotes plugin is switched off in this server (setting `plugins_off`), so `Save as quote` does nothing here.'
		]);
		expect(await quotesIn(BETA)).to.deep.equal([]);
		expect(await quotesIn(ALPHA)).to.deep.equal(alphaQuotes);
	});
});
