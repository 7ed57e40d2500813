import { expect } from 'chai';
import type { ButtonInteraction } from 'discord.js';
import { type ChatVariableCatalog, type DeclaredChatVariable, type GuildContext, type GuildRepositories, ofThisServer } from '#core';
import { deleteRows, openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { addModal, answerList, answerVariables, describeCommand, editModal, fieldsOf, nameOf, parseAliases } from '../lib/commandAnswers.js';
import { addModalId, OTHER_SERVER, readAddModalId } from '../lib/commandIds.js';
import type { CustomCommandRecord } from '../lib/CustomCommandsRepository.js';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000011n;
const GUILD_B = 100000000000000012n;

const record = (fields: Partial<CustomCommandRecord>): CustomCommandRecord => ({
	id: 7,
	name: 'hello',
	aliases: [],
	response: 'Hi {user}',
	cooldownSeconds: 0,
	userCooldownSeconds: 0,
	enabled: true,
	access: 'everyone',
	answersIn: 'both',
	liveMode: 'always',
	allowMentions: false,
	useCount: 0,
	createdAt: null,
	updatedAt: null,
	...fields
});

describe('custom-commands: what /command answers', () => {
	describe('names and aliases as typed', () => {
		it('reads a name with or without the server’s prefix or !', () => {
			expect([nameOf('!hi', '!'), nameOf('?hi', '?'), nameOf('!hi', '?'), nameOf(' hi ', '!'), nameOf('hi', 'c!')]).to.deep.equal([
				'hi',
				'hi',
				'hi',
				'hi',
				'hi'
			]);
			expect(nameOf('c!hi', 'c!')).to.equal('hi');
		});

		it('splits aliases on commas and spaces, drops the prefix and empty ones, keeps each once', () => {
			expect(parseAliases(' a, !b  c,,c ,\n d', '!')).to.deep.equal(['a', 'b', 'c', 'd']);
			expect(parseAliases('?x !y ?x', '?')).to.deep.equal(['x', 'y']);
			expect(parseAliases('  , ', '!')).to.deep.equal([]);
		});
	});

	describe('describeCommand', () => {
		it('shows everything about a command, its response in a code block that a ``` in it cannot close', () => {
			const embed = describeCommand(
				record({
					name: 'my_cmd',
					aliases: ['mc', 'x_y'],
					response: 'Code: ```js``` {user}',
					cooldownSeconds: 30,
					userCooldownSeconds: 3600,
					enabled: false,
					access: 'vips',
					answersIn: 'kick',
					liveMode: 'live',
					allowMentions: true,
					useCount: 12345
				}),
				'!'
			);
			expect(embed.title).to.equal('!my\\_cmd (off)');
			expect(embed.description).to.equal('```\nCode: `\u200b``js`\u200b`` {user}\n```');
			expect(embed.fields?.map((field) => `${field.name}: ${field.value}`)).to.deep.equal([
				'Status: off',
				'Aliases: !mc, !x\\_y',
				'Uses: 12,345',
				'Access: VIPs, moderators and the broadcaster',
				'Where: Kick chat only',
				'When: only while live',
				'Cooldown: 30 s',
				'Per-user cooldown: 3,600 s',
				'Mentions: may ping the users it names'
			]);
			expect(describeCommand(record({}), '?').fields?.map((field) => field.value)).to.deep.equal([
				'on',
				'none',
				'0',
				'everyone',
				'Kick chat and Discord',
				'live or offline',
				'none',
				'none',
				'pings nobody'
			]);
		});
	});

	describe('answerList (PostgreSQL)', () => {
		let migrated: MigratedDatabase;
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			migrated = await openMigratedDatabase(postgresEngine, 'command_answers', repositoriesOf(manifest));
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(migrated.database, ['custom_commands']);
			a = migrated.database.forGuild(GUILD_A);
			b = migrated.database.forGuild(GUILD_B);
		});

		it('says a server without commands has none, with no buttons', async () => {
			await b.customCommands.create({ name: 'other', response: 'Beta only' });
			expect(await answerList(a.customCommands, 1, '!')).to.deep.equal({
				content: 'This server has no custom commands yet. Add one with `/command add`, or `!addcom` in Kick chat.'
			});
		});

		it('lists ten commands a page by name, each with its aliases, an off mark and a short preview, and buttons carrying the server', async () => {
			for (let index = 1; index <= 12; index++)
				await a.customCommands.create({ name: `cmd${String(index).padStart(2, '0')}`, response: `Response ${index}` });
			await a.customCommands.create({
				name: 'Zeta_z',
				response: `Line one\n${'long '.repeat(30)}`,
				aliases: ['z1', 'z2', 'z3', 'z4', 'z5'],
				enabled: false
			});
			await b.customCommands.create({ name: 'beta', response: 'Beta only' });

			const first = await answerList(a.customCommands, 1, '?');
			const embed = first.embeds?.[0] as { title: string; description: string; footer: { text: string } };
			expect(embed.title).to.equal('Custom commands (13)');
			expect(embed.description.split('\n')).to.have.length(10);
			expect(embed.description.split('\n')[0]).to.equal('**?cmd01**: Response 1');
			expect(embed.footer.text).to.equal('Page 1 of 2');
			const buttons = (first.components?.[0] as { toJSON(): { components: { custom_id: string; disabled: boolean }[] } }).toJSON().components;
			expect(buttons.map((button) => [button.custom_id, button.disabled])).to.deep.equal([
				[`commands:list:${GUILD_A}:0`, true],
				[`commands:list:${GUILD_A}:2`, false]
			]);

			const second = (await answerList(a.customCommands, 2, '?')).embeds?.[0] as { description: string };
			expect(second.description.split('\n')).to.deep.equal([
				'**?cmd11**: Response 11',
				'**?cmd12**: Response 12',
				`**?Zeta\\_z** (?z1, ?z2, ?z3 +2) · **off**: Line one ${'long '.repeat(10)}…`
			]);
			// A page past the end (commands removed since its button was made) shows the last one.
			const past = await answerList(a.customCommands, 9, '?');
			expect((past.embeds?.[0] as { footer: { text: string } }).footer.text).to.match(/^Page 2 of 2/);
			expect((past.embeds?.[0] as { description: string }).description).to.equal(second.description);
		});
	});

	describe('the forms and their custom ids', () => {
		it('keeps the rules given with /command add in the form’s id, and reads them back', () => {
			const id = addModalId(GUILD_A, 'hug', { access: 'moderators', liveMode: 'offline', cooldownSeconds: 86_400, allowMentions: true });
			expect(id).to.equal(`commands:add:${GUILD_A}:hug:3:-:2:86400:-:y`);
			expect(readAddModalId(id!)).to.deep.equal({
				guildId: String(GUILD_A),
				name: 'hug',
				rules: {
					access: 'moderators',
					answersIn: undefined,
					liveMode: 'offline',
					cooldownSeconds: 86_400,
					userCooldownSeconds: undefined,
					allowMentions: true
				}
			});
			expect(readAddModalId(`commands:add:${GUILD_A}:hug:9:-:-:-:-:-`), 'no such access').to.equal(null);
			// Without rules, the id is the server and the name alone.
			expect(addModalId(GUILD_A, 'hug', {})).to.equal(`commands:add:${GUILD_A}:hug`);
			expect(readAddModalId(`commands:add:${GUILD_A}:hug`)?.rules).to.deep.equal({
				access: undefined,
				answersIn: undefined,
				liveMode: undefined,
				cooldownSeconds: undefined,
				userCooldownSeconds: undefined,
				allowMentions: undefined
			});
			expect(readAddModalId(`commands:edit:${GUILD_A}:3`)).to.equal(null);
		});

		it('opens no form for a name no command can have', () => {
			expect(addModal(GUILD_A, 'has space', {}, [])).to.equal(null);
			expect(addModal(GUILD_A, 'x'.repeat(33), {}, [])).to.equal(null);
			expect(addModal(GUILD_A, '', {}, [])).to.equal(null);
			const form = addModal(GUILD_A, 'ok', {}, ['a', 'b'])!.toJSON();
			expect(form.custom_id).to.equal(`commands:add:${GUILD_A}:ok`);
			const inputs = form.components.map(
				(row) => (row as unknown as { components: { custom_id: string; value?: string; max_length?: number }[] }).components[0]!
			);
			expect(inputs.map((input) => [input.custom_id, input.value, input.max_length])).to.deep.equal([
				['response', undefined, 500],
				['aliases', 'a b', 650]
			]);
		});

		it('fills the edit form with the response and aliases, and opens none for a response longer than it takes', () => {
			const form = editModal(GUILD_B, record({ id: 42, response: 'Hey {user}', aliases: ['yo', 'hey'] }))!.toJSON();
			expect(form.custom_id).to.equal(`commands:edit:${GUILD_B}:42`);
			const values = form.components.map((row) => (row as unknown as { components: { value?: string }[] }).components[0]!.value);
			expect(values).to.deep.equal(['Hey {user}', 'yo hey']);
			expect(editModal(GUILD_B, record({ response: 'x'.repeat(501) }))).to.equal(null);
		});

		it('refuses a form or button made in another server, privately and pinging nobody', async () => {
			const replies: unknown[] = [];
			const interaction = { reply: (answer: unknown) => Promise.resolve(void replies.push(answer)) } as unknown as ButtonInteraction;
			const contextOf = (guildId: bigint) => ({ guildId }) as GuildContext;
			expect(await ofThisServer(interaction, String(GUILD_A), contextOf(GUILD_B), OTHER_SERVER)).to.equal(false);
			expect(replies).to.deep.equal([
				{ content: 'This belongs to another server’s commands. Nothing was changed.', flags: 64, allowedMentions: { parse: [] } }
			]);
			expect(await ofThisServer(interaction, String(GUILD_A), contextOf(GUILD_A), OTHER_SERVER)).to.equal(true);
			expect(replies).to.have.length(1);
		});
	});

	describe('answerVariables', () => {
		const variable = (plugin: string, description: string) => ({ plugin, description, provider: {} }) as unknown as DeclaredChatVariable;

		it('lists the call’s variables and each plugin’s, marking the plugins off in the server', () => {
			const catalog: ChatVariableCatalog = new Map([
				['points', variable('points', 'the viewer’s points')],
				['uptime', variable('kick-chat', 'how long the stream has been live')],
				['points_rank', variable('points', 'the viewer’s place')]
			]);
			const answer = answerVariables(catalog, { pluginIsOn: (plugin) => plugin !== 'points' });
			const fields = answer.embeds?.[0] as { fields: { name: string; value: string }[] };
			expect(fields.fields.map((field) => field.name)).to.deep.equal(['From the call', 'From kick-chat', 'From points (off here)']);
			expect(fields.fields[0]!.value.split('\n')).to.deep.equal([
				'`{user}` who used the command',
				'`{target}` the first word without its @, or who used the command when there is none',
				'`{args}` everything typed after the command',
				'`{arg1}`…`{arg9}` one word typed after the command, by its place (empty when missing)',
				'`{uses}` how many times the command was used, this use included',
				'`{channel}` the server’s Kick channel',
				'`{random 1-100}` a whole number in the range',
				'`{random.pick a|b|c}` one of the choices'
			]);
			expect(fields.fields[2]!.value).to.equal('`{points}` the viewer’s points\n`{points_rank}` the viewer’s place');
		});

		it('splits a long list into fields of at most 1,024 characters, whole lines each', () => {
			const lines = Array.from({ length: 30 }, (_, index) => `${String(index).padStart(2, '0')} ${'v'.repeat(90)}`);
			const fields = fieldsOf('From many', lines);
			expect(fields.map((field) => field.name)).to.deep.equal(['From many', 'From many (more)', 'From many (more)']);
			expect(fields.every((field) => field.value.length <= 1024)).to.equal(true);
			expect(fields.flatMap((field) => field.value.split('\n'))).to.deep.equal(lines);
		});
	});
});
