import { expect } from 'chai';
import type { GuildRepositories } from '#core';
import { deleteRows, openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { openPeriod } from '../lib/periods.js';
import { answerAdjust, answerDraw, answerStart, readDollars, type RaffleContext } from '../lib/raffleAnswers.js';
import manifest from '../plugin.js';

const GUILD = 100000000000000001n;
const TABLES = ['raffle_announcements', 'raffle_draws', 'raffle_draw_records', 'raffle_ticket_log', 'raffle_tickets', 'raffle_periods', 'links'];

describe('raffles: what /raffle answers (amounts, refusals that change nothing, which period a draw is for)', function () {
	this.timeout(30_000);
	let migrated: MigratedDatabase;
	let db: GuildRepositories;
	let context: RaffleContext;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'raffles-answers', repositoriesOf(manifest));
	});
	after(() => migrated.close());
	beforeEach(async () => {
		await deleteRows(migrated.database, TABLES);
		db = migrated.database.forGuild(GUILD);
		const settings: Record<string, unknown> = { wager_tickets_per_1000: 20, raffle_prize: 'A hoodie', raffle_announcement_channel_id: null };
		context = {
			guildId: GUILD,
			guild: null,
			db,
			settings: { get: (key: string) => settings[key] } as never,
			sayInKickChat: async () => ({ status: 'not linked' }),
			postInChannel: async () => ({ status: 'accepted', id: 1n }),
			editInChannel: async () => false
		} as RaffleContext;
	});

	it('reads dollar amounts as cents, and refuses anything else', () => {
		expect(['1234.56', '$1,234.56', '0.01', '$5', '1000000000'].map(readDollars)).to.deep.equal([123_456n, 123_456n, 1n, 500n, 100_000_000_000n]);
		expect(['', '0', '1.234', '1,23', '-5', '$', '1e5', '1000000000.01', '12,34.5'].map(readDollars)).to.deep.equal(Array(9).fill(null));
	});

	it('refuses bad input with a short answer and changes nothing', async () => {
		expect((await answerAdjust(context, { who: 'bob', source: 'bonus', amount: '5', reason: 'x', direction: 1, byDiscordId: 1n })).content).to.equal(
			'There is no active raffle period: nothing was changed.'
		);
		const period = await openPeriod(db.raffles, {
			startDate: new Date(),
			endDate: new Date(Date.now() + 86_400_000),
			prize: null,
			openedByDiscordId: null
		});
		const refusals = await Promise.all([
			answerAdjust(context, { who: 'not a name!', source: 'bonus', amount: '5', reason: 'x', direction: 1, byDiscordId: 1n }),
			answerAdjust(context, { who: 'bob', source: 'bonus', amount: '0', reason: 'x', direction: 1, byDiscordId: 1n }),
			answerAdjust(context, { who: 'bob', source: 'bonus', amount: '5', reason: '   ', direction: 1, byDiscordId: 1n }),
			answerAdjust(context, { who: 'bob', source: 'wager', amount: 'ten', reason: 'x', direction: 1, byDiscordId: 1n }),
			answerAdjust(context, { who: 'bob', source: 'points', amount: '5', reason: 'x', direction: 1, byDiscordId: 1n }),
			answerAdjust(context, { who: 'bob', source: 'bonus', amount: '5', reason: 'x', direction: -1, byDiscordId: 1n }),
			answerStart(context, { end: 'tomorrow', linkedOnly: null, minWatchHours: null, exclude: null, byDiscordId: 1n }, new Date()),
			answerDraw(context, 11, 1n)
		]);
		for (const answer of refusals) {
			expect(answer.visibility, answer.content).to.equal('refusal');
			expect(answer.content!.length).to.be.below(2000);
		}
		expect(refusals[6]!.content).to.match(/already has an active raffle period|`end` is a day/);
		expect(await db.raffles.participants(period.id)).to.deep.equal([]);
		expect((await db.raffles.periods()).length).to.equal(1);
	});

	it('draws the period that ended before the one auto-renew opened, not the new one', async () => {
		const ended = await openPeriod(db.raffles, {
			startDate: new Date(Date.now() - 86_400_000),
			endDate: new Date(Date.now() - 1000),
			prize: null,
			openedByDiscordId: null
		});
		await answerAdjust(context, { who: '100000000000000009', source: 'bonus', amount: '5', reason: 'x', direction: 1, byDiscordId: 1n });
		await migrated.database.connection.openSession().then(async (session) => {
			await session.exec(`INSERT INTO links (discord_id, kick_name, discord_server_id) VALUES (100000000000000009, 'bob', ${GUILD})`);
			await session.release();
		});
		await db.raffles.endPeriod(ended.id);
		const next = await openPeriod(db.raffles, { startDate: new Date(), endDate: new Date(Date.now() + 86_400_000), prize: null, openedByDiscordId: null });
		const drawn = await answerDraw(context, 1, 1n);
		expect(drawn.content).to.match(new RegExp(`^Draw of period #${ended.id}: #1 <@100000000000000009> \\(ticket \\d of 5\\)`));
		expect((await db.raffles.period(next.id))?.status).to.equal('active');
		expect((await answerDraw(context, 1, 1n)).content).to.match(new RegExp(`^Draw of period #${next.id}: nobody was eligible`));
	});
});
