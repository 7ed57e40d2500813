import { expect } from 'chai';
import * as fc from 'fast-check';
import type { Database } from '#lib/database/Database';
import { ConflictError, NotFoundError } from '#lib/database/errors';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import type { RafflePeriodStatus, TicketRecord, TicketSource } from '#plugins/raffles/lib/RaffleRepository';
import { openMigratedDatabase, postgresEngine, truncateAll, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';

/*
 * Model-based isolation test: random sequences of repository calls for three servers run
 * against one PostgreSQL database and against an in-memory model per server. Every call's
 * answer must be the model's, and at the end each server's repositories must report exactly
 * its model (so nothing of the other servers). The value domains are small and shared by the
 * servers (the same Kick names, command names, Discord ids), and ids are picked from the rows
 * of every server, so most id-based calls aim at another server's row.
 */

const GUILDS = [100000000000000001n, 100000000000000002n, 100000000000000003n] as const;
const NUM_RUNS = 40;
/** An id no row has (ids restart at 1 after each truncate). */
const MISSING_ID = 999_999;
const T0 = Date.UTC(2030, 0, 1);

const USERS = ['bob', 'Bob', 'alice', 'carol'] as const;
const COMMAND_NAMES = ['hi', 'HI', 'discord', 'rules', 'a_b', 'axb'] as const;
const SETTING_KEYS = ['prefix', 'moderator_role_id'] as const;
const DISCORD_IDS = [1n, 2n, 3n] as const;
const KICK_USER_IDS = [42n, 43n] as const;
const SOURCES: readonly TicketSource[] = ['watchtime', 'giftedSub', 'wager', 'bonus'];
const STATUSES: readonly RafflePeriodStatus[] = ['active', 'ended', 'drawn', 'cancelled'];
const CLAIM_MINUTES = [0, 4, 5, 60, 1440] as const;

type SettingsTable = 'settings' | 'pointSettings';
type Op =
	| { kind: 'award' | 'spend' | 'remove'; g: number; user: string; amount: number }
	| { kind: 'setSetting'; g: number; table: SettingsTable; key: string; value: string }
	| { kind: 'deleteSetting'; g: number; table: SettingsTable; key: string }
	| { kind: 'createCommand'; g: number; name: string; response: string }
	| { kind: 'updateCommand'; g: number; ref: number; changes: { name?: string; response?: string; enabled?: boolean } }
	| { kind: 'deleteCommand' | 'getCommand' | 'useCommand'; g: number; ref: number }
	| { kind: 'createTimed'; g: number; message: string; intervalMinutes: number }
	| { kind: 'updateTimed'; g: number; ref: number; changes: { message?: string; intervalMinutes?: number; enabled?: boolean } }
	| { kind: 'deleteTimed'; g: number; ref: number }
	| { kind: 'claimTimed'; g: number; ref: number; minutes: number }
	| { kind: 'addSlot'; g: number; user: string; call: string }
	| { kind: 'markPicked' | 'getSlot'; g: number; ref: number }
	| { kind: 'pickRandom' | 'clearOpen' | 'createPeriod'; g: number }
	| { kind: 'setPeriodStatus'; g: number; ref: number; status: RafflePeriodStatus }
	| { kind: 'addTickets'; g: number; ref: number; discordId: bigint; kickName: string; source: TicketSource; amount: number }
	| { kind: 'ticketsOf'; g: number; ref: number; discordId: bigint }
	| { kind: 'recordDraw' | 'draws'; g: number; ref: number }
	| { kind: 'saveToken'; g: number; kickUserId: bigint; token: string }
	| { kind: 'getToken' | 'deleteToken'; g: number; kickUserId: bigint }
	| { kind: 'ensureServer'; g: number; name: string };

const g = fc.integer({ min: 0, max: GUILDS.length - 1 });
const ref = fc.nat({ max: 15 });
const user = fc.constantFrom(...USERS);
const amount = fc.integer({ min: 1, max: 40 });
const table = fc.constantFrom<SettingsTable>('settings', 'pointSettings');
const key = fc.constantFrom(...SETTING_KEYS);
const text = fc.constantFrom('one', 'two', 'Three words', 'ü ñ 🎲');

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('award' as const, 'spend' as const, 'remove' as const), g, user, amount }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant('setSetting' as const), g, table, key, value: text }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteSetting' as const), g, table, key }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant('createCommand' as const), g, name: fc.constantFrom(...COMMAND_NAMES), response: text }) },
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('updateCommand' as const),
			g,
			ref,
			changes: fc.record({ name: fc.constantFrom(...COMMAND_NAMES), response: text, enabled: fc.boolean() }, { requiredKeys: [] })
		})
	},
	{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('deleteCommand' as const, 'getCommand' as const, 'useCommand' as const), g, ref }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('createTimed' as const), g, message: text, intervalMinutes: fc.constantFrom(1, 5, 60) }) },
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('updateTimed' as const),
			g,
			ref,
			changes: fc.record({ message: text, intervalMinutes: fc.constantFrom(1, 5, 60), enabled: fc.boolean() }, { requiredKeys: [] })
		})
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteTimed' as const), g, ref }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('claimTimed' as const), g, ref, minutes: fc.constantFrom(...CLAIM_MINUTES) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('addSlot' as const), g, user, call: fc.constantFrom('Gates', ' Sugar Rush ', 'Wanted') }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('markPicked' as const, 'getSlot' as const), g, ref }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('pickRandom' as const, 'clearOpen' as const, 'createPeriod' as const), g }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('setPeriodStatus' as const), g, ref, status: fc.constantFrom(...STATUSES) }) },
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('addTickets' as const),
			g,
			ref,
			discordId: fc.constantFrom(...DISCORD_IDS),
			kickName: user,
			source: fc.constantFrom(...SOURCES),
			amount
		})
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('ticketsOf' as const), g, ref, discordId: fc.constantFrom(...DISCORD_IDS) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('recordDraw' as const, 'draws' as const), g, ref }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('saveToken' as const), g, kickUserId: fc.constantFrom(...KICK_USER_IDS), token: text }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('getToken' as const, 'deleteToken' as const), g, kickUserId: fc.constantFrom(...KICK_USER_IDS) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('ensureServer' as const), g, name: text }) }
);

