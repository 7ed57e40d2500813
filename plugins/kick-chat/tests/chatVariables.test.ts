import { expect } from 'chai';
import type { ChatVariableViewer, GuildSettings } from '#core';
import { countedDatabase } from '#test/helpers/countedDatabase';
import { openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { kickChatVariables } from '../lib/chatVariables.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const GAMMA = 100000000000000003n;
const DELTA = 100000000000000004n;
const VIC = 300000000000000001n;
const LONER = 300000000000000003n;
const ALL = new Set(Object.keys(kickChatVariables.variables));
const SETTINGS = { get: (key: string) => (key === 'plugins_off' ? [] : null) } as unknown as GuildSettings;

const chatter = (kickName: string, kickUserId: string): ChatVariableViewer => ({ kickName, kickUserId, discordUserId: null });
const member = (id: bigint): ChatVariableViewer => ({ kickName: null, kickUserId: null, discordUserId: String(id) });
/** Whoever asks: a chatter, a linked one under a new name, Discord members linked and not. */
const VIEWERS = [chatter('bob', '601'), chatter('vic_renamed', '501'), member(VIC), member(LONER)];

describe('kick-chat: {uptime} and {title} in custom command replies', function () {
	this.timeout(30_000);
	let migrated: MigratedDatabase;
	let counted: ReturnType<typeof countedDatabase>;

	/** What the plugin answers for a viewer of a server, and the statements it cost. */
	async function valuesFor(guildId: bigint, viewer: ChatVariableViewer) {
		const before = counted.statements.length;
		const context = testGuildContext({ guildId, settings: SETTINGS, db: counted.database.forGuild(guildId) });
		const values = await kickChatVariables.resolve({ names: ALL, viewer }, context);
		return { values: { ...values }, statements: counted.statements.length - before };
	}

	before(async () => {
		// The plugin has no tables: the live status is the core's kick_connections, as the Kick events write it.
		migrated = await openMigratedDatabase(postgresEngine, 'kick_chat_variables', repositoriesOf(manifest));
		counted = countedDatabase(migrated.database, repositoriesOf(manifest));
		// Alpha is live, Beta (the same channel) offline, Gamma linked but not reported yet, Delta not linked to Kick.
		for (const guildId of [ALPHA, BETA, GAMMA])
			await migrated.database
				.forGuild(guildId)
				.kickConnection.connect({ broadcasterUserId: 1n, channelSlug: 'thechannel', connectedBy: VIC, eventsVia: 'socket' });
		const at = new Date();
		const startedAt = new Date(at.getTime() - (2 * 3600 + 5 * 60 + 3) * 1000);
		expect(await migrated.database.forGuild(ALPHA).kickConnection.recordLiveStatus({ isLive: true, title: 'Bonus hunt!', startedAt, at })).to.equal(true);
		expect(await migrated.database.forGuild(BETA).kickConnection.recordLiveStatus({ isLive: false, title: null, startedAt: null, at })).to.equal(true);
	});
	after(() => migrated.close());

	it('gives how long the stream has been live and its title, to whoever asks', async () => {
		for (const viewer of VIEWERS)
			expect((await valuesFor(ALPHA, viewer)).values, JSON.stringify(viewer)).to.deep.equal({ uptime: '2h 5m', title: 'Bonus hunt!' });
	});

	it('reads “offline” for an offline stream or a server without a Kick channel, and “not live yet” before Kick said', async () => {
		expect((await valuesFor(BETA, chatter('bob', '601'))).values, 'another server on the same channel').to.deep.equal({
			uptime: 'offline',
			title: 'offline'
		});
		expect((await valuesFor(GAMMA, member(VIC))).values).to.deep.equal({ uptime: 'not live yet', title: 'offline' });
		expect((await valuesFor(DELTA, member(LONER))).values).to.deep.equal({ uptime: 'offline', title: 'offline' });
	});

	it('costs one statement for both variables', async () => {
		for (const guildId of [ALPHA, BETA, GAMMA, DELTA]) expect((await valuesFor(guildId, chatter('bob', '601'))).statements, String(guildId)).to.equal(1);
	});
});
