import { expect } from 'chai';
import type { GuildRepositories } from '#core';
import { deleteRows, openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { deliverOwedAnnouncements, type AnnounceContext } from '../lib/announce.js';
import { currentWinners, drawPeriod, exportDraw, rerollSlot, verifyStoredDraw } from '../lib/drawRaffle.js';
import { parseDrawExport, type DrawRecord } from '../lib/fairness/index.js';
import { openPeriod } from '../lib/periods.js';
import { runSchedule, type ScheduleContext } from '../lib/runSchedule.js';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;
const TABLES = [
	'raffle_announcements',
	'raffle_draws',
	'raffle_draw_records',
	'raffle_ticket_log',
	'raffle_tickets',
	'raffle_leaderboards',
	'raffle_periods',
	'links'
];
const may = { startDate: new Date('2026-05-01T00:00:00Z'), endDate: new Date('2026-06-01T00:00:00Z') };

/** A server's context as the schedule and announcements use it: settings given, posts recorded once per outbox key, as the outbox does. */
function contextOf(db: GuildRepositories, guildId: bigint, settings: Record<string, unknown>, posted: string[]): ScheduleContext {
	const defaults: Record<string, unknown> = {
		raffle_auto_draw: false,
		raffle_auto_renew: false,
		raffle_prize: null,
		raffle_announcement_channel_id: null,
		raffle_leaderboard_channel_id: null,
		...settings
	};
	const record = async (key: string, content: string) => {
		if (posted.some((line) => line.startsWith(`${key}: `))) return { status: 'duplicate' };
		posted.push(`${key}: ${content}`);
		return { status: 'accepted', id: 1n };
	};
	return {
		guildId,
		db,
		settings: { get: (key: string) => defaults[key] } as never,
		sayInKickChat: async (content: string, post: { key: string }) => record(`kick ${post.key}`, content),
		postInChannel: async (channelId: string, message: { content: string }, post: { key: string }) =>
			record(`discord ${channelId} ${post.key}`, message.content),
		editInChannel: async () => false
	} as AnnounceContext as ScheduleContext;
}

describe('raffles: draws exactly once, rerolls, verification and export, the schedule (postgres)', function () {
	this.timeout(60_000);
	let first: MigratedDatabase;
	let a: GuildRepositories;
	let b: GuildRepositories;

	before(async () => {
		first = await openMigratedDatabase(postgresEngine, 'raffles-draw', repositoriesOf(manifest));
	});
	after(() => first.close());
	beforeEach(async () => {
		await deleteRows(first.database, TABLES);
		a = first.database.forGuild(GUILD_A);
		b = first.database.forGuild(GUILD_B);
	});

	async function linkViewers(guildId: bigint, count: number): Promise<void> {
		const session = await first.database.connection.openSession();
		await session.exec(
			`INSERT INTO links (discord_id, kick_name, discord_server_id) SELECT g, 'viewer' || g, ${guildId} FROM generate_series(1, ${count}) AS g`
		);
		await session.release();
	}

	async function fill(db: GuildRepositories, periodId: number): Promise<void> {
		for (let index = 1; index <= 30; index++) {
			await db.raffles.changeTickets(periodId, {
				participant: { discordId: BigInt(index), kickName: `viewer${index}` },
				source: 'bonus',
				delta: index,
				reason: 'test'
			});
		}
		await db.raffles.changeTickets(periodId, { participant: { discordId: null, kickName: 'Lurker' }, source: 'gifted_sub', delta: 500, reason: 'gifts' });
	}

	it('draws a period once when three callers (processes, retried jobs) draw it at once, on their own connections, and all answer with the one record', async () => {
		const period = await openPeriod(a.raffles, { ...may, prize: '$500', openedByDiscordId: 7n });
		await fill(a, period.id);
		await linkViewers(GUILD_A, 30);
		const other = first.database.forGuild(GUILD_A);
		const outcomes = await Promise.all([
			drawPeriod(a.raffles, { periodId: period.id, winnerCount: 3, drawnByDiscordId: 7n }),
			drawPeriod(other.raffles, { periodId: period.id, winnerCount: 3, drawnByDiscordId: 8n }),
			drawPeriod(a.raffles, { periodId: period.id, winnerCount: 3, drawnByDiscordId: 9n })
		]);
		expect(outcomes.map((outcome) => outcome.status).sort()).to.deep.equal(['drawn', 'drawn already', 'drawn already']);
		const records = outcomes.map((outcome) => (outcome.status === 'not drawable' ? null : outcome.record));
		expect(new Set(records.map((record) => JSON.stringify(record))).size).to.equal(1);
		const record = records[0]!;
		expect(record.winners).to.have.length(3);
		// The linked-only rule (the default) left the Kick account nobody linked out, with its reason.
		expect(record.excluded).to.deep.equal([{ key: 'kick:lurker', tickets: 500, reason: 'no linked Kick account' }]);
		expect((await a.raffles.draws(period.id)).length).to.equal(1);
		expect(await a.raffles.owedAnnouncements()).to.deep.equal([{ periodId: period.id, drawNumber: 1 }]);
		expect((await a.raffles.period(period.id))?.status).to.equal('drawn');
		// The seed is revealed by the draw and matches the commitment shown at the opening.
		expect(record.commitment).to.equal(period.seedCommitment);
	});

	it('rerolls a winner as a draw of its own, leaving earlier winners out; verify recomputes every draw; tampering fails', async () => {
		const period = await openPeriod(a.raffles, {
			...may,
			rules: { linkedOnly: false, minWatchMinutes: 0, excluded: [] },
			prize: null,
			openedByDiscordId: null
		});
		await fill(a, period.id);
		const drawn = await drawPeriod(a.raffles, { periodId: period.id, winnerCount: 2, drawnByDiscordId: null });
		expect(drawn.status).to.equal('drawn');
		const rerolled = await rerollSlot(a.raffles, { periodId: period.id, slot: 2, drawnByDiscordId: 7n });
		expect(rerolled.status).to.equal('drawn');
		if (rerolled.status !== 'drawn' || drawn.status !== 'drawn') return;
		expect(rerolled.draw).to.deep.include({ drawNumber: 2, kind: 'reroll', slots: [2] });
		expect(rerolled.record.previousWinners).to.deep.equal(drawn.record.winners.map((winner) => winner.key).sort());
		expect(rerolled.record.firstNonce).to.equal(3);
		const winners = currentWinners(await a.raffles.draws(period.id));
		expect(winners.get(1)?.key).to.equal(drawn.record.winners[0]!.key);
		expect(winners.get(2)).to.deep.equal({ key: rerolled.record.winners[0]!.key, drawNumber: 2, rerolled: true });

		for (const draw of await a.raffles.draws(period.id)) expect(await verifyStoredDraw(a.raffles, draw)).to.deep.equal({ ok: true, problems: [] });
		const stored = (await a.raffles.draw(period.id, 1))!;
		const tampered = {
			...stored,
			record: { ...(stored.record as DrawRecord), winners: [{ ...(stored.record as DrawRecord).winners[0]!, key: 'discord:999' }] }
		};
		expect((await verifyStoredDraw(a.raffles, tampered)).ok).to.equal(false);

		const file = await exportDraw(a.raffles, stored);
		const parsed = parseDrawExport(file.data);
		expect(parsed.record).to.deep.equal(stored.record);
		expect(parsed.entries.length).to.equal(31);
		expect(parsed.entries.map((entry) => entry.key)).to.deep.equal(
			parsed.entries.map((entry) => entry.key).toSorted((x, y) => (x < y ? -1 : x > y ? 1 : 0))
		);
	});

	it('announces a draw once after a crash between the draw and the announcement, and keeps two servers’ periods apart', async () => {
		const periodA = await openPeriod(a.raffles, { ...may, prize: '$500', openedByDiscordId: null });
		const periodB = await openPeriod(b.raffles, { ...may, prize: 'a hoodie', openedByDiscordId: null });
		await fill(a, periodA.id);
		await b.raffles.changeTickets(periodB.id, { participant: { discordId: 1n, kickName: 'viewer1' }, source: 'bonus', delta: 5, reason: 'test' });
		await linkViewers(GUILD_A, 30);
		await linkViewers(GUILD_B, 1);
		// The draw is stored with its announcement owed; the process dies before announcing.
		await drawPeriod(a.raffles, { periodId: periodA.id, winnerCount: 1, drawnByDiscordId: null });
		// A delivery that dies after handing the Kick message over and before marking it: owed still.
		const posted: string[] = [];
		const dying = contextOf(a, GUILD_A, { raffle_announcement_channel_id: '555' }, posted);
		await deliverOwedAnnouncements({
			...dying,
			sayInKickChat: async (...args) => dying.sayInKickChat(...args).then(() => Promise.reject(new Error('killed')))
		}).catch(() => undefined);
		expect(await a.raffles.owedAnnouncements()).to.have.length(1);
		// After the restart the schedule delivers it, under the same outbox keys (the outbox adds nothing for a key it has).
		const context = contextOf(a, GUILD_A, { raffle_announcement_channel_id: '555', raffle_auto_draw: true }, posted);
		const run = await runSchedule(context, new Date('2026-07-01T00:00:00Z'));
		expect(run.announced).to.equal(1);
		expect((await runSchedule(context, new Date('2026-07-01T00:05:00Z'))).announced).to.equal(0);
		expect(new Set(posted.filter((line) => line.startsWith('kick ')).map((line) => line.split(': ')[0]))).to.deep.equal(
			new Set([`kick raffle:draw:${periodA.id}:1`])
		);
		expect(posted.filter((line) => line.startsWith('discord '))).to.have.length(1);
		expect(posted[0]).to.match(/won!/);
		// Server B's period is untouched by A's schedule and draws on its own.
		expect((await b.raffles.period(periodB.id))?.status).to.equal('active');
		const postedB: string[] = [];
		const runB = await runSchedule(contextOf(b, GUILD_B, { raffle_auto_draw: true, raffle_auto_renew: true }, postedB), new Date('2026-06-01T00:00:01Z'));
		expect(runB.drawn).to.deep.equal([periodB.id]);
		expect(runB.opened).to.be.a('number');
		const renewed = (await b.raffles.activePeriod())!;
		expect({ start: renewed.startDate.toISOString(), end: renewed.endDate.toISOString() }).to.deep.equal({
			start: '2026-06-01T00:00:00.000Z',
			end: '2026-07-01T00:00:00.000Z'
		});
		expect(renewed.seedCommitment).to.match(/^[0-9a-f]{64}$/);
		expect(postedB).to.deep.equal([
			`kick raffle:draw:${periodB.id}:1: 🎉 Raffle of period #${periodB.id} for a hoodie: viewer1 won! Out of 5 tickets. Verify: /raffle verify in Discord.`
		]);
		expect((await b.raffles.draws(periodB.id))[0]!.record).to.deep.include({ totalTickets: 5, participants: 1 });
	});
});