interface PointsModel {
	points: number;
	earned: number;
	spent: number;
}
interface CommandModel {
	id: number;
	name: string;
	response: string;
	enabled: boolean;
	useCount: number;
}
interface TimedModel {
	id: number;
	message: string;
	intervalMinutes: number;
	enabled: boolean;
	lastSent: number | null;
}
interface SlotModel {
	id: number;
	user: string;
	call: string;
	picked: boolean;
}
interface TicketModel {
	kickName: string;
	bySource: Record<TicketSource, number>;
}
interface PeriodModel {
	id: number;
	start: number;
	status: string;
	total: number;
	tickets: Map<bigint, TicketModel>;
	draws: number[];
}
interface GuildModel {
	points: Map<string, PointsModel>;
	settings: Map<string, string>;
	pointSettings: Map<string, string>;
	commands: Map<number, CommandModel>;
	timed: Map<number, TimedModel>;
	slots: Map<number, SlotModel>;
	periods: Map<number, PeriodModel>;
	tokens: Map<bigint, string>;
	/** undefined while the server has no row. */
	serverName: string | undefined;
}

function emptyGuild(): GuildModel {
	return {
		points: new Map(),
		settings: new Map(),
		pointSettings: new Map(),
		commands: new Map(),
		timed: new Map(),
		slots: new Map(),
		periods: new Map(),
		tokens: new Map(),
		serverName: undefined
	};
}

/** The models of every server, and every id handed out in this run (of any server). */
class World {
	public readonly models = GUILDS.map(emptyGuild);
	public readonly ids = { command: [] as number[], timed: [] as number[], slot: [] as number[], period: [] as number[] };
	public periodsCreated = 0;
	public drawsRecorded = 0;

