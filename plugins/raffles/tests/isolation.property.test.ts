import { expect } from 'chai';
import * as fc from 'fast-check';
import { NotFoundError } from '#core';
import { repositoriesOf } from '#test/helpers/databases';
import { amount, describeIsolation, guild, rowReference, T0, user, type IsolationWorld } from '#test/helpers/isolationHarness';
import { rejection } from '#test/helpers/rejection';
import { ConflictError as Conflict } from '#core';
import { wagerTickets, type NewDraw, type RafflePeriodStatus, type TicketRecord, type TicketSource } from '../lib/RaffleRepository.js';
import manifest from '../plugin.js';

// Raffle periods, tickets and draws of three servers that share Discord ids and Kick names; period ids are picked from every server's periods.

const DISCORD_IDS = [1n, 2n, 3n] as const;
const SOURCES: readonly ('gifted_sub' | 'bonus')[] = ['gifted_sub', 'bonus'];
const SEED = { serverSeed: 'a'.repeat(64), commitment: 'b'.repeat(64) };
const STATUSES: readonly RafflePeriodStatus[] = ['active', 'ended', 'drawn', 'cancelled'];
/** Every draw records the same outcome; draws are told apart by their ids. */
const DRAW: NewDraw = {
	kind: 'draw',
	slots: [1],
	record: { winners: [] },
	winners: [{ slot: 1, participantKey: 'discord:1', discordId: 1n, kickName: 'bob', winningTicket: 7, nonce: 1 }],
	totalTickets: 100,
	totalParticipants: 3,
	drawnByDiscordId: null,
	prize: null,
	serverSeed: SEED.serverSeed,
	clientSeed: 'client-seed',
	commitment: SEED.commitment
};

interface Ticket {
	kickName: string;
	bySource: Record<TicketSource, number>;
	wagerCents: bigint;
	wagerCarry: bigint;
}

interface Period {
	id: number;
	start: number;
	status: RafflePeriodStatus;
	total: number;
	tickets: Map<bigint, Ticket>;
	/** The numbers of its draws, in the order recorded. */
	draws: number[];
	/** Draw numbers whose announcement is owed. */
	owed: number[];
	logRows: number;
}

type Call =
	| { kind: 'createPeriod'; g: number }
	| { kind: 'setPeriodStatus'; g: number; ref: number; status: RafflePeriodStatus }
	| { kind: 'addTickets'; g: number; ref: number; discordId: bigint; kickName: string; source: 'gifted_sub' | 'bonus'; amount: number }
	| { kind: 'ticketsOf'; g: number; ref: number; discordId: bigint }
	| { kind: 'enterWager'; g: number; ref: number; discordId: bigint; kickName: string; amount: number }
	| { kind: 'recordDraw' | 'draws' | 'prepareDraw'; g: number; ref: number }
	| { kind: 'announce'; g: number };

type RafflesModel = Map<number, Period>;

const discordId = fc.constantFrom(...DISCORD_IDS);
const source = fc.constantFrom(...SOURCES);

describeIsolation<RafflesModel, Call>({
	subject: 'raffles',
	repositories: repositoriesOf(manifest),
	tables: ['raffle_announcements', 'raffle_draws', 'raffle_draw_records', 'raffle_ticket_log', 'raffle_tickets', 'raffle_periods'],
	emptyModel: () => new Map(),
	call: fc.oneof(
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('createPeriod' as const), g: guild }) },
		{
			weight: 2,
			arbitrary: fc.record({ kind: fc.constant('setPeriodStatus' as const), g: guild, ref: rowReference, status: fc.constantFrom(...STATUSES) })
		},
		{
			weight: 5,
			arbitrary: fc.record({ kind: fc.constant('addTickets' as const), g: guild, ref: rowReference, discordId, kickName: user, source, amount })
		},
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('ticketsOf' as const), g: guild, ref: rowReference, discordId }) },
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('enterWager' as const), g: guild, ref: rowReference, discordId, kickName: user, amount }) },
		{
			weight: 2,
			arbitrary: fc.record({ kind: fc.constantFrom('recordDraw' as const, 'draws' as const, 'prepareDraw' as const), g: guild, ref: rowReference })
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('announce' as const), g: guild }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => {
		const periods = [...model.values()];
		return {
			raffle_periods: periods.length,
			raffle_tickets: periods.reduce((sum, period) => sum + period.tickets.size, 0),
			raffle_draws: periods.reduce((sum, period) => sum + period.draws.length, 0),
			raffle_draw_records: periods.reduce((sum, period) => sum + period.draws.length, 0),
			raffle_announcements: periods.reduce((sum, period) => sum + period.draws.length, 0),
			raffle_ticket_log: periods.reduce((sum, period) => sum + period.logRows, 0)
		};
	}
});

function ticketTotal(ticket: Ticket): number {
	return ticket.bySource.watchtime + ticket.bySource.gifted_sub + ticket.bySource.wager + ticket.bySource.bonus;
}

