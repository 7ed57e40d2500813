import { expect } from 'chai';
import { Database } from '#lib/database/Database';
import type { ChatVariableViewer } from '#lib/chat/chatVariables';
import { CALL_VARIABLES } from '#lib/chat/chatVariables';
import type { ChatVariableCatalog } from '#lib/chat/chatTemplate';
import type { GuildSettings } from '#lib/settings/GuildSettings';
import { countingConnection } from '#test/helpers/countingConnection';
import { everyPluginRepositories, openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { shippedPlugins } from '#test/helpers/loadedPlugins';

// The plugins' chat variables, as custom commands fill them: each plugin's in one statement, per server, through links.

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const VIC = 111n;
const LONER = 222n;
const SETTINGS = { get: (key: string) => (key === 'plugins_off' ? [] : null) } as unknown as GuildSettings;
const SEED = { serverSeed: 'a'.repeat(64), commitment: 'b'.repeat(64) };

describe('Chat variables of the plugins (points, watchtime, raffles, kick-chat)', function () {
	this.timeout(60_000);
	let migrated: MigratedDatabase;
	let counted: Database;
	let statements: string[];
	let catalog: ChatVariableCatalog;

	/** The values of every variable of one plugin for a viewer of a server, and the statements they cost. */
	async function valuesOf(plugin: string, guildId: bigint, viewer: ChatVariableViewer): Promise<{ values: Record<string, string>; statements: number }> {
		const names = new Set([...catalog].filter(([, variable]) => variable.plugin === plugin).map(([name]) => name));
		const provider = catalog.get(names.values().next().value!)!.provider;
		const before = statements.length;
		const values = await provider.resolve({ names, viewer }, testGuildContext({ guildId, settings: SETTINGS, db: counted.forGuild(guildId) }));
		return { values: { ...values }, statements: statements.length - before };
	}
	const chatter = (name: string, userId: string): ChatVariableViewer => ({ kickName: name, kickUserId: userId, discordUserId: null });
	const member = (id: bigint): ChatVariableViewer => ({ kickName: null, kickUserId: null, discordUserId: String(id) });

	before(async () => {
		catalog = (await shippedPlugins()).chatVariables;
		const repositories = await everyPluginRepositories();
		migrated = await openMigratedDatabase(postgresEngine, 'chat_variables', repositories);
		const counter = countingConnection(migrated.database.connection);
		statements = counter.statements;
		counted = new Database(counter.connection, { repositories });

		// Alpha: Vic linked vic_main (Kick user 501) and chats from it; bob and ann are not linked. Beta has the same names, other numbers.
		const alpha = migrated.database.forGuild(ALPHA);
		const beta = migrated.database.forGuild(BETA);
		expect((await alpha.links.link(VIC, { name: 'Vic_Main', userId: 501n })).outcome).to.equal('linked');
		for (const [db, amounts] of [
			[alpha, { vic_main: 300, bob: 500, ann: 100 }],
			[beta, { vic_main: 7 }]
		] as const)
			for (const [name, amount] of Object.entries(amounts)) await db.points.credit(name, { amount, source: 'add', reason: 'Seed' });
		await migrated.database.connection.openSession().then(async (session) => {
			await session.query(
				`INSERT INTO watchtime (discord_server_id, username, minutes) VALUES ($1, 'vic_main', 125), ($1, 'bob', 600), ($2, 'vic_main', 5)`,
				[String(ALPHA), String(BETA)]
			);
			await session.query(
				`INSERT INTO kick_connections (discord_server_id, broadcaster_user_id, channel_slug, is_live, live_title, live_since) VALUES ($1, 1, 'alpha', TRUE, 'Bonus hunt!', now() - interval '2 hours 5 minutes 3 seconds')`,
				[String(ALPHA)]
			);
			await session.release();
		});
		const period = await alpha.raffles.createPeriod({ startDate: new Date(Date.now() - 3_600_000), endDate: new Date(Date.now() + 3_600_000), seed: SEED });
		await alpha.raffles.changeTickets(period.id, { participant: { discordId: VIC, kickName: 'vic_main' }, source: 'bonus', delta: 3, reason: 'Seed' });
		await alpha.raffles.changeTickets(period.id, { participant: { discordId: null, kickName: 'bob' }, source: 'bonus', delta: 5, reason: 'Seed' });
	});
	after(() => migrated.close());

	it('declares each variable once, none with the name of a variable of the call itself', () => {
		const names = [...catalog.keys()];
		expect(names.filter((name) => name in CALL_VARIABLES)).to.deep.equal([]);
		expect(Object.fromEntries([...catalog].map(([name, variable]) => [name, variable.plugin]))).to.deep.equal({
			uptime: 'kick-chat',
			title: 'kick-chat',
			points: 'points',
			points_rank: 'points',
			tickets: 'raffles',
			raffle_chance: 'raffles',
			watchtime: 'watchtime',
			watchtime_rank: 'watchtime'
		});
	});

	it('fills points, watch time and tickets for a chatter, a linked one chatting from another account, and Discord members, in one statement per plugin', async () => {
		const viewers: [string, bigint, ChatVariableViewer][] = [
			['bob in Alpha', ALPHA, chatter('Bob', '601')],
			['Vic from an alt account with the linked user id', ALPHA, chatter('vic_alt', '501')],
			['Vic by name', ALPHA, chatter('VIC_MAIN', '999')],
			['Vic in Discord', ALPHA, member(VIC)],
			['a Discord member who linked nothing', ALPHA, member(LONER)],
			['a newcomer', ALPHA, chatter('new_nia', '700')],
			['vic_main in Beta (no link there)', BETA, chatter('vic_main', '501')]
		];
		const table: Record<string, string[]> = {};
		for (const [who, guildId, viewer] of viewers) {
			table[who] = [];
			for (const plugin of ['points', 'watchtime', 'raffles']) {
				const { values, statements: cost } = await valuesOf(plugin, guildId, viewer);
				expect(cost, `${plugin} for ${who}`).to.equal(1);
				table[who].push(Object.values(values).join(' / '));
			}
		}
		expect(table).to.deep.equal({
			'bob in Alpha': ['500 / #1', '10 h / #1', '5 / 62.5%'],
			'Vic from an alt account with the linked user id': ['300 / #2', '2 h 5 min / #2', '3 / 37.5%'],
			'Vic by name': ['300 / #2', '2 h 5 min / #2', '3 / 37.5%'],
			'Vic in Discord': ['300 / #2', '2 h 5 min / #2', '3 / 37.5%'],
			'a Discord member who linked nothing': ['not linked / not linked', 'not linked / not linked', '0 / 0%'],
			'a newcomer': ['0 / unranked', '0 min / unranked', '0 / 0%'],
			'vic_main in Beta (no link there)': ['7 / #1', '5 min / #1', 'no raffle / no raffle']
		});
	});

	it('fills the stream’s uptime and title from the live status Kick reported, in one statement', async () => {
		const alpha = await valuesOf('kick-chat', ALPHA, chatter('bob', '601'));
		expect([alpha.values, alpha.statements]).to.deep.equal([{ uptime: '2h 5m', title: 'Bonus hunt!' }, 1]);
		expect((await valuesOf('kick-chat', BETA, chatter('bob', '601'))).values).to.deep.equal({ uptime: 'offline', title: 'offline' });
	});
});