	public constructor(public readonly repositories: readonly GuildRepositories[]) {}

	/** One id of the run's rows of that kind, any server's (deleted ones too), or an id no row has. */
	public pick(kind: keyof World['ids'], reference: number): number {
		const ids = this.ids[kind];
		const index = reference % (ids.length + 1);
		return ids[index] ?? MISSING_ID;
	}

	/** The server whose model holds the row, or -1. */
	public ownerOf(kind: 'commands' | 'timed' | 'slots' | 'periods', id: number): number {
		return this.models.findIndex((model) => model[kind].has(id));
	}
}

function model(world: World, index: number): GuildModel {
	return world.models[index]!;
}

function repositories(world: World, index: number): GuildRepositories {
	return world.repositories[index]!;
}


function ticketTotal(ticket: TicketModel): number {
	return ticket.bySource.watchtime + ticket.bySource.giftedSub + ticket.bySource.wager + ticket.bySource.bonus;
}

function ticketView(periodId: number, discordId: bigint, ticket: TicketModel): TicketRecord {
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

function commandView(command: Pick<CommandModel, 'id' | 'name' | 'response' | 'enabled' | 'useCount'>) {
	return { id: command.id, name: command.name, response: command.response, enabled: command.enabled, useCount: command.useCount, cooldownSeconds: 0 };
}

function drawInput(winningTicket: number) {
	return {
		totalTickets: 100,
		totalParticipants: 3,
		winnerDiscordId: 1n,
		winnerKickName: 'bob',
		winningTicket,
		prizeDescription: null,
		drawnByDiscordId: null,
		serverSeed: 'server-seed',
		clientSeed: 'client-seed',
		nonce: '0',
		proofHash: 'hash'
	};
}

/** After a call that named another server's row, that row is as its own server's model says. */
async function expectOwnerUnchanged(world: World, kind: 'commands' | 'slots' | 'periods' | 'timed', id: number, caller: number): Promise<void> {
	const owner = world.ownerOf(kind, id);
	if (owner === -1 || owner === caller) return;
	const own = repositories(world, owner);
	const ownModel = model(world, owner);
	if (kind === 'commands') {
		const row = await own.customCommands.get(id);
		expect(row && commandView(row), `command #${id} of server ${owner}`).to.deep.equal(commandView(ownModel.commands.get(id)!));
	} else if (kind === 'slots') {
		const row = await own.slotRequests.get(id);
		expect(row?.picked).to.equal(ownModel.slots.get(id)!.picked);
	} else if (kind === 'periods') {
		const row = await own.raffles.period(id);
		const period = ownModel.periods.get(id)!;
		expect({ status: row?.status, total: row?.totalTickets }).to.deep.equal({ status: period.status, total: period.total });
	} else {
		const row = (await own.timedMessages.list()).find((message) => message.id === id);
		const message = ownModel.timed.get(id)!;
		expect({ message: row?.message, enabled: row?.enabled, lastSent: row?.lastSent?.getTime() ?? null }).to.deep.equal({
			message: message.message,
			enabled: message.enabled,
			lastSent: message.lastSent
		});
	}
}

/** Runs one call on the real repositories and on the model; the answers must agree. */
async function apply(world: World, op: Op): Promise<void> {
	const repos = repositories(world, op.g);
	const own = model(world, op.g);
	switch (op.kind) {
		case 'award': {
			const before = own.points.get(op.user) ?? { points: 0, earned: 0, spent: 0 };
			const after = { points: before.points + op.amount, earned: before.earned + op.amount, spent: before.spent };
			own.points.set(op.user, after);
			const record = await repos.points.award(op.user, op.amount);
			expect({ points: record.points, earned: record.totalEarned, spent: record.totalSpent }).to.deep.equal(after);
			return;
		}
		case 'spend': {
			const row = own.points.get(op.user);
			const covered = row !== undefined && row.points >= op.amount;
			if (covered) own.points.set(op.user, { ...row, points: row.points - op.amount, spent: row.spent + op.amount });
			expect(await repos.points.spend(op.user, op.amount)).to.equal(covered ? row.points - op.amount : null);
			return;
		}
		case 'remove': {
			const row = own.points.get(op.user);
			if (row !== undefined) own.points.set(op.user, { ...row, points: Math.max(row.points - op.amount, 0) });
			expect(await repos.points.remove(op.user, op.amount)).to.equal(row === undefined ? null : Math.max(row.points - op.amount, 0));
			return;
		}
		case 'setSetting':
			own[op.table].set(op.key, op.value);
			await repos[op.table].set({ [op.key]: op.value });
			expect(await repos[op.table].get(op.key)).to.equal(op.value);
			return;
		case 'deleteSetting': {
			const had = own[op.table].delete(op.key);
			expect(await repos[op.table].delete(op.key)).to.equal(had);
			return;
		}
		case 'createCommand': {
			const taken = [...own.commands.values()].some((command) => command.name.toLowerCase() === op.name.toLowerCase());
			if (taken) {
				expect(await rejection(repos.customCommands.create({ name: op.name, response: op.response }))).to.be.an.instanceOf(ConflictError);
				return;
			}
			const record = await repos.customCommands.create({ name: op.name, response: op.response });
			expect(world.ownerOf('commands', record.id), 'a new id').to.equal(-1);
			own.commands.set(record.id, { id: record.id, name: op.name, response: op.response, enabled: true, useCount: 0 });
			world.ids.command.push(record.id);
			expect(commandView(record)).to.deep.equal(commandView(own.commands.get(record.id)!));
			return;
		}
		case 'updateCommand': {
			const id = world.pick('command', op.ref);
			const { name } = op.changes;
			const conflict = name !== undefined && [...own.commands.values()].some((command) => command.id !== id && command.name.toLowerCase() === name.toLowerCase());
			const command = own.commands.get(id);
			if (conflict || command === undefined) {
				const error = await rejection(repos.customCommands.update(id, op.changes));
				expect(error).to.be.an.instanceOf(conflict ? ConflictError : NotFoundError);
				await expectOwnerUnchanged(world, 'commands', id, op.g);
				return;
			}
			Object.assign(command, Object.fromEntries(Object.entries(op.changes).filter(([, value]) => value !== undefined)));
			expect(commandView(await repos.customCommands.update(id, op.changes))).to.deep.equal(commandView(command));
			return;
		}
		case 'deleteCommand': {
			const id = world.pick('command', op.ref);
			const existed = own.commands.delete(id);
			expect(await repos.customCommands.delete(id)).to.equal(existed);
			await expectOwnerUnchanged(world, 'commands', id, op.g);
			return;
		}
		case 'getCommand': {
			const id = world.pick('command', op.ref);
			const record = await repos.customCommands.get(id);
			const command = own.commands.get(id);
			expect(record && commandView(record)).to.deep.equal(command ? commandView(command) : null);
			return;
		}
		case 'useCommand': {
			const id = world.pick('command', op.ref);
			const command = own.commands.get(id);
			if (command) command.useCount += 1;
			expect(await repos.customCommands.recordUse(id)).to.equal(command ? command.useCount : null);
			await expectOwnerUnchanged(world, 'commands', id, op.g);
			return;
		}
		case 'createTimed': {
			const record = await repos.timedMessages.create({ message: op.message, intervalMinutes: op.intervalMinutes });
			expect(world.ownerOf('timed', record.id), 'a new id').to.equal(-1);
			own.timed.set(record.id, { id: record.id, message: op.message, intervalMinutes: op.intervalMinutes, enabled: true, lastSent: null });
			world.ids.timed.push(record.id);
			return;
		}
		case 'updateTimed': {
			const id = world.pick('timed', op.ref);
			const message = own.timed.get(id);
			if (message === undefined) {
				expect(await rejection(repos.timedMessages.update(id, op.changes))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, 'timed', id, op.g);
				return;
			}
			Object.assign(message, Object.fromEntries(Object.entries(op.changes).filter(([, value]) => value !== undefined)));
			const record = await repos.timedMessages.update(id, op.changes);
			expect({ message: record.message, intervalMinutes: record.intervalMinutes, enabled: record.enabled }).to.deep.equal({
				message: message.message,
				intervalMinutes: message.intervalMinutes,
				enabled: message.enabled
			});
			return;
		}
		case 'deleteTimed': {
			const id = world.pick('timed', op.ref);
			const existed = own.timed.delete(id);
			expect(await repos.timedMessages.delete(id)).to.equal(existed);
			await expectOwnerUnchanged(world, 'timed', id, op.g);
			return;
		}
		case 'claimTimed': {
			const id = world.pick('timed', op.ref);
			const now = T0 + op.minutes * 60_000;
			const message = own.timed.get(id);
			const due = message !== undefined && message.enabled && (message.lastSent === null || message.lastSent <= now - message.intervalMinutes * 60_000);
			if (due) message.lastSent = now;
			expect(await repos.timedMessages.claim(id, new Date(now))).to.equal(due);
			await expectOwnerUnchanged(world, 'timed', id, op.g);
			return;
		}
		case 'addSlot': {
			const record = await repos.slotRequests.add(op.user, op.call);
			expect(world.ownerOf('slots', record.id), 'a new id').to.equal(-1);
			own.slots.set(record.id, { id: record.id, user: op.user, call: op.call.trim(), picked: false });
			world.ids.slot.push(record.id);
			expect({ user: record.kickUsername, call: record.slotCall, picked: record.picked }).to.deep.equal({ user: op.user, call: op.call.trim(), picked: false });
			return;
		}
		case 'markPicked': {
			const id = world.pick('slot', op.ref);
			const slot = own.slots.get(id);
			const open = slot !== undefined && !slot.picked;
			if (open) slot.picked = true;
			expect(await repos.slotRequests.markPicked(id)).to.equal(open);
			await expectOwnerUnchanged(world, 'slots', id, op.g);
			return;
		}
		case 'getSlot': {
			const id = world.pick('slot', op.ref);
			const record = await repos.slotRequests.get(id);
			const slot = own.slots.get(id);
			expect(record && { id: record.id, user: record.kickUsername, call: record.slotCall, picked: record.picked }).to.deep.equal(slot ? { ...slot } : null);
			return;
		}
		case 'pickRandom': {
			const open = [...own.slots.values()].filter((slot) => !slot.picked);
			const record = await repos.slotRequests.pickRandom();
			if (open.length === 0) {
				expect(record).to.equal(null);
				return;
			}
			expect(record, 'an open request of this server').to.not.equal(null);
			const slot = own.slots.get(record!.id);
			expect(slot !== undefined && !slot.picked, `#${record!.id} is an open request of this server`).to.equal(true);
			slot!.picked = true;
			return;
		}
		case 'clearOpen': {
			const open = [...own.slots.values()].filter((slot) => !slot.picked);
			for (const slot of open) own.slots.delete(slot.id);
			expect(await repos.slotRequests.clearOpen()).to.equal(open.length);
			return;
		}
		case 'createPeriod': {
			const start = T0 + world.periodsCreated++ * 60_000;
			const period = { startDate: new Date(start), endDate: new Date(start + 86_400_000) };
			if ([...own.periods.values()].some((existing) => existing.status === 'active')) {
				expect(await rejection(repos.raffles.createPeriod(period))).to.be.an.instanceOf(ConflictError);
				return;
			}
			const record = await repos.raffles.createPeriod(period);
			expect(world.ownerOf('periods', record.id), 'a new id').to.equal(-1);
			own.periods.set(record.id, { id: record.id, start, status: 'active', total: 0, tickets: new Map(), draws: [] });
			world.ids.period.push(record.id);
			return;
		}
		case 'setPeriodStatus': {
			const id = world.pick('period', op.ref);
			const period = own.periods.get(id);
			if (period === undefined) {
				expect(await rejection(repos.raffles.setPeriodStatus(id, op.status))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, 'periods', id, op.g);
				return;
			}
			period.status = op.status;
			expect((await repos.raffles.setPeriodStatus(id, op.status)).status).to.equal(op.status);
			return;
		}
		case 'addTickets': {
			const id = world.pick('period', op.ref);
			const period = own.periods.get(id);
			const grant = { discordId: op.discordId, kickName: op.kickName, source: op.source, amount: op.amount };
			if (period === undefined) {
				expect(await rejection(repos.raffles.addTickets(id, grant))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, 'periods', id, op.g);
				return;
			}
			const ticket = period.tickets.get(op.discordId) ?? { kickName: op.kickName, bySource: { watchtime: 0, giftedSub: 0, wager: 0, bonus: 0 } };
			ticket.kickName = op.kickName;
			ticket.bySource[op.source] += op.amount;
			period.tickets.set(op.discordId, ticket);
			period.total += op.amount;
			expect(await repos.raffles.addTickets(id, grant)).to.deep.equal(ticketView(id, op.discordId, ticket));
			return;
		}
		case 'ticketsOf': {
			const id = world.pick('period', op.ref);
			const period = own.periods.get(id);
			if (period === undefined) {
				expect(await rejection(repos.raffles.ticketsOf(id, op.discordId))).to.be.an.instanceOf(NotFoundError);
				return;
			}
			const ticket = period.tickets.get(op.discordId);
			expect(await repos.raffles.ticketsOf(id, op.discordId)).to.deep.equal(ticket ? ticketView(id, op.discordId, ticket) : null);
			return;
		}
		case 'recordDraw': {
			const id = world.pick('period', op.ref);
			const period = own.periods.get(id);
			const winningTicket = ++world.drawsRecorded;
			if (period === undefined) {
				expect(await rejection(repos.raffles.recordDraw(id, drawInput(winningTicket)))).to.be.an.instanceOf(NotFoundError);
				return;
			}
			period.draws.push(winningTicket);
			expect((await repos.raffles.recordDraw(id, drawInput(winningTicket))).periodId).to.equal(id);
			return;
		}
		case 'draws': {
			const id = world.pick('period', op.ref);
			const period = own.periods.get(id);
			if (period === undefined) {
				expect(await rejection(repos.raffles.draws(id))).to.be.an.instanceOf(NotFoundError);
				return;
			}
			expect((await repos.raffles.draws(id)).map((draw) => draw.winningTicket)).to.deep.equal(period.draws);
			return;
		}
		case 'saveToken': {
			const token = `${op.token} of ${op.g}`;
			own.tokens.set(op.kickUserId, token);
			await repos.kickTokens.save({ kickUserId: op.kickUserId, kickUsername: 'streamer', accessToken: token, refreshToken: null, scopes: ['chat:write'], expiresAt: null });
			return;
		}
		case 'getToken':
			expect((await repos.kickTokens.get(op.kickUserId))?.accessToken ?? null).to.equal(own.tokens.get(op.kickUserId) ?? null);
			return;
		case 'deleteToken': {
			const existed = own.tokens.delete(op.kickUserId);
			expect(await repos.kickTokens.delete(op.kickUserId)).to.equal(existed);
			return;
		}
		case 'ensureServer':
			own.serverName = op.name;
			expect((await repos.server.ensure({ name: op.name, ownerId: null })).guildId).to.equal(GUILDS[op.g]);
			return;
	}
}

/** Each server's repositories report exactly its model. */
async function expectMatchesModel(world: World, index: number): Promise<void> {
	const repos = repositories(world, index);
	const own = model(world, index);
	const where = `server ${index}`;

	// Points: every name of the domain, the count, the leaderboard and the ranks.
	for (const name of USERS) {
		const record = await repos.points.get(name);
		const expected = own.points.get(name);
		expect(record && { points: record.points, earned: record.totalEarned, spent: record.totalSpent }, `${where} points of ${name}`).to.deep.equal(expected ?? null);
		const rank = expected === undefined ? null : 1 + [...own.points.values()].filter((other) => other.points > expected.points).length;
		expect(await repos.points.rankOf(name), `${where} rank of ${name}`).to.equal(rank);
	}
	expect(await repos.points.count(), `${where} points count`).to.equal(own.points.size);
	const leaderboard = await repos.points.leaderboard({ limit: 50 });
	expect(leaderboard.map((row) => row.kickUsername).sort(), `${where} leaderboard`).to.deep.equal([...own.points.keys()].sort());
	expect(leaderboard.map((row) => row.points), `${where} leaderboard order`).to.deep.equal(leaderboard.map((row) => row.points).sort((x, y) => y - x));

	// Settings of both tables.
	for (const table of ['settings', 'pointSettings'] as const) {
		expect(Object.fromEntries(await repos[table].all()), `${where} ${table}`).to.deep.equal(Object.fromEntries(own[table]));
	}

	// Custom commands, and lookups by name (case-insensitive).
	const commands = [...own.commands.values()].sort((x, y) => x.id - y.id);
	expect((await repos.customCommands.list()).map(commandView), `${where} commands`).to.deep.equal(commands.map(commandView));
	// `%` and `_` are no wildcards in a lookup (a chat message can be any text).
	for (const name of [...COMMAND_NAMES, '%', 'a%', '___']) {
		const found = await repos.customCommands.findByName(name);
		const expected = commands.find((command) => command.name.toLowerCase() === name.toLowerCase());
		expect(found?.id ?? null, `${where} command named ${name}`).to.equal(expected?.id ?? null);
	}

	// Timed messages.
	const timed = [...own.timed.values()].sort((x, y) => x.id - y.id);
	const timedRows = await repos.timedMessages.list();
	expect(
		timedRows.map((row) => ({ id: row.id, message: row.message, intervalMinutes: row.intervalMinutes, enabled: row.enabled, lastSent: row.lastSent?.getTime() ?? null })),
		`${where} timed messages`
	).to.deep.equal(timed.map((message) => ({ ...message })));

	// Slot requests: the open queue, per-user counts, and every id of the run.
	const open = [...own.slots.values()].filter((slot) => !slot.picked).sort((x, y) => x.id - y.id);
	const openRows = (await repos.slotRequests.listOpen()).sort((x, y) => x.id - y.id);
	expect(
		openRows.map((row) => ({ id: row.id, user: row.kickUsername, call: row.slotCall, picked: row.picked })),
		`${where} open slot requests`
	).to.deep.equal(open);
	for (const name of USERS) {
		expect(await repos.slotRequests.openCountFor(name), `${where} open requests of ${name}`).to.equal(open.filter((slot) => slot.user === name).length);
	}
	for (const id of world.ids.slot) expect((await repos.slotRequests.get(id))?.id ?? null, `${where} slot request #${id}`).to.equal(own.slots.has(id) ? id : null);

	// Raffles: periods, the active one, tickets and draws of each.
	const periods = [...own.periods.values()].sort((x, y) => y.start - x.start);
	expect(
		(await repos.raffles.periods()).map((row) => ({ id: row.id, status: row.status, total: row.totalTickets })),
		`${where} raffle periods`
	).to.deep.equal(periods.map((period) => ({ id: period.id, status: period.status, total: period.total })));
	expect((await repos.raffles.activePeriod())?.id ?? null, `${where} active period`).to.equal(periods.find((period) => period.status === 'active')?.id ?? null);
	for (const id of world.ids.period) {
		const period = own.periods.get(id);
		if (period === undefined) {
			expect(await repos.raffles.period(id), `${where} period #${id}`).to.equal(null);
			expect(await rejection(repos.raffles.participants(id))).to.be.an.instanceOf(NotFoundError);
			continue;
		}
		const participants = [...period.tickets.entries()]
			.filter(([, ticket]) => ticketTotal(ticket) > 0)
			.sort(([x], [y]) => (x < y ? -1 : 1))
			.map(([discordId, ticket]) => ticketView(id, discordId, ticket));
		expect(await repos.raffles.participants(id), `${where} participants of #${id}`).to.deep.equal(participants);
		expect((await repos.raffles.draws(id)).map((draw) => draw.winningTicket), `${where} draws of #${id}`).to.deep.equal(period.draws);
	}

	// Kick tokens and the server row.
	expect(await repos.kickTokens.userIds(), `${where} Kick token users`).to.deep.equal([...own.tokens.keys()].sort((x, y) => (x < y ? -1 : 1)));
	for (const [kickUserId, token] of own.tokens) expect((await repos.kickTokens.get(kickUserId))?.accessToken, `${where} token of ${kickUserId}`).to.equal(token);
	expect((await repos.server.get())?.name ?? null, `${where} server row`).to.equal(own.serverName ?? null);
}

/** Row counts per table and server in the database equal the models' (no row under a server nobody asked about). */
async function expectRowCounts(database: Database, world: World): Promise<void> {
	const expected: Record<string, Record<string, number>> = {};
	const count = (table: string, index: number, rows: number) => {
		if (rows === 0) return;
		(expected[table] ??= {})[String(GUILDS[index])] = rows;
	};
	world.models.forEach((own, index) => {
		count('user_points', index, own.points.size);
		count('bot_settings', index, own.settings.size);
		count('point_settings', index, own.pointSettings.size);
		count('custom_commands', index, own.commands.size);
		count('timed_messages', index, own.timed.size);
		count('slot_requests', index, own.slots.size);
		count('raffle_periods', index, own.periods.size);
		count('raffle_tickets', index, [...own.periods.values()].reduce((sum, period) => sum + period.tickets.size, 0));
		count('raffle_draws', index, [...own.periods.values()].reduce((sum, period) => sum + period.draws.length, 0));
		count('kick_oauth_tokens', index, own.tokens.size);
		count('servers', index, own.serverName === undefined ? 0 : 1);
	});
	const session = await database.connection.openSession();
	try {
		const actual: Record<string, Record<string, number>> = {};
		for (const table of Object.keys(expected).concat(['user_points', 'custom_commands', 'slot_requests', 'raffle_tickets'])) {
			const rows = await session.query<{ guild: string; rows: number }>(`SELECT discord_server_id::text AS guild, count(*)::int AS rows FROM ${table} GROUP BY 1`);
			for (const row of rows) (actual[table] ??= {})[row.guild] = row.rows;
		}
		expect(actual, 'rows per table and server').to.deep.equal(expected);
	} finally {
		await session.release();
	}
}

describe('Guild isolation, model-based (postgres)', function () {
	this.timeout(180_000);
	let migrated: MigratedDatabase;
	let database: Database;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'isolation');
		database = migrated.database;
	});
	after(() => migrated?.close());

	async function run(ops: readonly Op[]): Promise<void> {
		await truncateAll(database);
		const world = new World(GUILDS.map((guildId) => database.forGuild(guildId)));
		for (const [step, op] of ops.entries()) {
			try {
				await apply(world, op);
			} catch (error) {
				if (error instanceof Error) error.message = `step ${step} ${fc.stringify(op)}: ${error.message}`;
				throw error;
			}
		}
		for (const index of GUILDS.keys()) await expectMatchesModel(world, index);
		await expectRowCounts(database, world);
	}

	it('keeps every server’s rows to itself over random sequences of repository calls', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(opArbitrary, { minLength: 10, maxLength: 60 }), (ops) => run(ops)),
			{ numRuns: NUM_RUNS }
		);
	});

	it('keeps apart servers that use the same names and ids, when their calls interleave', async () => {
		// The same call made for every server in turn: maximal collisions of names and Kick ids.
		const mirrored = fc
			.array(opArbitrary, { minLength: 5, maxLength: 20 })
			.map((ops) => ops.flatMap((op) => GUILDS.map((_, index) => ({ ...op, g: index }) as Op)));
		await fc.assert(
			fc.asyncProperty(mirrored, (ops) => run(ops)),
			{ numRuns: 20 }
		);
	});
});