function ticketView(periodId: number, discordId: bigint, ticket: Ticket): TicketRecord {
	return {
		periodId,
		participantKey: `discord:${discordId}`,
		discordId,
		kickName: ticket.kickName,
		watchtimeTickets: ticket.bySource.watchtime,
		giftedSubTickets: ticket.bySource.gifted_sub,
		wagerTickets: ticket.bySource.wager,
		bonusTickets: ticket.bySource.bonus,
		totalTickets: ticketTotal(ticket),
		wagerCents: ticket.wagerCents,
		wagerCarry: ticket.wagerCarry
	};
}

function emptyTicket(kickName: string): Ticket {
	return { kickName, bySource: { watchtime: 0, gifted_sub: 0, wager: 0, bonus: 0 }, wagerCents: 0n, wagerCarry: 0n };
}

/** After a call that named another server's period, that period is as its own server's model says. */
async function expectOwnerUnchanged(world: IsolationWorld<RafflesModel>, id: number, caller: number): Promise<void> {
	const owner = world.otherOwner(caller, (model) => model.has(id));
	if (owner === undefined) return;
	const row = await world.repositoriesOf(owner).raffles.period(id);
	const period = world.model(owner).get(id)!;
	expect({ status: row?.status, total: row?.totalTickets }, `period #${id} of server ${owner}`).to.deep.equal({ status: period.status, total: period.total });
}

