import { expect } from 'chai';
import * as fc from 'fast-check';
import { ConflictError, NotFoundError } from '#core';
import { repositoriesOf } from '#test/helpers/databases';
import { amount, describeIsolation, guild, rowReference, T0, user, type IsolationWorld } from '#test/helpers/isolationHarness';
import { rejection } from '#test/helpers/rejection';
import type { DrawInput, RafflePeriodStatus, TicketRecord, TicketSource } from '../lib/RaffleRepository.js';
import manifest from '../plugin.js';

// Raffle periods, tickets and draws of three servers that share Discord ids and Kick names; period ids are picked from every server's periods.

const DISCORD_IDS = [1n, 2n, 3n] as const;
const SOURCES: readonly TicketSource[] = ['watchtime', 'giftedSub', 'wager', 'bonus'];
const STATUSES: readonly RafflePeriodStatus[] = ['active', 'ended', 'drawn', 'cancelled'];
/** Every draw records the same outcome; draws are told apart by their ids. */
const DRAW: DrawInput = {
	totalTickets: 100,
	totalParticipants: 3,
	winnerDiscordId: 1n,
	winnerKickName: 'bob',
	winningTicket: 7,
	prizeDescription: null,
	drawnByDiscordId: null,
	serverSeed: 'server-seed',
	clientSeed: 'client-seed',
	nonce: '0',
	proofHash: 'hash'
};

interface Ticket {
	kickName: string;
	bySource: Record<TicketSource, number>;
}

interface Period {
	id: number;
	start: number;
	status: RafflePeriodStatus;
	total: number;
	tickets: Map<bigint, Ticket>;
	/** The ids of its draws, in the order recorded. */
	draws: number[];
}

type Call =
	| { kind: 'createPeriod'; g: number }
	| { kind: 'setPeriodStatus'; g: number; ref: number; status: RafflePeriodStatus }
	| { kind: 'addTickets'; g: number; ref: number; discordId: bigint; kickName: string; source: TicketSource; amount: number }
	| { kind: 'ticketsOf'; g: number; ref: number; discordId: bigint }
	| { kind: 'recordDraw' | 'draws'; g: number; ref: number };

type RafflesModel = Map<number, Period>;

const discordId = fc.constantFrom(...DISCORD_IDS);
const source = fc.constantFrom(...SOURCES);

describeIsolation<RafflesModel, Call>({
	subject: 'raffles',
	repositories: repositoriesOf(manifest),
	tables: ['raffle_draws', 'raffle_tickets', 'raffle_periods'],
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
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('recordDraw' as const, 'draws' as const), g: guild, ref: rowReference }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => {
		const periods = [...model.values()];
		return {
			raffle_periods: periods.length,
			raffle_tickets: periods.reduce((sum, period) => sum + period.tickets.size, 0),
			raffle_draws: periods.reduce((sum, period) => sum + period.draws.length, 0)
		};
	}
});

function ticketTotal(ticket: Ticket): number {
	return ticket.bySource.watchtime + ticket.bySource.giftedSub + ticket.bySource.wager + ticket.bySource.bonus;
}

function ticketView(periodId: number, discordId: bigint, ticket: Ticket): TicketRecord {
	return {
		periodId,
		discordId,
		kickName: ticket.kickName,
		watchtimeTickets: ticket.bySource.watchtime,
		giftedSubTickets: ticket.bySource.giftedSub,
		wagerTickets: ticket.bySource.wager,
		bonusTickets: ticket.bySource.bonus,
		totalTickets: ticketTotal(ticket)
	};
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
			const period = { startDate: new Date(start), endDate: new Date(start + 86_400_000) };
			if ([...own.values()].some((existing) => existing.status === 'active')) {
				expect(await rejection(raffles.createPeriod(period))).to.be.an.instanceOf(ConflictError);
				return;
			}
			const record = await raffles.createPeriod(period);
			world.created('period', record.id);
			own.set(record.id, { id: record.id, start, status: 'active', total: 0, tickets: new Map(), draws: [] });
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
			period.status = call.status;
			expect((await raffles.setPeriodStatus(id, call.status)).status).to.equal(call.status);
			return;
		}
		case 'addTickets': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			const grant = { discordId: call.discordId, kickName: call.kickName, source: call.source, amount: call.amount };
			if (period === undefined) {
				expect(await rejection(raffles.addTickets(id, grant))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			const ticket = period.tickets.get(call.discordId) ?? { kickName: call.kickName, bySource: { watchtime: 0, giftedSub: 0, wager: 0, bonus: 0 } };
			ticket.kickName = call.kickName;
			ticket.bySource[call.source] += call.amount;
			period.tickets.set(call.discordId, ticket);
			period.total += call.amount;
			expect(await raffles.addTickets(id, grant)).to.deep.equal(ticketView(id, call.discordId, ticket));
			return;
		}
		case 'ticketsOf': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			if (period === undefined) {
				expect(await rejection(raffles.ticketsOf(id, call.discordId))).to.be.an.instanceOf(NotFoundError);
				return;
			}
			const ticket = period.tickets.get(call.discordId);
			expect(await raffles.ticketsOf(id, call.discordId)).to.deep.equal(ticket ? ticketView(id, call.discordId, ticket) : null);
			return;
		}
		case 'recordDraw': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			if (period === undefined) {
				expect(await rejection(raffles.recordDraw(id, DRAW))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			const draw = await raffles.recordDraw(id, DRAW);
			world.created('draw', draw.id);
			period.draws.push(draw.id);
			expect(draw).to.deep.include({ ...DRAW, periodId: id });
			return;
		}
		case 'draws': {
			const id = world.pick('period', call.ref);
			const period = own.get(id);
			if (period === undefined) {
				expect(await rejection(raffles.draws(id))).to.be.an.instanceOf(NotFoundError);
				return;
			}
			expect((await raffles.draws(id)).map((draw) => draw.id)).to.deep.equal(period.draws);
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
			.sort(([x], [y]) => (x < y ? -1 : 1))
			.map(([discordId, ticket]) => ticketView(id, discordId, ticket));
		expect(await raffles.participants(id), `${where} participants of #${id}`).to.deep.equal(participants);
		const leaderboard = participants.toSorted((x, y) => y.totalTickets - x.totalTickets).slice(0, 2);
		expect(await raffles.ticketLeaderboard(id, 2), `${where} ticket leaderboard of #${id}`).to.deep.equal(leaderboard);
		expect(
			(await raffles.draws(id)).map((draw) => draw.id),
			`${where} draws of #${id}`
		).to.deep.equal(period.draws);
	}
}
