import { expect } from 'chai';
import type { ChatVariableViewer, GuildSettings } from '#core';
import { countedDatabase } from '#test/helpers/countedDatabase';
import { openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { pointsChatVariables } from '../lib/chatVariables.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const VIC = 300000000000000001n;
const OLD_TIMER = 300000000000000002n;
const LONER = 300000000000000003n;
const ALL = new Set(Object.keys(pointsChatVariables.variables));
const SETTINGS = { get: (key: string) => (key === 'plugins_off' ? [] : null) } as unknown as GuildSettings;

const chatter = (kickName: string, kickUserId: string): ChatVariableViewer => ({ kickName, kickUserId, discordUserId: null });
const member = (id: bigint): ChatVariableViewer => ({ kickName: null, kickUserId: null, discordUserId: String(id) });

describe('points: {points} and {points_rank} in custom command replies', function () {
	this.timeout(30_000);
	let migrated: MigratedDatabase;
	let counted: ReturnType<typeof countedDatabase>;

	/** What the plugin answers for a viewer of a server, and the statements it cost. */
	async function valuesFor(guildId: bigint, viewer: ChatVariableViewer, names: ReadonlySet<string> = ALL) {
		const before = counted.statements.length;
		const context = testGuildContext({ guildId, settings: SETTINGS, db: counted.database.forGuild(guildId) });
		const values = await pointsChatVariables.resolve({ names, viewer }, context);
		return { values: { ...values }, statements: counted.statements.length - before };
	}

	before(async () => {
		// This plugin's repositories only: links are the linking plugin's table, written here as it writes them.
		migrated = await openMigratedDatabase(postgresEngine, 'points_chat_variables', repositoriesOf(manifest));
		counted = countedDatabase(migrated.database, repositoriesOf(manifest));
		const session = await migrated.database.connection.openSession();
		try {
			// Alpha: Vic linked Vic_Main (Kick user 501); an old-timer linked before the bot read user ids. Beta has the same names and no links.
			await session.query(
				`INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id, linked_at) VALUES ($1, $2, 'Vic_Main', 501, now()), ($1, $3, 'OldTimer', NULL, NULL)`,
				[String(ALPHA), String(VIC), String(OLD_TIMER)]
			);
		} finally {
			await session.release();
		}
		const alpha = migrated.database.forGuild(ALPHA);
		const beta = migrated.database.forGuild(BETA);
		for (const [name, balance] of Object.entries({ bob: 1234, vic_main: 300, oldtimer: 40, ann: 300 }))
			await alpha.points.set(name, { balance, reason: 'Seed' });
		await beta.points.set('vic_main', { balance: 7, reason: 'Seed' });
	});
	after(() => migrated.close());

	it('gives a chatter their balance and place, and a newcomer 0, unranked', async () => {
		expect((await valuesFor(ALPHA, chatter('Bob', '601'))).values).to.deep.equal({ points: '1,234', points_rank: '#1' });
		expect((await valuesFor(ALPHA, chatter('ann', '602'))).values, 'ties share a place').to.deep.equal({ points: '300', points_rank: '#2' });
		expect((await valuesFor(ALPHA, chatter('new_nia', '700'))).values).to.deep.equal({ points: '0', points_rank: 'unranked' });
	});

	it('counts a linked chatter as the linked account, also under a new name, and a legacy link by its name', async () => {
		expect((await valuesFor(ALPHA, chatter('VIC_MAIN', '501'))).values).to.deep.equal({ points: '300', points_rank: '#2' });
		expect((await valuesFor(ALPHA, chatter('vic_renamed', '501'))).values, 'the same Kick user id').to.deep.equal({ points: '300', points_rank: '#2' });
		expect((await valuesFor(ALPHA, chatter('oldtimer', '777'))).values).to.deep.equal({ points: '40', points_rank: '#4' });
	});

	it('gives a Discord member their linked account’s, and says “not linked” for one who linked none', async () => {
		expect((await valuesFor(ALPHA, member(VIC))).values).to.deep.equal({ points: '300', points_rank: '#2' });
		expect((await valuesFor(ALPHA, member(OLD_TIMER))).values).to.deep.equal({ points: '40', points_rank: '#4' });
		expect((await valuesFor(ALPHA, member(LONER))).values).to.deep.equal({ points: 'not linked', points_rank: 'not linked' });
	});

	it('keeps two servers with the same names apart: balances, places and links', async () => {
		expect((await valuesFor(BETA, chatter('vic_main', '501'))).values).to.deep.equal({ points: '7', points_rank: '#1' });
		expect((await valuesFor(BETA, chatter('vic_renamed', '501'))).values, 'Alpha’s link is not Beta’s').to.deep.equal({
			points: '0',
			points_rank: 'unranked'
		});
		expect((await valuesFor(BETA, member(VIC))).values).to.deep.equal({ points: 'not linked', points_rank: 'not linked' });
		expect((await valuesFor(BETA, chatter('bob', '601'))).values).to.deep.equal({ points: '0', points_rank: 'unranked' });
	});

	it('costs one statement for both variables, whoever asks', async () => {
		for (const viewer of [chatter('vic_renamed', '501'), chatter('new_nia', '700'), member(VIC), member(LONER)])
			expect((await valuesFor(ALPHA, viewer)).statements, JSON.stringify(viewer)).to.equal(1);
		expect(await valuesFor(ALPHA, chatter('bob', '601'), new Set(['points_rank']))).to.deep.include({ statements: 1 });
	});
});