async function apply(world: IsolationWorld<RafflesModel>, call: Call): Promise<void> {
	const raffles = world.repositoriesOf(call.g).raffles;
	const own = world.model(call.g);
	switch (call.kind) {
		case 'createPeriod': {
			// Periods start a minute apart in the order the run creates them.
			const start = T0 + world.idsOf('period').length * 60_000;
			const period = { startDate: new Date(start), endDate: new Date(start + 86_400_000), seed: SEED };
			if ([...own.values()].some((existing) => existing.status === 'active')) {
				expect(await rejection(raffles.createPeriod(period))).to.be.an.instanceOf(Conflict);
				return;
			}
			const record = await raffles.createPeriod(period);
			world.created('period', record.id);
			own.set(record.id, { id: record.id, start, status: 'active', total: 0, tickets: new Map(), draws: [], owed: [], logRows: 0 });
			expect({ status: record.status, total: record.totalTickets }).to.deep.equal({ status: 'active', total: 0 });
			return;
		}
		case 'setPeriodStatus': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			if (period === undefined) {
				expect(await rejection(raffles.setPeriodStatus(id, call.status))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			if (call.status === 'active' && period.status !== 'active' && [...own.values()].some((existing) => existing.status === 'active')) {
				expect(await rejection(raffles.setPeriodStatus(id, call.status))).to.be.an.instanceOf(Conflict);
				return;
			}
			period.status = call.status;
			expect((await raffles.setPeriodStatus(id, call.status)).status).to.equal(call.status);
			return;
		}
		case 'addTickets': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			const change = { participant: { discordId: call.discordId, kickName: call.kickName }, source: call.source, delta: call.amount, reason: 'test' };
			if (period === undefined) {
				expect(await rejection(raffles.changeTickets(id, change))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			if (period.status !== 'active') {
				expect(await rejection(raffles.changeTickets(id, change))).to.be.an.instanceOf(Conflict);
				return;
			}
			const ticket = period.tickets.get(call.discordId) ?? emptyTicket(call.kickName);
			ticket.kickName = call.kickName;
			ticket.bySource[call.source] += call.amount;
			period.tickets.set(call.discordId, ticket);
			period.total += call.amount;
			period.logRows += 1;
			expect((await raffles.changeTickets(id, change)).ticket).to.deep.equal(ticketView(id, call.discordId, ticket));
			return;
		}
		case 'ticketsOf': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			if (period === undefined) {
				expect(await rejection(raffles.ticketsOf(id, `discord:${call.discordId}`))).to.be.an.instanceOf(NotFoundError);
				return;
			}
			const ticket = period.tickets.get(call.discordId);
			expect(await raffles.ticketsOf(id, `discord:${call.discordId}`)).to.deep.equal(ticket ? ticketView(id, call.discordId, ticket) : null);
			return;
		}
		case 'recordDraw': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			if (period === undefined) {
				expect(await rejection(raffles.storeDraw(id, 1, DRAW))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			const number = period.draws.length + 1;
			const { stored, draw } = await raffles.storeDraw(id, number, DRAW);
			expect(stored).to.equal(true);
			period.draws.push(number);
			period.owed.push(number);
			period.status = 'drawn';
			expect(draw).to.deep.include({ periodId: id, drawNumber: number, kind: 'draw', slots: [1] });
			return;
		}
		case 'enterWager': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			// $amount × 100: a few wagers cross $1000 and make tickets, the rest is carried.
			const wager = {
				participant: { discordId: call.discordId, kickName: call.kickName },
				cents: BigInt(call.amount) * 10_000n,
				ticketsPer1000: 20,
				reason: 'wager'
			};
			if (period === undefined) {
				expect(await rejection(raffles.enterWager(id, wager))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			if (period.status !== 'active') {
				expect(await rejection(raffles.enterWager(id, wager))).to.be.an.instanceOf(Conflict);
				return;
			}
			const ticket = period.tickets.get(call.discordId) ?? emptyTicket(call.kickName);
			const { tickets, carry } = wagerTickets(ticket.wagerCarry, wager.cents, 20n);
			ticket.kickName = call.kickName;
			ticket.bySource.wager += Number(tickets);
			ticket.wagerCents += wager.cents;
			ticket.wagerCarry = carry;
			period.tickets.set(call.discordId, ticket);
			period.total += Number(tickets);
			period.logRows += 1;
			expect((await raffles.enterWager(id, wager)).ticket).to.deep.equal(ticketView(id, call.discordId, ticket));
			return;
		}
		case 'prepareDraw': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			if (period === undefined) {
				expect(await rejection(raffles.prepareDraw(id))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			if (period.status === 'active') period.status = 'ended';
			const prepared = await raffles.prepareDraw(id);
			expect({ status: prepared.period.status, seed: prepared.serverSeed, draws: prepared.draws.map((draw) => draw.drawNumber) }).to.deep.equal({
				status: period.status,
				seed: SEED.serverSeed,
				draws: period.draws
			});
			return;
		}
		case 'announce': {
			const owed = [...own.values()].flatMap((period) => period.owed.map((drawNumber) => ({ periodId: period.id, drawNumber })));
			expect((await raffles.owedAnnouncements()).toSorted((x, y) => x.periodId - y.periodId || x.drawNumber - y.drawNumber)).to.deep.equal(
				owed.toSorted((x, y) => x.periodId - y.periodId || x.drawNumber - y.drawNumber)
			);
			for (const { periodId, drawNumber } of owed) await raffles.markAnnounced(periodId, drawNumber);
			for (const period of own.values()) period.owed = [];
			// Marking another server's announcement changes nothing there (checked with every server's model).
			for (const id of world.idsOf('period')) if (!own.has(id)) await raffles.markAnnounced(id, 1);
			return;
		}
		case 'draws': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			if (period === undefined) {
				expect(await rejection(raffles.draws(id))).to.be.an.instanceOf(NotFoundError);
				return;
			}
			expect((await raffles.draws(id)).map((draw) => draw.drawNumber)).to.deep.equal(period.draws);
			return;
		}
	}
}

async function expectMatchesModel(world: IsolationWorld<RafflesModel>, index: number): Promise<void> {
	const raffles = world.repositoriesOf(index).raffles;
	const own = world.model(index);
	const where = `server ${index}`;
	// Periods (latest start first), the active one, and the tickets, ticket leaderboard and draws of every period id of the run.
	const periods = [...own.values()].sort((x, y) => y.start - x.start);
	expect(
		(await raffles.periods()).map((row) => ({ id: row.id, status: row.status, total: row.totalTickets })),
		`${where} raffle periods`
	).to.deep.equal(periods.map((period) => ({ id: period.id, status: period.status, total: period.total })));
	const owed = [...own.values()].flatMap((period) => period.owed.map((drawNumber) => ({ periodId: period.id, drawNumber })));
	expect(
		(await raffles.owedAnnouncements()).toSorted((x, y) => x.periodId - y.periodId || x.drawNumber - y.drawNumber),
		`${where} announcements owed`
	).to.deep.equal(owed.toSorted((x, y) => x.periodId - y.periodId || x.drawNumber - y.drawNumber));
	expect((await raffles.activePeriod())?.id ?? null, `${where} active period`).to.equal(periods.find((period) => period.status === 'active')?.id ?? null);
	for (const id of world.idsOf('period')) {
		const period = own.get(id);
		if (period === undefined) {
			expect(await raffles.period(id), `${where} period #${id}`).to.equal(null);
			expect(await rejection(raffles.participants(id))).to.be.an.instanceOf(NotFoundError);
			continue;
		}
		const participants = [...period.tickets.entries()]
			.filter(([, ticket]) => ticketTotal(ticket) > 0)
			.sort(([x], [y]) => (`discord:${x}` < `discord:${y}` ? -1 : 1))
			.map(([discordId, ticket]) => ticketView(id, discordId, ticket));
		expect(await raffles.participants(id), `${where} participants of #${id}`).to.deep.equal(participants);
		const leaderboard = participants.toSorted((x, y) => y.totalTickets - x.totalTickets).slice(0, 2);
		expect(await raffles.totalsDifferingFromLog(id), `${where} totals of #${id} against the log`).to.deep.equal([]);
		expect(await raffles.ticketLeaderboard(id, 2), `${where} ticket leaderboard of #${id}`).to.deep.equal(leaderboard);
		expect(
			(await raffles.draws(id)).map((draw) => draw.drawNumber),
			`${where} draws of #${id}`
		).to.deep.equal(period.draws);
	}
}
