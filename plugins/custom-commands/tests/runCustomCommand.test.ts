import { expect } from 'chai';
import type { ChatVariableCatalog, GuildContext, GuildSettings, KickBadge } from '#core';
import { deleteRows, migrate, openDatabaseAt, repositoriesOf } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { createTestDatabase, type TestDatabase } from '#test/helpers/postgres';
import { testSharedState, type SharedState } from '#test/helpers/sharedState';
import { kickCallerLevel, discordCallerLevel, type CallerLevel } from '../lib/callerLevel.js';
import { CommandTables } from '../lib/CommandTable.js';
import type { CustomCommandFields } from '../lib/CustomCommandsRepository.js';
import { runCustomCommand, type CustomCommandCall, type CustomCommandOutcome } from '../lib/runCustomCommand.js';
import { UseCounter } from '../lib/UseCounter.js';
import manifest from '../plugin.js';

// Custom commands run by two bot processes (two database pools, two Redis connections, two command
// tables) over the real PostgreSQL and Redis, on a fake clock the cooldowns count by.

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const START = Date.UTC(2030, 0, 1, 20, 0, 0);
const SECOND = 1000;
const SETTINGS = { get: (key: string) => (key === 'kick_channel' ? 'alpha_tv' : key === 'plugins_off' ? [] : null) } as unknown as GuildSettings;
const NO_VARIABLES: ChatVariableCatalog = new Map();

interface BotProcess {
	readonly database: ReturnType<typeof openDatabaseAt>;
	readonly shared: SharedState;
	readonly tables: CommandTables;
	readonly uses: UseCounter;
}

