import { expect } from 'chai';
import { parseChatTemplate, renderChatTemplate, type ChatCall, type ChatVariableCatalog } from '#lib/chat/chatTemplate';
import { CALL_VARIABLES, type ChatVariableProvider, type ChatVariableRequest } from '#lib/chat/chatVariables';
import type { PluginCatalog } from '#lib/plugins/PluginCatalog';
import type { GuildSettings } from '#lib/settings/GuildSettings';
import { countedDatabase } from '#test/helpers/countedDatabase';
import { everyPluginRepositories, openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { shippedPlugins } from '#test/helpers/loadedPlugins';

// The shipped plugins' chat variables as a custom command's reply meets them: declared once each, and each plugin asked once per reply.

const ALPHA = 100000000000000001n;
const VIC = 300000000000000001n;
const TEMPLATE = '{user} has {points} points, {points_rank}';

const settingsWith = (pluginsOff: readonly string[]) => ({ get: (key: string) => (key === 'plugins_off' ? pluginsOff : null) }) as unknown as GuildSettings;

describe('Chat variables of the shipped plugins', function () {
	this.timeout(60_000);
	let plugins: PluginCatalog;
	let catalog: ChatVariableCatalog;

	before(async () => {
		plugins = await shippedPlugins();
		catalog = plugins.chatVariables;
	});

	it('declares every variable in one plugin only, none with the name of a variable of the call itself', () => {
		const declared = plugins.enabled.flatMap((plugin) => Object.keys(plugin.manifest.chatVariables?.variables ?? {}));
		expect(
			declared.filter((name, index) => declared.indexOf(name) !== index),
			'declared twice'
		).to.deep.equal([]);
		expect(
			declared.filter((name) => name in CALL_VARIABLES),
			'a variable of the call'
		).to.deep.equal([]);
		expect([...catalog.keys()].sort()).to.deep.equal([...declared].sort());
		expect(Object.fromEntries([...catalog].map(([name, variable]) => [name, variable.plugin]))).to.deep.include({
			points: 'points',
			points_rank: 'points',
			watchtime: 'watchtime',
			watchtime_rank: 'watchtime',
			tickets: 'raffles',
			raffle_chance: 'raffles',
			uptime: 'kick-chat',
			title: 'kick-chat'
		});
	});

	describe('a reply with {points} and {points_rank}', () => {
		let migrated: MigratedDatabase;
		let counted: ReturnType<typeof countedDatabase>;
		let requests: ChatVariableRequest[];
		let spied: ChatVariableCatalog;
		const call: ChatCall = { user: 'Vic', args: '', words: [], uses: 1, viewer: { kickName: 'vic_renamed', kickUserId: '501', discordUserId: null } };

		before(async () => {
			const repositories = await everyPluginRepositories();
			migrated = await openMigratedDatabase(postgresEngine, 'chat_variables', repositories);
			counted = countedDatabase(migrated.database, repositories);
			const alpha = migrated.database.forGuild(ALPHA);
			expect((await alpha.links.link(VIC, { name: 'Vic_Main', userId: 501n })).outcome).to.equal('linked');
			await alpha.points.set('vic_main', { balance: 1250, reason: 'Seed' });
			await alpha.points.set('bob', { balance: 2000, reason: 'Seed' });
			// The real points provider, with each request it gets written down.
			const points = catalog.get('points')!.provider;
			const spy: ChatVariableProvider = {
				variables: points.variables,
				resolve: (request, context) => (requests.push(request), points.resolve(request, context))
			};
			spied = new Map([...catalog].map(([name, variable]) => [name, variable.plugin === 'points' ? { ...variable, provider: spy } : variable]));
		});
		after(() => migrated.close());
		beforeEach(() => {
			requests = [];
		});

		/** The reply rendered in Alpha with these plugins off, and the statements it cost. */
		async function render(pluginsOff: readonly string[]): Promise<{ text: string; statements: number }> {
			const parsed = parseChatTemplate(TEMPLATE, { strict: true, catalog });
			if (!parsed.ok) throw new Error(parsed.error);
			const before = counted.statements.length;
			const context = testGuildContext({ guildId: ALPHA, settings: settingsWith(pluginsOff), db: counted.database.forGuild(ALPHA) });
			const text = await renderChatTemplate(parsed.template, call, context, spied);
			return { text, statements: counted.statements.length - before };
		}

		it('parses to one request of the points plugin for both names', () => {
			const parsed = parseChatTemplate(TEMPLATE, { strict: true, catalog });
			expect(parsed.ok && [...parsed.template.pluginVariables].map(([plugin, names]) => [plugin, [...names]])).to.deep.equal([
				['points', ['points', 'points_rank']]
			]);
		});

		it('asks the points provider once with both names and the chatter, in one statement', async () => {
			expect(await render([])).to.deep.equal({ text: 'Vic has 1,250 points, #2', statements: 1 });
			expect(requests.map((request) => ({ names: [...request.names], viewer: request.viewer }))).to.deep.equal([
				{ names: ['points', 'points_rank'], viewer: call.viewer }
			]);
		});

		it('reads “(unavailable)” without asking the provider when points is off in the server', async () => {
			expect(await render(['points'])).to.deep.equal({ text: 'Vic has (unavailable) points, (unavailable)', statements: 0 });
			expect(requests).to.deep.equal([]);
		});
	});
});
