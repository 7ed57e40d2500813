import { expect } from 'chai';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';

const ALPHA = '1970000000000000700';
const BETA = '1970000000000000800';

interface CommandRow extends Record<string, unknown> {
	id: number;
	command: string;
	aliases: string[];
	response: string;
	cooldown: number;
	user_cooldown: number;
	enabled: boolean;
	access: string;
	answers_in: string;
	live_mode: string;
	allow_mentions: boolean;
}

describe('custom-commands: /command in Discord, its form and its pages, per server, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;

	const command = (guild: string, member: string, subcommand: string, options: Record<string, string | number | boolean> = {}) =>
		discord.runSlashCommand({ guild, member, name: 'command', subcommand, options });
	const rowsOf = (guildId: string) =>
		under.sql<CommandRow>(
			`SELECT id, command, aliases, response, cooldown, user_cooldown, enabled, access, answers_in, live_mode, allow_mentions
			FROM custom_commands WHERE discord_server_id = $1 ORDER BY id`,
			[guildId]
		);
	const rowNamed = async (guildId: string, name: string) => (await rowsOf(guildId)).find((row) => row.command === name);
	/** What a modal the bot showed holds: each text input's id and value. */
	const inputsOf = (modal: Readonly<Record<string, unknown>> | null) =>
		(modal?.components as { components: { custom_id: string; value?: string }[] }[]).map((row) => [row.components[0]!.custom_id, row.components[0]!.value]);

	before(async () => {
		setup = await KickUnderTest.start({ eventsVia: 'webhook', users: [{ username: 'AlphaStreamer' }, { username: 'BetaStreamer' }] });
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug', DASHBOARD_SECRET: 'e2e-dashboard-secret-command-0123456789' }
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

	it('refuses changes by members who are not moderators, built-in names and unknown variables with one private line, writing nothing', async () => {
		const refusal = 'Only moderators of this server can change its commands. Nothing was changed.';
		const viewer = await command('Alpha', 'alpha-viewer', 'add', { name: 'sneaky', response: 'I did this' });
		expect([viewer.ephemeral, viewer.content]).to.deep.equal([true, refusal]);
		const viewerForm = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-viewer',
			customId: `commands:add:${ALPHA}:sneaky`,
			fields: { response: 'I did this', aliases: '' }
		});
		expect([viewerForm.ephemeral, viewerForm.content]).to.deep.equal([true, refusal]);
		const viewerPrefix = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-viewer',
			content: '!command add sneaky I did this'
		});
		expect(viewerPrefix.content).to.equal(refusal);

		const points = await command('Alpha', 'alpha-moderator', 'add', { name: 'points', response: 'Mine now' });
		expect([points.ephemeral, points.content]).to.deep.equal([
			true,
			'!points is a built-in command of the points plugin; pick another name. Nothing was changed.'
		]);
		const help = await command('Alpha', 'alpha-moderator', 'add', { name: 'hi', response: 'Hello', aliases: 'hey, !help' });
		expect(help.content).to.equal('!help is a built-in command of the kick-chat plugin; pick another name. Nothing was changed.');
		const nope = await command('Alpha', 'alpha-moderator', 'add', { name: 'oops', response: 'You have {nope}' });
		expect(nope.content).to.equal('Unknown variable {nope}: /command variables lists them. Nothing was changed.');
		const badName = await command('Alpha', 'alpha-moderator', 'add', { name: 'two words' });
		expect([badName.type, badName.content]).to.deep.equal([
			InteractionResponseType.ChannelMessageWithSource,
			'`two words` cannot name a command: 1 to 32 letters, digits, dashes or underscores, without the prefix. Nothing was added.'
		]);
		const badForm = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-moderator',
			customId: `commands:add:${ALPHA}:oops`,
			fields: { response: '{random 9-1}', aliases: '' }
		});
		expect([badForm.ephemeral, badForm.content]).to.deep.equal([true, '{random 9-1}: the first number must not be above the second. Nothing was changed.']);
		expect(await rowsOf(ALPHA)).to.deep.equal([]);
	});

	it('adds a command with its rules in the slash form, through the form, and in the prefix form, answering privately with everything about it', async () => {
		const added = await command('Alpha', 'alpha-moderator', 'add', {
			name: '!hello',
			response: 'Hi {user} @everyone',
			aliases: 'hi, !hey',
			access: 'moderators',
			when: 'live',
			cooldown: 30,
			user_cooldown: 90,
			allow_mentions: true
		});
		expect([added.ephemeral, added.content]).to.deep.equal([true, 'Added !hello.']);
		expect(added.embeds[0]?.title).to.equal('!hello');
		expect(added.embeds[0]?.description).to.equal('```\nHi {user} @everyone\n```');
		expect(added.embeds[0]?.fields?.map((field) => `${field.name}: ${field.value}`)).to.deep.equal([
			'Status: on',
			'Aliases: !hi, !hey',
			'Uses: 0',
			'Access: moderators and the broadcaster',
			'Where: Kick chat and Discord',
			'When: only while live',
			'Cooldown: 30 s',
			'Per-user cooldown: 90 s',
			'Mentions: may ping the users it names'
		]);
		expect(added.message?.mention_everyone, 'the answer pings nobody').to.equal(false);

		const form = await command('Alpha', 'alpha-moderator', 'add', { name: 'hug', aliases: 'cuddle', where: 'discord', allow_mentions: false });
		expect(form.type).to.equal(InteractionResponseType.Modal);
		expect(form.modal?.custom_id).to.equal(`commands:add:${ALPHA}:hug:-:2:-:-:-:n`);
		expect(inputsOf(form.modal)).to.deep.equal([
			['response', undefined],
			['aliases', 'cuddle']
		]);
		const hugged = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-moderator',
			customId: String(form.modal!.custom_id),
			fields: { response: '{user} hugs {target}!', aliases: 'cuddle, squeeze' }
		});
		expect([hugged.ephemeral, hugged.content]).to.deep.equal([true, 'Added !hug.']);

		const prefixed = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-moderator',
			content: '!command add rules Be nice, {user}.'
		});
		expect(prefixed.content).to.equal('Added !rules.');
		const usage = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-moderator', content: '!command add lonely' });
		expect(usage.content).to.equal('Say what it answers: `!command add <name> <response>`. Nothing was added.');

		expect(await rowsOf(ALPHA)).to.deep.equal([
			{
				id: (await rowNamed(ALPHA, 'hello'))!.id,
				command: 'hello',
				aliases: ['hi', 'hey'],
				response: 'Hi {user} @everyone',
				cooldown: 30,
				user_cooldown: 90,
				enabled: true,
				access: 'moderators',
				answers_in: 'both',
				live_mode: 'live',
				allow_mentions: true
			},
			{
				id: (await rowNamed(ALPHA, 'hug'))!.id,
				command: 'hug',
				aliases: ['cuddle', 'squeeze'],
				response: '{user} hugs {target}!',
				cooldown: 0,
				user_cooldown: 0,
				enabled: true,
				access: 'everyone',
				answers_in: 'discord',
				live_mode: 'always',
				allow_mentions: false
			},
			{
				id: (await rowNamed(ALPHA, 'rules'))!.id,
				command: 'rules',
				aliases: [],
				response: 'Be nice, {user}.',
				cooldown: 0,
				user_cooldown: 0,
				enabled: true,
				access: 'everyone',
				answers_in: 'both',
				live_mode: 'always',
				allow_mentions: false
			}
		]);
		// The command answers at once in Discord: the change reached the command tables.
		const hug = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-viewer', content: '!squeeze' });
		expect(hug.content).to.equal('alpha-viewer hugs alpha-viewer!');
	});

	it('edits, switches off and on, shows and removes a command named by its name or an alias, with or without the prefix', async () => {
		const edited = await command('Alpha', 'alpha-moderator', 'edit', { command: '!hey', name: 'greet', response: 'Hello {user}', access: 'everyone' });
		expect(edited.content).to.equal('Changed !greet.');
		expect(edited.embeds[0]?.fields?.find((field) => field.name === 'Access')?.value).to.equal('everyone');

		const form = await command('Alpha', 'alpha-moderator', 'edit', { command: 'greet' });
		expect(form.type).to.equal(InteractionResponseType.Modal);
		const id = (await rowNamed(ALPHA, 'greet'))!.id;
		expect(form.modal?.custom_id).to.equal(`commands:edit:${ALPHA}:${id}`);
		expect(inputsOf(form.modal)).to.deep.equal([
			['response', 'Hello {user}'],
			['aliases', 'hi hey']
		]);
		const submitted = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-moderator',
			customId: String(form.modal!.custom_id),
			fields: { response: 'Welcome, {user}!', aliases: 'hi' }
		});
		expect(submitted.content).to.equal('Changed !greet.');
		const cleared = await command('Alpha', 'alpha-moderator', 'edit', { command: 'hi', no_aliases: true });
		expect(cleared.embeds[0]?.fields?.find((field) => field.name === 'Aliases')?.value).to.equal('none');

		expect((await command('Alpha', 'alpha-moderator', 'disable', { command: 'greet' })).content).to.equal('Switched off !greet.');
		expect((await command('Alpha', 'alpha-moderator', 'disable', { command: '!greet' })).content).to.equal('!greet is already off. Nothing was changed.');
		expect((await rowNamed(ALPHA, 'greet'))?.enabled).to.equal(false);
		const info = await command('Alpha', 'alpha-moderator', 'info', { command: 'GREET' });
		expect([info.ephemeral, info.embeds[0]?.title, info.embeds[0]?.description]).to.deep.equal([true, '!greet (off)', '```\nWelcome, {user}!\n```']);
		expect(info.embeds[0]?.fields?.find((field) => field.name === 'Status')?.value).to.equal('off');
		expect((await command('Alpha', 'alpha-moderator', 'enable', { command: 'greet' })).content).to.equal('Switched on !greet.');
		expect((await rowNamed(ALPHA, 'greet'))?.enabled).to.equal(true);

		const prefixEdit = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-moderator',
			content: '!command edit rules Be kind.'
		});
		expect(prefixEdit.content).to.equal('Changed !rules.');
		expect((await rowNamed(ALPHA, 'rules'))?.response).to.equal('Be kind.');

		expect((await command('Alpha', 'alpha-moderator', 'remove', { command: 'greet' })).content).to.equal('Removed !greet.');
		expect(await rowNamed(ALPHA, 'greet')).to.equal(undefined);
		expect((await command('Alpha', 'alpha-moderator', 'info', { command: 'greet' })).content).to.equal(
			'This server has no custom command !greet. Nothing was changed.'
		);
	});

	it('lists the commands ten a page with Previous and Next, and the variables with their plugins, for everyone', async () => {
		await under.sql(
			"INSERT INTO custom_commands (discord_server_id, command, response) SELECT $1, 'filler' || lpad(n::text, 2, '0'), 'Filler ' || n FROM generate_series(1, 10) AS n",
			[ALPHA]
		);
		await command('Alpha', 'alpha-moderator', 'disable', { command: 'filler10' });
		const list = await command('Alpha', 'alpha-moderator', 'list');
		expect(list.embeds[0]?.title).to.equal('Custom commands (12)');
		expect(list.embeds[0]?.footer?.text).to.equal('Page 1 of 2');
		expect(list.embeds[0]?.description?.split('\n').slice(0, 2)).to.deep.equal(['**!filler01**: Filler 1', '**!filler02**: Filler 2']);
		expect(list.embeds[0]?.description?.split('\n').at(-1)).to.equal('**!filler10** · **off**: Filler 10');
		const second = await discord.clickButton({ guild: 'Alpha', member: 'alpha-moderator', message: list.message!, customId: `commands:list:${ALPHA}:2` });
		expect(second.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(second.message?.embeds[0]?.description?.split('\n')).to.deep.equal([
			'**!hug** (!cuddle, !squeeze): {user} hugs {target}!',
			'**!rules**: Be kind.'
		]);
		expect(second.message?.embeds[0]?.footer?.text).to.match(/^Page 2 of 2/);
		// Everyone may read the list, the commands and the variables.
		const viewerList = await command('Alpha', 'alpha-viewer', 'list', { page: 2 });
		expect(viewerList.embeds[0]?.description).to.equal(second.message?.embeds[0]?.description);
		const back = await discord.clickButton({ guild: 'Alpha', member: 'alpha-viewer', message: viewerList.message!, customId: `commands:list:${ALPHA}:1` });
		expect(back.message?.embeds[0]?.footer?.text).to.equal('Page 1 of 2');
		expect((await command('Alpha', 'alpha-viewer', 'info', { command: 'cuddle' })).embeds[0]?.title).to.equal('!hug');
		const prefixList = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-moderator', content: '!command' });
		expect(prefixList.embeds[0]?.title).to.equal('Custom commands (12)');

		const variables = await command('Alpha', 'alpha-viewer', 'variables');
		const fields = variables.embeds[0]?.fields ?? [];
		expect(fields.map((field) => field.name)).to.deep.equal(['From the call', 'From kick-chat', 'From points', 'From raffles', 'From watchtime']);
		expect(fields.every((field) => field.value.length <= 1024)).to.equal(true);
		expect(fields.find((field) => field.name === 'From points')?.value).to.match(/^`\{points\}` the viewer’s points/);
	});

	it('refuses another server’s buttons, forms and commands in server B, reading and changing nothing of server A', async () => {
		const before = await under.sql('SELECT * FROM custom_commands ORDER BY id');
		const hug = (await rowNamed(ALPHA, 'hug'))!;
		const otherServer = 'This belongs to another server’s commands. Nothing was changed.';

		const betaList = await command('Beta', 'beta-moderator', 'list');
		expect(betaList.content).to.equal('This server has no custom commands yet. Add one with `/command add`, or `!addcom` in Kick chat.');
		const crossed = await discord.clickButton({
			guild: 'Beta',
			member: 'beta-moderator',
			message: betaList.message!,
			customId: `commands:list:${ALPHA}:2`
		});
		expect([crossed.ephemeral, crossed.content, crossed.embeds]).to.deep.equal([true, otherServer, []]);
		const editForm = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `commands:edit:${ALPHA}:${hug.id}`,
			fields: { response: 'Mine now', aliases: '' }
		});
		expect(editForm.content).to.equal(otherServer);
		const addForm = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `commands:add:${ALPHA}:stolen`,
			fields: { response: 'Added to Alpha?', aliases: '' }
		});
		expect(addForm.content).to.equal(otherServer);
		const ownId = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `commands:edit:${BETA}:${hug.id}`,
			fields: { response: 'Mine now', aliases: '' }
		});
		expect(ownId.content).to.equal('That command was removed meanwhile. Nothing was changed.');
		for (const subcommand of ['info', 'disable', 'remove']) {
			const answer = await command('Beta', 'beta-moderator', subcommand, { command: 'hug' });
			expect(answer.content, subcommand).to.equal('This server has no custom command !hug. Nothing was changed.');
		}
		expect(await under.sql('SELECT * FROM custom_commands ORDER BY id')).to.deep.equal(before);

		// Beta may use the same names as Alpha.
		const betaHug = await command('Beta', 'beta-moderator', 'add', { name: 'hug', response: 'Beta hugs' });
		expect(betaHug.content).to.equal('Added !hug.');
		expect((await rowNamed(ALPHA, 'hug'))?.response).to.equal('{user} hugs {target}!');
	});
});
