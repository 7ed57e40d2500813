import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { InteractionResponseType, type APIMessage } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import { OverlayBrowser, overlayUrlsOf } from '#test/helpers/overlayBrowser';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1990000000000000100';
const BETA = '1990000000000000200';

/** The custom ids of the buttons of a message or an answer. */
function buttonIds(components: readonly unknown[] | undefined): string[] {
	return (components ?? []).flatMap((row) => (row as { components: { custom_id: string }[] }).components.map((button) => button.custom_id));
}

describe('guess-the-balance: rounds opened from the panel, guesses in Kick chat, the commitment at close, winners announced once, per server, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;
	let panel: APIMessage;

	const gtb = (guild: string, member: string, subcommand: string, options: Record<string, string | number> = {}) =>
		discord.runSlashCommand({ guild, member, name: 'gtb', subcommand, options });
	const chatAndAnswer = async (broadcaster: string, sender: string, content: string) => {
		const asked = await kick.chatAs({ broadcaster, sender, content, badges: [] });
		return (await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id)).content;
	};
	const guessesIn = (guildId: string) =>
		under.sql<{ kick_username: string; amount: string }>(
			`SELECT kick_username, (amount_cents / 100.0)::numeric(14,2)::text AS amount FROM gtb_guesses WHERE discord_server_id = $1 ORDER BY guessed_at, sequence`,
			[guildId]
		);
	const kickSaid = (channel: string, start: string) => kick.chat.list(channel).filter((message) => message.content.startsWith(start));
	const panelNow = () => discord.messagesIn('Alpha', 'general').find((message) => message.id === panel.id)!;

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, { username: 'viewer_vic' }, { username: 'viewer_val' }, { username: 'ann' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug', DASHBOARD_SECRET: 'e2e-dashboard-secret-gtb-0123456789abc' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
		const general = discord.guild('Alpha').channel('general').id;
		for (const [key, value] of [
			['gtb_channel_id', general],
			['gtb_winners', '2']
		] as const) {
			const set = await discord.runSlashCommand({
				guild: 'Alpha',
				member: 'alpha-moderator',
				name: 'settings',
				subcommand: 'set',
				options: { key, value }
			});
			expect(set.content).to.match(new RegExp(key));
		}
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('posts the panel for moderators, refuses a viewer and another server’s buttons, and opens a round from it', async () => {
		const refused = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'gtb', subcommandGroup: 'panel', subcommand: 'post' });
		expect(refused.content).to.match(/^Only moderators of this server can post the panel/);
		const posted = await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'gtb', subcommandGroup: 'panel', subcommand: 'post' });
		expect(posted.content).to.equal(
			`The guess the balance panel is posted in <#${discord.guild('Alpha').channel('general').id}> and kept up to date there.`
		);
		await waitUntil(() => discord.messagesIn('Alpha', 'general').some((message) => message.embeds[0]?.title === '🎰 Guess the balance'));
		panel = discord.messagesIn('Alpha', 'general').find((message) => message.embeds[0]?.title === '🎰 Guess the balance')!;
		expect(buttonIds(panel.components)).to.deep.equal([
			`gtb:panel:${ALPHA}:open`,
			`gtb:panel:${ALPHA}:close`,
			`gtb:panel:${ALPHA}:result`,
			`gtb:panel:${ALPHA}:refresh`
		]);
		expect(panel.embeds[0]?.description).to.equal('No round yet: **Open round** starts one.');

		const byViewer = await discord.clickButton({ guild: 'Alpha', member: 'alpha-viewer', message: panel, customId: `gtb:panel:${ALPHA}:open` });
		expect([byViewer.ephemeral, byViewer.content]).to.deep.equal([true, 'Only moderators of this server can do that. Nothing was changed.']);
		// Alpha's id clicked in Beta (a forged id on a message of Beta's): nothing runs, in either server.
		const betaMessage = await discord.sendMessage({ guild: 'Beta', channel: 'general', member: 'beta-viewer', content: '!gtb status' });
		expect(betaMessage.content).to.equal('This server has had no guess the balance round yet. Moderators open one with `/gtb open`.');
		const forged = await discord.clickButton({ guild: 'Beta', member: 'beta-moderator', message: betaMessage, customId: `gtb:panel:${ALPHA}:open` });
		expect(forged.content).to.equal('This belongs to another server’s guess the balance. Nothing was changed.');
		expect(await under.sql('SELECT 1 FROM gtb_rounds')).to.deep.equal([]);

		const opened = await discord.clickButton({ guild: 'Alpha', member: 'alpha-moderator', message: panel, customId: `gtb:panel:${ALPHA}:open` });
		expect(opened.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(opened.message?.id).to.equal(panel.id);
		expect(opened.message?.embeds[0]?.description).to.match(/^\*\*Round #1\*\* · 🟢 open · 0 guesses\n/);
		expect((await opened.interaction.waitForFollowUp()).content).to.equal('Opened round #1: viewers guess with `!gtb <amount>` in Kick chat.');
		await kick.chat.waitFor((message) => message.channel === 'AlphaStreamer' && message.content.startsWith('Guess the balance #1 is open!'));

		// Beta opens its own round #1 with the slash command.
		expect((await gtb('Beta', 'beta-moderator', 'open')).content).to.equal('Opened round #1: viewers guess with `!gtb <amount>` in Kick chat.');
		expect(await under.sql('SELECT discord_server_id::text AS server, number, status FROM gtb_rounds ORDER BY 1')).to.deep.equal([
			{ server: ALPHA, number: 1, status: 'open' },
			{ server: BETA, number: 1, status: 'open' }
		]);
	});

	it('takes guesses in Kick chat, one per viewer (a new one replaces it), answers bad ones, and keeps Beta’s apart', async () => {
		for (const [sender, content] of [
			['viewer_vic', '!gtb 1100'],
			['viewer_val', '!gtb $900.00'],
			['ann', '!gtb 1,000.01'],
			['viewer_vic', '!gtb $1,050']
		] as const)
			await kick.chatAs({ broadcaster: 'AlphaStreamer', sender, content });
		await kick.chatAs({ broadcaster: 'BetaStreamer', sender: 'viewer_vic', content: '!gtb 5' });
		await waitUntil(async () => (await guessesIn(ALPHA)).some((guess) => guess.amount === '1050.00') && (await guessesIn(BETA)).length === 1);
		expect(await guessesIn(ALPHA)).to.deep.equal([
			{ kick_username: 'viewer_val', amount: '900.00' },
			{ kick_username: 'ann', amount: '1000.01' },
			{ kick_username: 'viewer_vic', amount: '1050.00' }
		]);
		expect(await guessesIn(BETA)).to.deep.equal([{ kick_username: 'viewer_vic', amount: '5.00' }]);

		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!gtb')).to.equal('@viewer_vic your guess in round #1 is $1,050.00.');
		expect(await chatAndAnswer('BetaStreamer', 'viewer_vic', '!gtb')).to.equal('@viewer_vic your guess in round #1 is $5.00.');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_val', '!gtb -3')).to.equal('@viewer_val A guess must be more than $0.');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_val', '!gtb 1.001')).to.equal('@viewer_val Use at most 2 decimals (cents), like 1234.56.');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_val', '!gtb Infinity')).to.equal(
			'@viewer_val "Infinity" is not an amount: type it like 1234.56 or $1,234.56.'
		);
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_val', '!gtb 1000000000000')).to.equal('@viewer_val The most it can be is $999,999,999,999.99.');
		expect((await guessesIn(ALPHA)).find((guess) => guess.kick_username === 'viewer_val')?.amount).to.equal('900.00');
	});

	it('closes: guesses stop, and the commitment is posted in Kick chat and Discord; the export hashes to it', async () => {
		expect((await gtb('Alpha', 'alpha-viewer', 'close')).content).to.match(/^Only moderators/);
		const closed = await gtb('Alpha', 'alpha-moderator', 'close');
		const commitment = (await under.sql<{ commitment: string }>('SELECT commitment FROM gtb_rounds WHERE discord_server_id = $1', [ALPHA]))[0]!.commitment;
		expect(closed.content).to.equal(`Closed round #1 with 3 guesses. Commitment: \`${commitment}\`.`);
		await kick.chat.waitFor(
			(message) =>
				message.channel === 'AlphaStreamer' &&
				message.content === `Guess the balance #1 is closed with 3 guesses. Commitment (sha256 of the guess list): ${commitment}`
		);
		await waitUntil(() =>
			discord.messagesIn('Alpha', 'general').some((message) => message.content.includes(`Commitment (sha256 of the guess list): \`${commitment}\``))
		);
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_val', '!gtb 999')).to.equal('@viewer_val No guess the balance round is open right now.');
		expect(await guessesIn(ALPHA)).to.have.length(3);
		await waitUntil(() => panelNow().embeds[0]?.description?.includes('🔒 closed') === true);

		expect((await gtb('Alpha', 'alpha-viewer', 'export')).content).to.match(/^Only moderators/);
		const exported = await gtb('Alpha', 'alpha-moderator', 'export');
		const attachment = exported.message!.attachments[0]!;
		expect(attachment.filename).to.equal(`gtb-${ALPHA}-round-1.csv`);
		const data = discord.state.attachmentData.get(attachment.id)!;
		expect(createHash('sha256').update(data).digest('hex')).to.equal(commitment);
		const lines = data.toString('utf8').split('\n');
		expect(lines.map((line) => line.split(',').slice(1, 3).join(','))).to.deep.equal(['viewer_val,900.00', 'ann,1000.01', 'viewer_vic,1050.00', '']);
		expect((await gtb('Alpha', 'alpha-viewer', 'verify')).content).to.equal(
			`✅ Round #1: its 3 guesses hash to the commitment published at close, \`${commitment}\`.`
		);
	});

	it('enters the final balance from the panel’s form: the top 2 are announced in Kick chat and Discord, once', async () => {
		const asked = await discord.clickButton({ guild: 'Alpha', member: 'alpha-moderator', message: panelNow(), customId: `gtb:panel:${ALPHA}:result` });
		expect(asked.type).to.equal(InteractionResponseType.Modal);
		expect(asked.modal?.custom_id).to.equal(`gtb:result:${ALPHA}`);
		const forged = await discord.submitModal({ guild: 'Beta', member: 'beta-moderator', customId: `gtb:result:${ALPHA}`, fields: { amount: '1' } });
		expect(forged.content).to.equal('This belongs to another server’s guess the balance. Nothing was changed.');
		const entered = await discord.submitModal({ guild: 'Alpha', member: 'alpha-moderator', customId: `gtb:result:${ALPHA}`, fields: { amount: '$1,000' } });
		expect(entered.content).to.equal('Round #1: final balance $1,000.00. Winners: 1. ann ($1,000.01), 2. viewer_vic ($1,050.00).');
		const winners = 'Guess the balance #1: the final balance is $1,000.00. Winners: 1. @ann ($1,000.01), 2. @viewer_vic ($1,050.00)';
		await kick.chat.waitFor((message) => message.channel === 'AlphaStreamer' && message.content === winners);
		await waitUntil(() => discord.messagesIn('Alpha', 'general').some((message) => message.content.startsWith('🏆 **Guess the balance #1**')));
		expect(discord.messagesIn('Alpha', 'general').find((message) => message.content.startsWith('🏆'))?.content).to.equal(
			'🏆 **Guess the balance #1**: the final balance is **$1,000.00**.\n1. ann · $1,000.01 (off by $0.01)\n2. viewer\\_vic · $1,050.00 (off by $50.00)'
		);
		await waitUntil(() => panelNow().embeds[0]?.description?.includes('🏁 finished') === true);
		expect(panelNow().embeds[0]?.description).to.include('1. ann · $1,000.01 (off by $0.01)');

		const again = await gtb('Alpha', 'alpha-moderator', 'result', { amount: '5' });
		expect(again.content).to.equal('Round #1 already has its final balance ($1,000.00). Nothing was changed.');
		await waitUntil(async () =>
			(await under.sql<{ status: string }>(`SELECT status FROM outbox_messages WHERE dedupe_key LIKE '%gtb:round:1:result'`)).every(
				(row) => row.status === 'sent'
			)
		);
		expect(
			await under.sql(`SELECT discord_server_id::text AS server, dedupe_key FROM outbox_messages WHERE dedupe_key LIKE '%gtb:round:1:result' ORDER BY 2`)
		).to.deep.equal([
			{ server: ALPHA, dedupe_key: 'discord:gtb:round:1:result' },
			{ server: ALPHA, dedupe_key: 'kick:gtb:round:1:result' }
		]);
		expect(kickSaid('AlphaStreamer', 'Guess the balance #1: the final balance')).to.have.length(1);
		expect(discord.messagesIn('Alpha', 'general').filter((message) => message.content.startsWith('🏆'))).to.have.length(1);
		expect(kickSaid('BetaStreamer', 'Guess the balance #1: the final balance')).to.deep.equal([]);
	});

	it('acts on the named server only from the dashboard: Beta’s round closes and finishes, Alpha’s stays as it was', async () => {
		await under.publishDashboard({ area: 'gtb', action: 'close', guildId: BETA, data: {} });
		await kick.chat.waitFor((message) => message.channel === 'BetaStreamer' && message.content.startsWith('Guess the balance #1 is closed with 1 guess.'));
		await under.publishDashboard({ area: 'gtb', action: 'result', guildId: BETA, data: { amount: '7' } });
		await kick.chat.waitFor(
			(message) =>
				message.channel === 'BetaStreamer' && message.content === 'Guess the balance #1: the final balance is $7.00. Winner: 1. @viewer_vic ($5.00)'
		);
		expect(await under.sql('SELECT discord_server_id::text AS server, status, final_cents::text AS final FROM gtb_rounds ORDER BY 1')).to.deep.equal([
			{ server: ALPHA, status: 'finished', final: '100000' },
			{ server: BETA, status: 'finished', final: '700' }
		]);
		// Beta has no gtb channel and no slot calls channel: nothing in Discord.
		expect(discord.messagesIn('Beta', 'general').filter((message) => message.content.includes('Guess the balance'))).to.deep.equal([]);
		expect(kickSaid('AlphaStreamer', 'Guess the balance #1 is closed')).to.have.length(1);

		// Alpha opens round #2 from the dashboard; the chat takes guesses for it at once (the open round is cached here and reloaded).
		await under.publishDashboard({ area: 'gtb', action: 'open', guildId: ALPHA, data: {} });
		await kick.chat.waitFor((message) => message.channel === 'AlphaStreamer' && message.content.startsWith('Guess the balance #2 is open!'));
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_val', '!gtb')).to.equal(
			'@viewer_val you have not guessed in round #2 yet: type !gtb <amount>, like !gtb 1234.56.'
		);
		expect(await chatAndAnswer('BetaStreamer', 'viewer_val', '!gtb 3')).to.equal('@viewer_val No guess the balance round is open right now.');
	});

	it('shows each server’s round in its gtb overlay in a browser, and the guess count moving after a !gtb', async () => {
		const browser = await OverlayBrowser.launch();
		try {
			const alpha = await browser.open((await overlayUrlsOf(discord, { guild: 'Alpha', member: 'alpha-moderator' })).get('gtb')!);
			const beta = await browser.open((await overlayUrlsOf(discord, { guild: 'Beta', member: 'beta-moderator' })).get('gtb')!);
			expect([alpha.status, beta.status]).to.deep.equal([200, 200]);
			await alpha.waitForText('0 guesses');
			expect((await alpha.text()).split('\n')).to.deep.equal(['Guess the balance #2', 'Open: type !gtb <amount>', '0 guesses']);
			await beta.waitForText('viewer_vic · $5.00');
			expect((await beta.text()).split('\n')).to.deep.equal(['Guess the balance #1', 'Final balance $7.00', '1 guess', 'viewer_vic · $5.00']);

			await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_val', content: '!gtb 4321.09' });
			await alpha.waitForText('1 guess', { timeoutMs: 10_000 });
			await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'ann', content: '!gtb 1' });
			await alpha.waitForText('2 guesses', { timeoutMs: 10_000 });
			expect(await beta.text(), 'Beta’s overlay shows none of it').to.include('1 guess');
			expect([...alpha.errors, ...beta.errors]).to.deep.equal([]);
		} finally {
			await browser.close();
		}
	});
});
