import { expect } from 'chai';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';

const ALPHA = '1970000000000000500';
const BETA = '1970000000000000600';
const MODERATOR = [{ type: 'moderator', text: 'Moderator' }];

describe('custom-commands: !commands in each server’s Kick chat and Discord, made from chat, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;

	const chatAndAnswer = async (broadcaster: string, sender: string, content: string, badges: readonly { type: string; text: string }[] = []) => {
		const asked = await kick.chatAs({ broadcaster, sender, content, badges });
		return (await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id)).content;
	};
	const rowsNamed = async (name: string) =>
		(await under.sql<{ n: number }>('SELECT count(*)::int AS n FROM custom_commands WHERE command = $1', [name])).at(0)!.n;

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }, { username: 'viewer_vic' }, { username: 'mod_mia' }]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug', DASHBOARD_SECRET: 'e2e-dashboard-secret-commands-0123456789' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/HTTP: listening on 127\.0\.0\.1:/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('lets chat moderators add, edit and remove commands, each server answering its own', async () => {
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!addcom hello Hi {user}, welcome to {channel}!', MODERATOR)).to.equal('Added !hello.');
		expect(await chatAndAnswer('BetaStreamer', 'mod_mia', '!addcom !Hello Beta says hello', MODERATOR)).to.equal('Added !Hello.');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!HELLO')).to.equal('Hi viewer_vic, welcome to alphastreamer!');
		expect(await chatAndAnswer('BetaStreamer', 'viewer_vic', '!hello')).to.equal('Beta says hello');

		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!editcom hello Hello again, {user}', MODERATOR)).to.equal('Changed !hello.');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!hello')).to.equal('Hello again, viewer_vic');
		expect(await chatAndAnswer('BetaStreamer', 'mod_mia', '!delcom hello', MODERATOR)).to.equal('Removed !Hello.');
		expect(await chatAndAnswer('BetaStreamer', 'mod_mia', '!delcom hello', MODERATOR)).to.equal('There is no custom command !hello here.');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!hello'), 'Beta’s removal left Alpha’s').to.equal('Hello again, viewer_vic');
	});

	it('refuses built-in names, unknown variables and long responses with one line, writing nothing; viewers cannot add', async () => {
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!addcom points Mine now', MODERATOR)).to.equal(
			'!points is a built-in command of the points plugin; pick another name. Nothing was changed.'
		);
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!addcom addcom Mine now', MODERATOR)).to.equal(
			'!addcom is a built-in command of the custom-commands plugin; pick another name. Nothing was changed.'
		);
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!addcom oops You have {pionts}', MODERATOR)).to.equal(
			'Unknown variable {pionts}: /command variables lists them. Nothing was changed.'
		);
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', `!addcom long ${'y'.repeat(480)}`, MODERATOR)).to.equal('Added !long.');
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!addcom', MODERATOR)).to.equal('Usage: !addcom <name> <response>');
		// A viewer's !addcom is refused in silence (chat bots do not scold); the next message is answered, and nothing was added.
		await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: '!addcom sneaky I did this', badges: [] });
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!hello')).to.equal('Hello again, viewer_vic');
		expect([await rowsNamed('points'), await rowsNamed('addcom'), await rowsNamed('oops'), await rowsNamed('sneaky')]).to.deep.equal([0, 0, 0, 0]);
	});

	it('prints what a viewer typed as typed: no variable filled from {args}, no ping in Discord', async () => {
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!addcom echo {user} said: {args}', MODERATOR)).to.equal('Added !echo.');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!echo {points} {user} @everyone')).to.equal('viewer_vic said: {points} {user} @everyone');

		const moderatorId = discord.guild('Alpha').member('alpha-moderator').userId;
		const roleId = discord.guild('Alpha').role('Moderator').id;
		const answer = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-viewer',
			content: `!echo @everyone @here <@${moderatorId}> <@&${roleId}>`
		});
		expect(answer.content).to.equal(`alpha-viewer said: @everyone @here <@${moderatorId}> <@&${roleId}>`);
		expect([answer.mention_everyone, answer.mentions.length, answer.mention_roles.length], 'nobody pinged').to.deep.equal([false, 0, 0]);
	});

	it('answers in Discord only commands that answer there, and reloads a server’s commands when the dashboard says so', async () => {
		await under.sql(
			"UPDATE custom_commands SET answers_in = 'discord', response = 'Only in Discord, {user}' WHERE discord_server_id = $1 AND command = 'hello'",
			[ALPHA]
		);
		await under.publishDashboard({ area: 'commands', action: 'reload', guildId: ALPHA, data: {} });
		const answer = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-viewer', content: '!hello' });
		expect(answer.content).to.equal('Only in Discord, alpha-viewer');
		// Kick chat no longer answers it: the next command's answer is the first reply.
		await kick.chatAs({ broadcaster: 'AlphaStreamer', sender: 'viewer_vic', content: '!hello', badges: [] });
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!echo after')).to.equal('viewer_vic said: after');
		expect(kick.chat.list('AlphaStreamer').some((message) => message.content.startsWith('Only in Discord'))).to.equal(false);
	});
});
