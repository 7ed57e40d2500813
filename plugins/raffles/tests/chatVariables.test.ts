import { expect } from 'chai';
import type { ChatVariableViewer, GuildSettings } from '#core';
import { countedDatabase } from '#test/helpers/countedDatabase';
import { openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { raffleChatVariables } from '../lib/chatVariables.js';
import { openPeriod } from '../lib/periods.js';
import { answerChatTickets } from '../lib/raffleAnswers.js';
import { addBonusTickets, participantOfKickName, participantOfMember } from '../lib/tickets.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const GAMMA = 100000000000000003n;
const VIC = 300000000000000001n;
const OLD_TIMER = 300000000000000002n;
const LONER = 300000000000000003n;
const ALL = new Set(Object.keys(raffleChatVariables.variables));
const SETTINGS = { get: (key: string) => (key === 'plugins_off' ? [] : null) } as unknown as GuildSettings;
const NO_RAFFLE = { tickets: 'no raffle', raffle_chance: 'no raffle' };

const chatter = (kickName: string, kickUserId: string): ChatVariableViewer => ({ kickName, kickUserId, discordUserId: null });
const member = (id: bigint): ChatVariableViewer => ({ kickName: null, kickUserId: null, discordUserId: String(id) });

describe('raffles: {tickets} and {raffle_chance} in custom command replies', function () {
	this.timeout(30_000);
	let migrated: MigratedDatabase;
	let counted: ReturnType<typeof countedDatabase>;

	/** What the plugin answers for a viewer of a server, and the statements it cost. */
	async function valuesFor(guildId: bigint, viewer: ChatVariableViewer, names: ReadonlySet<string> = ALL) {
		const before = counted.statements.length;
		const context = testGuildContext({ guildId, settings: SETTINGS, db: counted.database.forGuild(guildId) });
		const values = await raffleChatVariables.resolve({ names, viewer }, context);
		return { values: { ...values }, statements: counted.statements.length - before };
	}

	before(async () => {
		// This plugin's repositories only: links are the linking plugin's table, written here as it writes them.
		migrated = await openMigratedDatabase(postgresEngine, 'raffles_chat_variables', repositoriesOf(manifest));
		counted = countedDatabase(migrated.database, repositoriesOf(manifest));
		const session = await migrated.database.connection.openSession();
		try {
			// Alpha: Vic linked Vic_Main (Kick user 501); an old-timer linked before the bot read user ids. Beta and Gamma have no links.
			await session.query(
				`INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id, linked_at) VALUES ($1, $2, 'Vic_Main', 501, now()), ($1, $3, 'OldTimer', NULL, NULL)`,
				[String(ALPHA), String(VIC), String(OLD_TIMER)]
			);
		} finally {
			await session.release();
		}
		const week = { startDate: new Date(Date.now() - 3_600_000), endDate: new Date(Date.now() + 7 * 86_400_000), prize: null, openedByDiscordId: null };
		// Tickets keyed as the plugin keys them everywhere: a member as themself, a Kick name as the member linked to it, else itself.
		const give = async (guildId: bigint, who: { kickName: string } | { member: bigint }, tickets: number) => {
			const db = migrated.database.forGuild(guildId);
			const participant = 'member' in who ? await participantOfMember(db, who.member) : await participantOfKickName(db, who.kickName);
			expect(await addBonusTickets(db, { participant, tickets, reason: 'Seed' })).to.deep.include({ status: 'added' });
		};
		await openPeriod(migrated.database.forGuild(ALPHA).raffles, week);
		await give(ALPHA, { kickName: 'Bob' }, 3);
		await give(ALPHA, { member: VIC }, 2);
		await give(ALPHA, { kickName: 'oldtimer' }, 2);
		await give(ALPHA, { member: LONER }, 1);
		// Beta: the same names in a period of its own.
		await openPeriod(migrated.database.forGuild(BETA).raffles, week);
		await give(BETA, { kickName: 'bob' }, 5);
		// Gamma: its period has ended.
		const ended = await openPeriod(migrated.database.forGuild(GAMMA).raffles, week);
		await give(GAMMA, { kickName: 'bob' }, 5);
		expect(await migrated.database.forGuild(GAMMA).raffles.endPeriod(ended.id)).to.equal(true);
	});
	after(() => migrated.close());

	it('gives a chatter their tickets and chance in the active period, as !tickets says them, and a newcomer 0 and 0%', async () => {
		expect((await valuesFor(ALPHA, chatter('BOB', '601'))).values).to.deep.equal({ tickets: '3', raffle_chance: '37.5%' });
		expect(await answerChatTickets({ db: migrated.database.forGuild(ALPHA) }, { username: 'BOB' }, null, false)).to.equal(
			'@BOB, you have 3 ticket(s) (37.5% chance) in raffle #1.'
		);
		expect((await valuesFor(ALPHA, chatter('new_nia', '700'))).values).to.deep.equal({ tickets: '0', raffle_chance: '0%' });
	});

	it('counts a linked chatter as the member who linked the account: by Kick user id (also under a new name) or by name', async () => {
		expect((await valuesFor(ALPHA, chatter('VIC_MAIN', '501'))).values).to.deep.equal({ tickets: '2', raffle_chance: '25.0%' });
		expect((await valuesFor(ALPHA, chatter('vic_renamed', '501'))).values).to.deep.equal({ tickets: '2', raffle_chance: '25.0%' });
		expect((await valuesFor(ALPHA, chatter('OldTimer', '777'))).values).to.deep.equal({ tickets: '2', raffle_chance: '25.0%' });
	});

	it('gives a Discord member their own tickets, linked or not (a raffle holds a member’s tickets either way)', async () => {
		expect((await valuesFor(ALPHA, member(VIC))).values).to.deep.equal({ tickets: '2', raffle_chance: '25.0%' });
		expect((await valuesFor(ALPHA, member(OLD_TIMER))).values).to.deep.equal({ tickets: '2', raffle_chance: '25.0%' });
		expect((await valuesFor(ALPHA, member(LONER))).values, 'not linked, given a ticket by a moderator').to.deep.equal({
			tickets: '1',
			raffle_chance: '12.5%'
		});
		expect((await valuesFor(BETA, member(LONER))).values, 'not linked, no tickets').to.deep.equal({ tickets: '0', raffle_chance: '0%' });
	});

	it('keeps two servers with the same names apart, and reads “no raffle” without an active period', async () => {
		expect((await valuesFor(BETA, chatter('bob', '601'))).values).to.deep.equal({ tickets: '5', raffle_chance: '100.0%' });
		expect((await valuesFor(BETA, chatter('vic_renamed', '501'))).values, 'Alpha’s link is not Beta’s').to.deep.equal({
			tickets: '0',
			raffle_chance: '0%'
		});
		expect((await valuesFor(BETA, member(VIC))).values).to.deep.equal({ tickets: '0', raffle_chance: '0%' });
		expect((await valuesFor(GAMMA, chatter('bob', '601'))).values, 'an ended period').to.deep.equal(NO_RAFFLE);
		expect((await valuesFor(100000000000000004n, member(VIC))).values, 'no period ever').to.deep.equal(NO_RAFFLE);
	});

	it('costs one statement for both variables, the active period found in it', async () => {
		for (const [guildId, viewer] of [
			[ALPHA, chatter('vic_renamed', '501')],
			[ALPHA, chatter('new_nia', '700')],
			[ALPHA, member(VIC)],
			[ALPHA, member(LONER)],
			[GAMMA, chatter('bob', '601')]
		] as const)
			expect((await valuesFor(guildId, viewer)).statements, JSON.stringify(viewer)).to.equal(1);
		expect(await valuesFor(ALPHA, chatter('bob', '601'), new Set(['raffle_chance']))).to.deep.include({ statements: 1 });
	});
});