describe('custom-commands: running a command (two processes, fake clock, PostgreSQL and Redis)', function () {
	this.timeout(60_000);
	// Command ids start again in every test database: a prefix of the run's own keeps older cooldowns out.
	const keyPrefix = `kickbot-test-custom-commands-${process.pid}-${Date.now()}`;
	let testDatabase: TestDatabase;
	let one: BotProcess;
	let two: BotProcess;
	let clock: number;

	const openProcess = (): BotProcess => ({
		database: openDatabaseAt(testDatabase.url, repositoriesOf(manifest)),
		shared: testSharedState(keyPrefix),
		tables: new CommandTables({ catalog: () => NO_VARIABLES }),
		uses: new UseCounter({ flushEveryMs: 3_600_000 })
	});

	const contextOf = (bot: BotProcess, guildId: bigint): GuildContext =>
		testGuildContext({ guildId, settings: SETTINGS, db: bot.database.database.forGuild(guildId), shared: bot.shared.forGuild(guildId) });

	const create = (guildId: bigint, fields: CustomCommandFields) => one.database.database.forGuild(guildId).customCommands.create(fields);

	function use(
		word: string,
		options: { bot?: BotProcess; guildId?: bigint; user?: string; level?: CallerLevel; via?: 'kick' | 'discord'; rest?: string } = {}
	): Promise<CustomCommandOutcome> {
		const bot = options.bot ?? one;
		const user = options.user ?? 'alice';
		const call: CustomCommandCall = {
			via: options.via ?? 'kick',
			word,
			rest: options.rest ?? '',
			caller: { name: user, userId: `id-${user}`, level: options.level ?? 'everyone' },
			viewer: { kickName: user, kickUserId: `id-${user}`, discordUserId: null },
			now: clock
		};
		return runCustomCommand(contextOf(bot, options.guildId ?? ALPHA), call, {
			tables: bot.tables,
			uses: bot.uses,
			catalog: () => NO_VARIABLES,
			random: () => 0
		});
	}

	/** What chat sees: the answer, or the reason for silence. */
	const shown = (outcome: CustomCommandOutcome): string =>
		outcome.kind === 'answer'
			? outcome.text
			: outcome.kind === 'cooldown'
				? `cooldown ${outcome.remainingMs / SECOND}s`
				: outcome.kind === 'silent'
					? `silent: ${outcome.reason}`
					: 'no command';

	const setLive = (isLive: boolean) =>
		one.database.database.forGuild(ALPHA).kickConnection.recordLiveStatus({ isLive, title: null, startedAt: null, at: new Date(clock) });

	before(async () => {
		testDatabase = await createTestDatabase('custom_commands_run');
		one = openProcess();
		await migrate(one.database.database.connection);
		two = openProcess();
	});
	after(async () => {
		for (const bot of [one, two]) {
			await bot.uses.close();
			await bot.shared.close();
			await bot.database.close();
		}
		await testDatabase.drop();
	});
	beforeEach(async () => {
		await deleteRows(one.database.database, ['custom_commands', 'kick_connections']);
		for (const bot of [one, two]) for (const guildId of [ALPHA, BETA]) bot.tables.forget(guildId);
		await one.database.database
			.forGuild(ALPHA)
			.kickConnection.connect({ broadcasterUserId: 1n, channelSlug: 'alpha_tv', connectedBy: 1n, eventsVia: 'webhook' });
		clock = START;
	});

	it('answers by name or alias in any case; two servers with the same name answer their own', async () => {
		await create(ALPHA, { name: 'discord', aliases: ['dc'], response: 'Alpha’s Discord: a.gg ({user} asked)' });
		await create(BETA, { name: 'discord', response: 'Beta’s Discord: b.gg' });
		expect(shown(await use('DISCORD'))).to.equal('Alpha’s Discord: a.gg (alice asked)');
		expect(shown(await use('Dc', { user: 'bob' }))).to.equal('Alpha’s Discord: a.gg (bob asked)');
		expect(shown(await use('discord', { guildId: BETA }))).to.equal('Beta’s Discord: b.gg');
		expect(shown(await use('dc', { guildId: BETA })), 'Alpha’s alias is not Beta’s').to.equal('no command');
		expect(shown(await use('nothing'))).to.equal('no command');
	});

	it('holds one user for the per-user cooldown and everyone for the per-command one, in both processes; moderators pass and restart them', async () => {
		await create(ALPHA, { name: 'hug', response: '{user} hugs {target}', userCooldownSeconds: 30 });
		await create(ALPHA, { name: 'lurk', response: '{user} lurks', cooldownSeconds: 10 });
		expect(shown(await use('hug', { rest: 'bob' }))).to.equal('alice hugs bob');
		clock += 5 * SECOND;
		expect(shown(await use('hug', { bot: two })), 'the other process holds her too').to.equal('cooldown 25s');
		expect(shown(await use('hug', { user: 'bob', bot: two }))).to.equal('bob hugs bob');
		clock += 26 * SECOND;
		expect(shown(await use('hug'))).to.equal('alice hugs alice');

		expect(shown(await use('lurk'))).to.equal('alice lurks');
		clock += 2 * SECOND;
		expect(shown(await use('lurk', { user: 'bob', bot: two }))).to.equal('cooldown 8s');
		expect(shown(await use('lurk', { user: 'mod', level: 'moderator' }))).to.equal('mod lurks');
		clock += 9 * SECOND;
		expect(shown(await use('lurk', { user: 'bob' })), 'the moderator’s use started it again').to.equal('cooldown 1s');
		clock += SECOND;
		expect(shown(await use('lurk', { user: 'bob' }))).to.equal('bob lurks');
	});

	it('answers one of two processes running the same cooling command at the same moment', async () => {
		await create(ALPHA, { name: 'race', response: 'won by {user}', cooldownSeconds: 60 });
		const outcomes = await Promise.all([use('race', { user: 'a' }), use('race', { user: 'b', bot: two })]);
		expect(outcomes.filter((outcome) => outcome.kind === 'answer')).to.have.length(1);
		expect(outcomes.filter((outcome) => outcome.kind === 'cooldown')).to.have.length(1);
	});

	it('admits callers by their Kick badges or Discord’s moderator rule', async () => {
		for (const access of ['everyone', 'subscribers', 'vips', 'moderators', 'broadcaster'] as const)
			await create(ALPHA, { name: `for-${access}`, response: access, access });
		const badges = (...types: string[]): KickBadge[] => types.map((type) => ({ type, text: type }));
		const callers: [string, CallerLevel][] = [
			['viewer', kickCallerLevel([], false)],
			['og (no access)', kickCallerLevel(badges('og', 'sub_gifter'), false)],
			['founder', kickCallerLevel(badges('founder'), false)],
			['subscriber', kickCallerLevel(badges('subscriber'), false)],
			['vip', kickCallerLevel(badges('vip'), false)],
			['moderator', kickCallerLevel(badges('subscriber', 'moderator'), false)],
			['channel owner without badges', kickCallerLevel([], true)],
			['Discord member', discordCallerLevel(false)],
			['Discord moderator', discordCallerLevel(true)]
		];
		const table: Record<string, string[]> = {};
		for (const [who, level] of callers) {
			table[who] = [];
			for (const access of ['everyone', 'subscribers', 'vips', 'moderators', 'broadcaster'])
				if ((await use(`for-${access}`, { level })).kind === 'answer') table[who].push(access);
		}
		expect(table).to.deep.equal({
			viewer: ['everyone'],
			'og (no access)': ['everyone'],
			founder: ['everyone', 'subscribers'],
			subscriber: ['everyone', 'subscribers'],
			vip: ['everyone', 'subscribers', 'vips'],
			moderator: ['everyone', 'subscribers', 'vips', 'moderators'],
			'channel owner without badges': ['everyone', 'subscribers', 'vips', 'moderators', 'broadcaster'],
			'Discord member': ['everyone'],
			'Discord moderator': ['everyone', 'subscribers', 'vips', 'moderators', 'broadcaster']
		});
	});

	it('answers only where and when it is told to, and not when switched off', async () => {
		await create(ALPHA, { name: 'kickonly', response: 'k', answersIn: 'kick' });
		await create(ALPHA, { name: 'discordonly', response: 'd', answersIn: 'discord' });
		await create(ALPHA, { name: 'live', response: 'we are live', liveMode: 'live' });
		await create(ALPHA, { name: 'offline', response: 'see you soon', liveMode: 'offline' });
		await create(ALPHA, { name: 'off', response: 'x', enabled: false });
		expect(shown(await use('kickonly', { via: 'discord' }))).to.equal('silent: elsewhere');
		expect(shown(await use('kickonly'))).to.equal('k');
		expect(shown(await use('discordonly'))).to.equal('silent: elsewhere');
		expect(shown(await use('discordonly', { via: 'discord' }))).to.equal('d');
		expect(shown(await use('off'))).to.equal('silent: disabled');
		expect([shown(await use('live')), shown(await use('offline'))], 'before Kick said anything').to.deep.equal(['silent: live', 'see you soon']);
		await setLive(true);
		expect([shown(await use('live')), shown(await use('offline'))]).to.deep.equal(['we are live', 'silent: offline']);
	});

	it('counts uses in memory, shows them in {uses}, and writes them in one statement per server', async () => {
		const count = await create(ALPHA, { name: 'count', response: 'used {uses} times' });
		await create(BETA, { name: 'count', response: 'Beta {uses}' });
		expect([shown(await use('count')), shown(await use('count')), shown(await use('count', { guildId: BETA }))]).to.deep.equal([
			'used 1 times',
			'used 2 times',
			'Beta 1'
		]);
		expect((await one.database.database.forGuild(ALPHA).customCommands.get(count.id))?.useCount, 'nothing written per use').to.equal(0);
		await one.uses.flush();
		const stored = async (guildId: bigint) => (await one.database.database.forGuild(guildId).customCommands.list()).map((command) => command.useCount);
		expect([await stored(ALPHA), await stored(BETA)]).to.deep.equal([[2], [1]]);
		expect(shown(await use('count', { bot: two })), 'another process reads the written count').to.equal('used 3 times');
	});

	it('sees a change once its table is dropped (this process’s change, or the commands reload every process receives)', async () => {
		const hi = await create(ALPHA, { name: 'hi', response: 'old' });
		expect(shown(await use('hi'))).to.equal('old');
		await one.database.database.forGuild(ALPHA).customCommands.update(hi.id, { response: 'new' });
		expect(shown(await use('hi')), 'cached until told').to.equal('old');
		one.tables.forget(ALPHA);
		expect(shown(await use('hi'))).to.equal('new');
	});
});
