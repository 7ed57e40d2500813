import { expect } from 'chai';
import { ApplicationCommandType } from 'discord-api-types/v10';
import { connectPostgres } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import type { BotProcess } from '#test/e2e/BotProcess';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { everyPluginRepositories } from '#test/helpers/databases';
import { pluginCommandNames } from '#test/helpers/loadedPlugins';
import type { TestDatabase } from '#test/helpers/postgres';

const ALPHA = '1400000000000000100';
const BETA = '1400000000000000200';
const GAMMA = '1400000000000000300';
/** The core's own application commands; the plugins' come from their folders. */
const CORE_COMMANDS = ['kick', 'overlay', 'settings'];

interface ServerRow extends Record<string, unknown> {
	id: string;
	name: string | null;
	created_at: Date | null;
	left_at: Date | null;
}

describe('The bot end to end, in several servers of the Discord stand-in', function () {
	this.timeout(60_000);

	let under: BotUnderTest;
	let standIn: DiscordStandIn;
	let testDatabase: TestDatabase;
	let bot: BotProcess;
	let everyCommand: string[];

	const servers = () =>
		under.sql<ServerRow>('SELECT discord_server_id::text AS id, server_name AS name, created_at, left_at FROM servers ORDER BY discord_server_id');
	const startBot = async () => (bot = await under.startBot());
	/** The slash commands registered globally, by name (context menus are the plugins' to declare, checked by kind below). */
	const slashCommandNames = () =>
		standIn.commands
			.list(null)
			.filter((command) => (command.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput)
			.map((command) => command.name)
			.sort();

	before(async () => {
		under = await BotUnderTest.start({ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] });
		({ standIn, database: testDatabase, bot } = under);
		everyCommand = [...CORE_COMMANDS, ...(await pluginCommandNames())].sort();
	});

	after(async () => {
		await under?.stop();
	});

	it('comes up in both servers and records them', async () => {
		await bot.waitForLine(/Ready as .* in 2 server\(s\)/);
		expect(bot.text()).to.match(/Database: PostgreSQL/);
		const rows = await servers();
		expect(rows.map((row) => [row.id, row.name, row.left_at])).to.deep.equal([
			[ALPHA, 'Alpha', null],
			[BETA, 'Beta', null]
		]);
	});

	it('answers /health and /ready with Kick off: the HTTP server listens whatever is configured', async () => {
		expect(bot.text()).to.match(/Kick: off/);
		const health = await fetch(`${under.publicUrl}/health`);
		expect([health.status, await health.json()]).to.deep.equal([200, { status: 'ok' }]);
		const ready = await fetch(`${under.publicUrl}/ready`);
		expect([ready.status, await ready.json()]).to.deep.equal([
			200,
			{ ready: true, notReady: [], checks: { discord: 'ok', database: 'ok', migrations: 'ok', redis: 'ok' } }
		]);
	});

	it('registers its application commands globally, in one bulk overwrite', () => {
		expect(slashCommandNames(), 'the core’s commands and those of the plugins’ folders').to.deep.equal(everyCommand);
		const others = standIn.commands.list(null).filter((command) => !everyCommand.includes(command.name));
		expect(
			others.filter((command) => command.type !== ApplicationCommandType.User && command.type !== ApplicationCommandType.Message),
			'everything else registered is a context menu'
		).to.deep.equal([]);
		expect(standIn.commands.calls).to.deep.equal({ created: 0, edited: 0, deleted: 0, bulkOverwrites: 1 });
		expect(standIn.commands.list(ALPHA)).to.deep.equal([]);
	});

	it('keeps the first start’s log clean at the default LOG_LEVEL: no line asks to add command ids to idHints', () => {
		expect(bot.text()).to.match(/ApplicationCommandRegistries: Took .*ms to initialize/);
		expect(
			bot
				.text()
				.split('\n')
				.filter((line) => /idHints/i.test(line))
		).to.deep.equal([]);
	});

	for (const [guild, name] of [
		['Alpha', 'alpha'],
		['Beta', 'beta']
	] as const) {
		// Flat tests, not a describe: mocha runs a suite's own tests before its nested suites, and these must run before Beta is left.
		{
			it(`${guild}: answers /ping, then edits in the round trip`, async () => {
				const answer = await standIn.runSlashCommand({ guild, member: `${name}-viewer`, name: 'ping' });
				expect(answer.content).to.equal('Pinging…');
				const edited = await answer.interaction.waitForEdit();
				expect(edited.content).to.match(/^Pong! Round trip \d+ ms/);
			});

			it(`${guild}: answers /about with the servers it is in`, async () => {
				const answer = await standIn.runSlashCommand({ guild, member: `${name}-viewer`, name: 'about' });
				expect(answer.ephemeral).to.equal(false);
				const fields = Object.fromEntries((answer.embeds[0]?.fields ?? []).map((field) => [field.name, field.value]));
				expect(fields).to.include({ Servers: '2', Database: 'PostgreSQL' });
				expect(fields.Plugins).to.contain('core-info');
			});

			it(`${guild}: answers /server about this server and no other`, async () => {
				const answer = await standIn.runSlashCommand({ guild, member: `${name}-moderator`, name: 'server' });
				expect(answer.embeds[0]?.title).to.equal(guild);
				const id = guild === 'Alpha' ? ALPHA : BETA;
				expect(answer.embeds[0]?.fields?.[0]?.value).to.equal(`${guild} (\`${id}\`)`);
			});

			it(`${guild}: answers the prefix forms !ping and !server`, async () => {
				const pong = await standIn.sendMessage({ guild, member: `${name}-viewer`, content: '!ping' });
				expect(pong.content).to.equal('Pinging…');
				const server = await standIn.sendMessage({ guild, member: `${name}-viewer`, content: '!server' });
				expect(server.embeds[0]?.title).to.equal(guild);
			});
		}
	}

	it('tells a user who runs a server-only command in a DM that it works in a server only', async () => {
		const answer = await standIn.runSlashCommandInDm({ user: 'alpha-viewer', name: 'server' });
		expect(answer.ephemeral).to.equal(true);
		expect(answer.content).to.equal('`/server` works in a server only: use it in a channel of the server it is about.');
		const about = await standIn.runSlashCommandInDm({ user: 'alpha-viewer', name: 'about' });
		expect(about.embeds[0]?.title, 'commands that are not about a server still work in DMs').to.equal('Kick community bot');
	});

	it('answers prefix commands in a DM, with the default prefix', async () => {
		const pong = await standIn.sendDirectMessage({ user: 'beta-viewer', content: '!ping' });
		expect(pong.content).to.equal('Pinging…');
		const about = await standIn.sendDirectMessage({ user: 'beta-viewer', content: '!about' });
		expect(about.embeds[0]?.title).to.equal('Kick community bot');
	});

	it('records a server it joins while running', async () => {
		const from = bot.mark();
		standIn.addGuild(community(GAMMA, 'Gamma', 'gamma'));
		await bot.waitForLine(/Joined server Gamma/, { from });
		const gamma = (await servers()).find((row) => row.id === GAMMA);
		expect(gamma).to.deep.include({ name: 'Gamma', left_at: null });
		const answer = await standIn.runSlashCommand({ guild: 'Gamma', member: 'gamma-viewer', name: 'server' });
		expect(answer.embeds[0]?.title).to.equal('Gamma');
	});

	it('marks a server it is removed from as left and keeps its data', async () => {
		const connection = connectPostgres(testDatabase.url, { poolSize: 1 });
		const database = new Database(connection, { repositories: await everyPluginRepositories() });
		try {
			await database.forGuild(BETA).points.award('beta-viewer', 25);
			const from = bot.mark();
			standIn.removeGuild('Beta');
			await bot.waitForLine(/Left server Beta/, { from });
			const rows = await servers();
			expect(rows.find((row) => row.id === BETA)?.left_at).to.be.an.instanceOf(Date);
			expect(rows.filter((row) => row.left_at === null).map((row) => row.id)).to.deep.equal([ALPHA, GAMMA]);
			expect((await database.forGuild(BETA).points.get('beta-viewer'))?.points).to.equal(25);
		} finally {
			await database.close();
		}
	});

	it('resumes after its connection drops, and keeps answering', async () => {
		expect(await standIn.disconnect()).to.equal('resumed');
		const answer = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'about' });
		expect(answer.embeds[0]?.fields?.find((field) => field.name === 'Servers')?.value).to.equal('2');
	});

	it('identifies again when its session is invalidated, and keeps answering', async () => {
		expect(await standIn.disconnect({ invalidateSession: true })).to.equal('identified');
		const answer = await standIn.sendMessage({ guild: 'Gamma', member: 'gamma-viewer', content: '!server' });
		expect(answer.embeds[0]?.title).to.equal('Gamma');
	});

	it('restarts with its commands unchanged (same ids) and without losing a server', async () => {
		const before = await servers();
		const registered = () =>
			standIn.commands.list(null).map((command) => ({ id: command.id, name: command.name, description: command.description, options: command.options }));
		const commands = registered();
		const calls = { ...standIn.commands.calls };
		expect(await bot.stop()).to.deep.equal({ code: 0, signal: null });

		await startBot();
		await bot.waitForLine(/Ready as .* in 2 server\(s\)/);
		expect(standIn.commands.calls, 'one bulk overwrite, nothing created or deleted').to.deep.equal({ ...calls, bulkOverwrites: calls.bulkOverwrites + 1 });
		expect(registered(), 'the same commands with the same ids').to.deep.equal(commands);
		expect(
			bot
				.text()
				.split('\n')
				.filter((line) => /idHints/i.test(line))
		).to.deep.equal([]);
		expect(await servers()).to.deep.equal(before);
		const answer = await standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-viewer', name: 'server' });
		expect(answer.embeds[0]?.title).to.equal('Alpha');
	});

	it('at start, updates a command Discord holds differently from the code, and removes one the code no longer has', async () => {
		const about = standIn.commands.find('about', null)!;
		standIn.commands.edit(about.id, { ...about, description: 'An outdated description' }, null);
		standIn.commands.create({ name: 'points', description: 'A command of a plugin that was removed' }, null);
		await bot.stop();

		await startBot();
		expect(standIn.commands.find('about', null)?.description).to.equal('Tells what this bot is: version, servers, uptime and the plugins it runs.');
		expect(standIn.commands.find('about', null)?.id, 'it keeps its id').to.equal(about.id);
		expect(slashCommandNames()).to.deep.equal(everyCommand);
	});
});
