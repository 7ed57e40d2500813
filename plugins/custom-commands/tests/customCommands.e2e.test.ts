import { expect } from 'chai';
import { InteractionResponseType } from 'discord-api-types/v10';
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

		expect(
			await chatAndAnswer('AlphaStreamer', 'mod_mia', '!addcom stats {user}: {points} points ({points_rank}), {watchtime} watched, {tickets}', MODERATOR)
		).to.equal('Added !stats.');
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!stats')).to.match(/^viewer_vic: 0 points \(unranked\), \d+ min watched, no raffle$/);
		// A plugin switched off in the server: its variables read "(unavailable)", the others still fill.
		await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'plugins_off', value: 'points' }
		});
		// The watch-time tick may have counted a minute of the chat by now.
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!stats')).to.match(
			/^viewer_vic: \(unavailable\) points \(\(unavailable\)\), \d+ min watched, no raffle$/
		);
		await discord.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'settings', subcommand: 'reset', options: { key: 'plugins_off' } });

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

	it('lets moderators manage commands with /command: options, the form, info, pages; viewers and bad input are refused', async () => {
		const command = (guild: string, member: string, subcommand: string, options: Record<string, string | number | boolean> = {}) =>
			discord.runSlashCommand({ guild, member, name: 'command', subcommand, options });
		const viewer = await command('Alpha', 'alpha-viewer', 'add', { name: 'nope', response: 'x' });
		expect([viewer.ephemeral, viewer.content]).to.deep.equal([true, 'Only moderators of this server can change its commands. Nothing was changed.']);
		expect((await command('Alpha', 'alpha-moderator', 'add', { name: 'help', response: 'x' })).content).to.equal(
			'!help is a built-in command of the kick-chat plugin; pick another name. Nothing was changed.'
		);
		expect((await command('Alpha', 'alpha-moderator', 'add', { name: 'timer', response: 'x' })).content, 'a Discord command’s prefix form').to.equal(
			'!timer is a built-in command of the timed-messages plugin; pick another name. Nothing was changed.'
		);
		const added = await command('Alpha', 'alpha-moderator', 'add', {
			name: 'socials',
			response: 'Follow {channel} everywhere',
			aliases: '!links, twitter',
			access: 'subscribers',
			user_cooldown: 30
		});
		expect(added.content).to.equal('Added !socials.');
		expect(added.embeds[0]?.fields?.map((field) => field.value)).to.deep.equal([
			'on',
			'!links, !twitter',
			'0',
			'subscribers, VIPs, moderators and the broadcaster',
			'Kick chat and Discord',
			'live or offline',
			'none',
			'30 s',
			'pings nobody'
		]);
		expect((await command('Alpha', 'alpha-moderator', 'add', { name: 'other', response: 'x', aliases: 'LINKS' })).content).to.equal(
			'!links is already an alias of !socials here. Nothing was changed.'
		);
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!twitter', [{ type: 'subscriber', text: 'Subscriber' }])).to.equal(
			'Follow alphastreamer everywhere'
		);

		// Without a response, a form; its custom id carries the server.
		const form = await command('Alpha', 'alpha-moderator', 'add', { name: 'rules' });
		expect([form.type, form.modal?.custom_id]).to.deep.equal([InteractionResponseType.Modal, `commands:add:${ALPHA}:rules`]);
		const crossForm = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `commands:add:${ALPHA}:rules`,
			fields: { response: 'Beta rules?', aliases: '' }
		});
		expect(crossForm.content).to.equal('This belongs to another server’s commands. Nothing was changed.');
		const submitted = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-moderator',
			customId: String(form.modal!.custom_id),
			fields: { response: 'Be kind.\nNo spam.', aliases: 'r' }
		});
		expect([submitted.ephemeral, submitted.content]).to.deep.equal([true, 'Added !rules.']);
		expect(await rowsNamed('rules')).to.equal(1);

		const info = await command('Alpha', 'alpha-viewer', 'info', { command: '!r' });
		expect([info.embeds[0]?.title, info.embeds[0]?.description]).to.deep.equal(['!rules', '```\nBe kind.\nNo spam.\n```']);
		expect((await command('Alpha', 'alpha-moderator', 'disable', { command: 'rules' })).content).to.equal('Switched off !rules.');
		const edited = await command('Alpha', 'alpha-moderator', 'edit', { command: 'rules', name: 'guidelines', when: 'live' });
		expect([edited.content, edited.embeds[0]?.title]).to.deep.equal(['Changed !guidelines.', '!guidelines (off)']);
		const editForm = await command('Alpha', 'alpha-moderator', 'edit', { command: 'guidelines' });
		expect(editForm.type).to.equal(InteractionResponseType.Modal);
		expect((await command('Beta', 'beta-moderator', 'remove', { command: 'guidelines' })).content, 'Alpha’s command is no command of Beta').to.equal(
			'This server has no custom command !guidelines. Nothing was changed.'
		);
		expect((await command('Alpha', 'alpha-moderator', 'remove', { command: 'guidelines' })).content).to.equal('Removed !guidelines.');

		// Pages of ten; Alpha's page button clicked in Beta reads nothing of Alpha.
		for (let index = 1; index <= 10; index++) await command('Alpha', 'alpha-moderator', 'add', { name: `filler${index}`, response: `Filler ${index}` });
		const first = await command('Alpha', 'alpha-viewer', 'list');
		expect(first.embeds[0]?.footer?.text).to.equal('Page 1 of 2');
		const second = await discord.clickButton({ guild: 'Alpha', member: 'alpha-viewer', message: first.message!, customId: `commands:list:${ALPHA}:2` });
		expect(second.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(second.message?.embeds[0]?.description?.split('\n')).to.have.length.within(1, 10);
		const betaMessage = await discord.sendMessage({ guild: 'Beta', channel: 'general', member: 'beta-viewer', content: '!command list' });
		const cross = await discord.clickButton({ guild: 'Beta', member: 'beta-viewer', message: betaMessage, customId: `commands:list:${ALPHA}:2` });
		expect(cross.content).to.equal('This belongs to another server’s commands. Nothing was changed.');

		const variables = await command('Alpha', 'alpha-viewer', 'variables');
		expect(variables.embeds[0]?.fields?.map((field) => field.name)).to.include.members([
			'From the call',
			'From points',
			'From watchtime',
			'From raffles',
			'From kick-chat'
		]);
	});
});
