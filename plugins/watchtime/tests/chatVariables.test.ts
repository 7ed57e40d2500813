import { expect } from 'chai';
import type { ChatVariableViewer, GuildSettings } from '#core';
import { countedDatabase } from '#test/helpers/countedDatabase';
import { openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { watchtimeChatVariables } from '../lib/chatVariables.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const GAMMA = 100000000000000003n;
const VIC = 300000000000000001n;
const OLD_TIMER = 300000000000000002n;
const LONER = 300000000000000003n;
const MODERATOR = 300000000000000009n;
const ALL = new Set(Object.keys(watchtimeChatVariables.variables));
const SETTINGS = { get: (key: string) => (key === 'plugins_off' ? [] : null) } as unknown as GuildSettings;

const chatter = (kickName: string, kickUserId: string): ChatVariableViewer => ({ kickName, kickUserId, discordUserId: null });
const member = (id: bigint): ChatVariableViewer => ({ kickName: null, kickUserId: null, discordUserId: String(id) });

describe('watchtime: {watchtime} and {watchtime_rank} in custom command replies', function () {
	this.timeout(30_000);
	let migrated: MigratedDatabase;
	let counted: ReturnType<typeof countedDatabase>;

	/** What the plugin answers for a viewer of a server, and the statements it cost. */
	async function valuesFor(guildId: bigint, viewer: ChatVariableViewer, names: ReadonlySet<string> = ALL) {
		const before = counted.statements.length;
		const context = testGuildContext({ guildId, settings: SETTINGS, db: counted.database.forGuild(guildId) });
		const values = await watchtimeChatVariables.resolve({ names, viewer }, context);
		return { values: { ...values }, statements: counted.statements.length - before };
	}

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'watchtime_chat_variables');
		counted = countedDatabase(migrated.database, repositoriesOf(manifest));
		const alpha = migrated.database.forGuild(ALPHA);
		const beta = migrated.database.forGuild(BETA);
		// Alpha: Vic linked Vic_Main (Kick user 501); an old-timer linked before the bot read user ids. Beta has the same names and no links.
		expect((await alpha.links.link(VIC, { name: 'Vic_Main', userId: 501n })).outcome).to.equal('linked');
		const session = await migrated.database.connection.openSession();
		try {
			await session.query(`INSERT INTO links (discord_server_id, discord_id, kick_name) VALUES ($1, $2, 'OldTimer')`, [String(ALPHA), String(OLD_TIMER)]);
		} finally {
			await session.release();
		}
		for (const [name, minutes] of Object.entries({ bob: 725, vic_main: 125, ann: 125, oldtimer: 45 }))
			await alpha.watchtime.change(name, minutes, 'Seed', MODERATOR);
		await beta.watchtime.change('vic_main', 5, 'Seed', MODERATOR);
	});
	after(() => migrated.close());

	it('gives a chatter their watch time and place, and a newcomer 0 min, unranked', async () => {
		expect((await valuesFor(ALPHA, chatter('Bob', '601'))).values).to.deep.equal({ watchtime: '12 h 5 min', watchtime_rank: '#1' });
		expect((await valuesFor(ALPHA, chatter('ann', '602'))).values, 'ties share a place').to.deep.equal({ watchtime: '2 h 5 min', watchtime_rank: '#2' });
		expect((await valuesFor(ALPHA, chatter('new_nia', '700'))).values).to.deep.equal({ watchtime: '0 min', watchtime_rank: 'unranked' });
	});

	it('counts a linked chatter as the linked account, as the tick credits it: by Kick user id (also under a new name), a legacy link by name', async () => {
		expect((await valuesFor(ALPHA, chatter('VIC_MAIN', '501'))).values).to.deep.equal({ watchtime: '2 h 5 min', watchtime_rank: '#2' });
		expect((await valuesFor(ALPHA, chatter('vic_renamed', '501'))).values).to.deep.equal({ watchtime: '2 h 5 min', watchtime_rank: '#2' });
		expect((await valuesFor(ALPHA, chatter('OldTimer', '777'))).values).to.deep.equal({ watchtime: '45 min', watchtime_rank: '#4' });
	});

	it('reads the row the tick credits for a chatter under a new name', async () => {
		const gamma = migrated.database.forGuild(GAMMA);
		await gamma.links.link(VIC, { name: 'Vic_Main', userId: 501n });
		const present = [{ person: 'k:501', kickUserId: '501', username: 'vic_renamed', at: Date.UTC(2030, 0, 1) }];
		expect(await gamma.watchtime.countTick(new Date(Date.UTC(2030, 0, 1, 0, 1)), present, 0)).to.deep.include({ counted: true, credited: 1 });
		expect((await valuesFor(GAMMA, chatter('vic_renamed', '501'))).values).to.deep.equal({ watchtime: '1 min', watchtime_rank: '#1' });
		expect((await valuesFor(GAMMA, member(VIC))).values).to.deep.equal({ watchtime: '1 min', watchtime_rank: '#1' });
	});

	it('gives a Discord member their linked account’s, and says “not linked” for one who linked none', async () => {
		expect((await valuesFor(ALPHA, member(VIC))).values).to.deep.equal({ watchtime: '2 h 5 min', watchtime_rank: '#2' });
		expect((await valuesFor(ALPHA, member(OLD_TIMER))).values).to.deep.equal({ watchtime: '45 min', watchtime_rank: '#4' });
		expect((await valuesFor(ALPHA, member(LONER))).values).to.deep.equal({ watchtime: 'not linked', watchtime_rank: 'not linked' });
	});

	it('keeps two servers with the same names apart: minutes, places and links', async () => {
		expect((await valuesFor(BETA, chatter('vic_main', '501'))).values).to.deep.equal({ watchtime: '5 min', watchtime_rank: '#1' });
		expect((await valuesFor(BETA, chatter('vic_renamed', '501'))).values, 'Alpha’s link is not Beta’s').to.deep.equal({
			watchtime: '0 min',
			watchtime_rank: 'unranked'
		});
		expect((await valuesFor(BETA, member(VIC))).values).to.deep.equal({ watchtime: 'not linked', watchtime_rank: 'not linked' });
		expect((await valuesFor(BETA, chatter('bob', '601'))).values).to.deep.equal({ watchtime: '0 min', watchtime_rank: 'unranked' });
	});

	it('costs one statement for both variables, whoever asks', async () => {
		for (const viewer of [chatter('vic_renamed', '501'), chatter('new_nia', '700'), member(VIC), member(LONER)])
			expect((await valuesFor(ALPHA, viewer)).statements, JSON.stringify(viewer)).to.equal(1);
		expect(await valuesFor(ALPHA, chatter('bob', '601'), new Set(['watchtime']))).to.deep.include({ statements: 1 });
	});
});
