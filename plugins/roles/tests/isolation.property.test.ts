import { expect } from 'chai';
import * as fc from 'fast-check';
import type { RoleChangeProblem } from '#core';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, T0 } from '#test/helpers/isolationHarness';
import type { KickSubscriptionRecord, SubscriptionEvent } from '../lib/KickSubscriptionsRepository.js';
import type { GrantKind, RoleGrant } from '../lib/RoleGrantsRepository.js';
import type { RoleProblemRecord } from '../lib/RoleProblemsRepository.js';
import { DEFAULT_TIER_MINUTES, type RoleTier } from '../lib/RoleTiersRepository.js';
import manifest from '../plugin.js';

// Each of the plugin's repositories, for three servers that use the same role ids, member ids and Kick accounts.

const repositories = repositoriesOf(manifest);
/** Role ids every server uses. */
const ROLES = ['400000000000000001', '400000000000000002', '400000000000000003'] as const;
const role = fc.constantFrom(...ROLES);
/** Members every server has. */
const member = fc.constantFrom('300000000000000001', '300000000000000002', '300000000000000003');
/** A time around T0, in whole minutes. */
const minute = fc.integer({ min: -3, max: 3 });
const timeAt = (minutes: number) => new Date(T0 + minutes * 60_000);
const byId = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

// Tiers: thresholds (the defaults among them) and roles every server sets.

type TierCall = { kind: 'set'; g: number; minutes: number; roleId: string } | { kind: 'remove'; g: number; minutes: number } | { kind: 'list'; g: number };

/** The server's rows; none: the defaults, without roles. */
interface TiersModel {
	rows: Map<number, string | null>;
}

const thresholds = fc.constantFrom(45, ...DEFAULT_TIER_MINUTES, 3000);

function listedTiers(model: TiersModel): { tiers: RoleTier[]; defaults: boolean } {
	if (model.rows.size === 0) return { tiers: DEFAULT_TIER_MINUTES.map((minutes) => ({ minutes, roleId: null })), defaults: true };
	return { tiers: [...model.rows].sort(([a], [b]) => a - b).map(([minutes, roleId]) => ({ minutes, roleId })), defaults: false };
}

describeIsolation<TiersModel, TierCall>({
	subject: 'role_tiers',
	repositories,
	tables: ['role_tiers'],
	emptyModel: () => ({ rows: new Map() }),
	call: fc.oneof(
		{ weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), g: guild, minutes: thresholds, roleId: role }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), g: guild, minutes: thresholds }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('list' as const), g: guild }) }
	),
	async apply(world, call) {
		const tiers = world.repositoriesOf(call.g).roleTiers;
		const own = world.model(call.g);
		const defaults = () => new Map<number, string | null>(DEFAULT_TIER_MINUTES.map((minutes) => [minutes, null]));
		switch (call.kind) {
			case 'list':
				expect(await tiers.list()).to.deep.equal(listedTiers(own));
				return;
			case 'set': {
				const effective = own.rows.size === 0 ? defaults() : own.rows;
				const holder = [...effective].find(([minutes, roleId]) => roleId === call.roleId && minutes !== call.minutes);
				const outcome = await tiers.set(call.minutes, call.roleId);
				if (holder !== undefined) {
					expect(outcome).to.deep.equal({ outcome: 'role taken', byMinutes: holder[0] });
					return;
				}
				if (own.rows.size === 0) own.rows = defaults();
				expect(outcome).to.deep.equal({ outcome: 'set', previousRoleId: own.rows.get(call.minutes) ?? null, added: !own.rows.has(call.minutes) });
				own.rows.set(call.minutes, call.roleId);
				return;
			}
			case 'remove': {
				const removed = await tiers.remove(call.minutes);
				if (own.rows.size === 0) {
					const isDefault = (DEFAULT_TIER_MINUTES as readonly number[]).includes(call.minutes);
					expect(removed).to.deep.equal(isDefault ? { minutes: call.minutes, roleId: null } : null);
					if (isDefault) own.rows = new Map([...defaults()].filter(([minutes]) => minutes !== call.minutes));
					return;
				}
				expect(removed).to.deep.equal(own.rows.has(call.minutes) ? { minutes: call.minutes, roleId: own.rows.get(call.minutes) } : null);
				own.rows.delete(call.minutes);
				return;
			}
		}
	},
	async expectMatchesModel(world, index) {
		expect(await world.repositoriesOf(index).roleTiers.list(), `server ${index} tiers`).to.deep.equal(listedTiers(world.model(index)));
	},
	rowsOf: (model) => ({ role_tiers: model.rows.size })
});

// Kick subscriptions: the same Kick accounts subscribe in every server, events come in any order and again.

type SubscriptionCall =
	| { kind: 'record'; g: number; events: { userId: string; username: string; expires: number; at: number }[] }
	| { kind: 'active'; g: number; now: number }
	| { kind: 'of'; g: number; userId: string | null; username: string };

interface SubscriptionsModel {
	byUser: Map<string, { username: string; expiresAt: Date; at: Date }>;
}

const kickUser = fc.constantFrom('7001', '7002', '7003');
const kickName = fc.constantFrom('anna', 'Anna', 'bob');

function recordOf(userId: string, stored: { username: string; expiresAt: Date }): KickSubscriptionRecord {
	return { kickUserId: userId, kickUsername: stored.username, expiresAt: stored.expiresAt };
}

describeIsolation<SubscriptionsModel, SubscriptionCall>({
	subject: 'kick_subscriptions',
	repositories,
	tables: ['kick_subscriptions'],
	emptyModel: () => ({ byUser: new Map() }),
	call: fc.oneof(
		{
			weight: 4,
			arbitrary: fc.record({
				kind: fc.constant('record' as const),
				g: guild,
				events: fc.array(fc.record({ userId: kickUser, username: kickName, expires: minute, at: minute }), { minLength: 1, maxLength: 3 })
			})
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('active' as const), g: guild, now: minute }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('of' as const), g: guild, userId: fc.option(kickUser, { nil: null }), username: kickName }) }
	),
	async apply(world, call) {
		const subscriptions = world.repositoriesOf(call.g).kickSubscriptions;
		const own = world.model(call.g);
		switch (call.kind) {
			case 'record': {
				const events: SubscriptionEvent[] = call.events.map((event) => ({
					kickUserId: event.userId,
					kickUsername: event.username,
					expiresAt: timeAt(event.expires),
					at: timeAt(event.at)
				}));
				for (const event of events) {
					const stored = own.byUser.get(event.kickUserId);
					own.byUser.set(event.kickUserId, {
						username: stored === undefined || event.at >= stored.at ? event.kickUsername : stored.username,
						expiresAt: stored === undefined || event.expiresAt > stored.expiresAt ? event.expiresAt : stored.expiresAt,
						at: stored === undefined || event.at > stored.at ? event.at : stored.at
					});
				}
				const touched = [...new Set(events.map((event) => event.kickUserId))].sort(byId);
				expect(await subscriptions.record(events)).to.deep.equal(touched.map((userId) => recordOf(userId, own.byUser.get(userId)!)));
				return;
			}
			case 'active':
				expect(await subscriptions.active(timeAt(call.now))).to.deep.equal(activeOf(own, timeAt(call.now)));
				return;
			case 'of': {
				const found = await subscriptions.of({ kickUserId: call.userId, kickUsername: call.username });
				const matches = [...own.byUser]
					.filter(([userId, stored]) =>
						call.userId === null ? stored.username.toLowerCase() === call.username.toLowerCase() : userId === call.userId
					)
					.map(([userId, stored]) => recordOf(userId, stored));
				if (matches.length === 0) expect(found).to.equal(null);
				else expect(found?.expiresAt).to.deep.equal(new Date(Math.max(...matches.map((match) => match.expiresAt.getTime()))));
				return;
			}
		}
	},
	async expectMatchesModel(world, index) {
		const farPast = new Date(0);
		expect(await world.repositoriesOf(index).kickSubscriptions.active(farPast), `server ${index} subscriptions`).to.deep.equal(
			activeOf(world.model(index), farPast)
		);
	},
	rowsOf: (model) => ({ kick_subscriptions: model.byUser.size })
});

function activeOf(model: SubscriptionsModel, now: Date): KickSubscriptionRecord[] {
	return [...model.byUser]
		.filter(([, stored]) => stored.expiresAt > now)
		.sort(([a], [b]) => byId(a, b))
		.map(([userId, stored]) => recordOf(userId, stored));
}

// Grants and absent members: the same members and roles everywhere.

type GrantCall =
	| { kind: 'record'; g: number; memberId: string; roleId: string; grantKind: GrantKind }
	| { kind: 'forget'; g: number; memberId: string; roleId: string }
	| { kind: 'ofMember' | 'clearAbsent'; g: number; memberId: string }
	| { kind: 'noteAbsent'; g: number; memberId: string; at: number }
	| { kind: 'absentSince'; g: number; since: number }
	| { kind: 'all'; g: number };

interface GrantsModel {
	grants: Map<string, Map<string, GrantKind>>;
	absent: Map<string, number>;
}

function grantsOf(model: GrantsModel, only?: string): RoleGrant[] {
	return [...model.grants]
		.filter(([memberId]) => only === undefined || memberId === only)
		.sort(([a], [b]) => byId(a, b))
		.flatMap(([memberId, roles]) => [...roles].sort(([a], [b]) => byId(a, b)).map(([roleId, kind]) => ({ memberId, roleId, kind })));
}

describeIsolation<GrantsModel, GrantCall>({
	subject: 'role_grants',
	repositories,
	tables: ['role_grants', 'role_absent_members'],
	emptyModel: () => ({ grants: new Map(), absent: new Map() }),
	call: fc.oneof(
		{
			weight: 4,
			arbitrary: fc.record({
				kind: fc.constant('record' as const),
				g: guild,
				memberId: member,
				roleId: role,
				grantKind: fc.constantFrom<GrantKind>('linked', 'subscriber', 'tier')
			})
		},
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('forget' as const), g: guild, memberId: member, roleId: role }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('ofMember' as const, 'clearAbsent' as const), g: guild, memberId: member }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('noteAbsent' as const), g: guild, memberId: member, at: minute }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('absentSince' as const), g: guild, since: minute }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('all' as const), g: guild }) }
	),
	async apply(world, call) {
		const grants = world.repositoriesOf(call.g).roleGrants;
		const own = world.model(call.g);
		switch (call.kind) {
			case 'record': {
				await grants.record({ memberId: call.memberId, roleId: call.roleId, kind: call.grantKind });
				const roles = own.grants.get(call.memberId) ?? new Map<string, GrantKind>();
				own.grants.set(call.memberId, roles.set(call.roleId, call.grantKind));
				return;
			}
			case 'forget': {
				const roles = own.grants.get(call.memberId);
				expect(await grants.forget(call.memberId, call.roleId)).to.equal(roles?.delete(call.roleId) ?? false);
				if (roles?.size === 0) own.grants.delete(call.memberId);
				return;
			}
			case 'ofMember':
				expect(await grants.ofMember(call.memberId)).to.deep.equal(grantsOf(own, call.memberId));
				return;
			case 'noteAbsent':
				await grants.noteAbsent(call.memberId, timeAt(call.at));
				own.grants.delete(call.memberId);
				own.absent.set(call.memberId, call.at);
				return;
			case 'clearAbsent':
				await grants.clearAbsent(call.memberId);
				own.absent.delete(call.memberId);
				return;
			case 'absentSince':
				expect(await grants.absentSince(timeAt(call.since))).to.deep.equal(
					new Set([...own.absent].filter(([, at]) => at > call.since).map(([memberId]) => memberId))
				);
				return;
			case 'all':
				expect(await grants.all()).to.deep.equal(grantsOf(own));
				return;
		}
	},
	async expectMatchesModel(world, index) {
		const own = world.model(index);
		expect(await world.repositoriesOf(index).roleGrants.all(), `server ${index} grants`).to.deep.equal(grantsOf(own));
		expect(await world.repositoriesOf(index).roleGrants.absentSince(new Date(0)), `server ${index} absent members`).to.deep.equal(
			new Set(own.absent.keys())
		);
	},
	rowsOf: (model) => ({ role_grants: grantsOf(model).length, role_absent_members: model.absent.size })
});

// Problems: the same roles have problems in every server, noted, told and cleared at the same times.

type ProblemCall =
	| { kind: 'note'; g: number; roleId: string; problem: RoleChangeProblem; at: number; probeAfter: number | null }
	| { kind: 'markReported'; g: number; told: { roleId: string; at: number }[]; now: number }
	| { kind: 'clear'; g: number; roleId: string }
	| { kind: 'clearAllBut'; g: number; roleIds: string[] }
	| { kind: 'probeAllSoon' | 'all'; g: number };

interface ProblemsModel {
	records: Map<string, RoleProblemRecord>;
}

function problemsOf(model: ProblemsModel): RoleProblemRecord[] {
	return [...model.records.values()].sort((a, b) => a.notedAt.getTime() - b.notedAt.getTime() || byId(a.roleId, b.roleId));
}

describeIsolation<ProblemsModel, ProblemCall>({
	subject: 'role_problems',
	repositories,
	tables: ['role_problems'],
	emptyModel: () => ({ records: new Map() }),
	call: fc.oneof(
		{
			weight: 4,
			arbitrary: fc.record({
				kind: fc.constant('note' as const),
				g: guild,
				roleId: role,
				problem: fc.constantFrom<RoleChangeProblem>('role too high', 'no such role', 'no permission'),
				at: minute,
				probeAfter: fc.option(minute, { nil: null })
			})
		},
		{
			weight: 2,
			arbitrary: fc.record({
				kind: fc.constant('markReported' as const),
				g: guild,
				told: fc.array(fc.record({ roleId: role, at: minute }), { maxLength: 3 }),
				now: minute
			})
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), g: guild, roleId: role }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('clearAllBut' as const), g: guild, roleIds: fc.subarray([...ROLES]) }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('probeAllSoon' as const, 'all' as const), g: guild }) }
	),
	async apply(world, call) {
		const problems = world.repositoriesOf(call.g).roleProblems;
		const own = world.model(call.g);
		switch (call.kind) {
			case 'note': {
				const known = own.records.get(call.roleId);
				const probeAfter = call.probeAfter === null ? null : timeAt(call.probeAfter);
				const record: RoleProblemRecord =
					known?.problem === call.problem
						? { ...known, probeAfter }
						: { roleId: call.roleId, problem: call.problem, notedAt: timeAt(call.at), reportedAt: null, probeAfter };
				own.records.set(call.roleId, record);
				expect(await problems.note(call.roleId, call.problem, timeAt(call.at), probeAfter)).to.deep.equal(record);
				return;
			}
			case 'markReported': {
				const told = call.told.map((entry) => ({ roleId: entry.roleId, notedAt: timeAt(entry.at) }));
				await problems.markReported(told, timeAt(call.now));
				for (const entry of told) {
					const record = own.records.get(entry.roleId);
					if (record !== undefined && record.notedAt.getTime() === entry.notedAt.getTime())
						own.records.set(entry.roleId, { ...record, reportedAt: timeAt(call.now) });
				}
				return;
			}
			case 'clear':
				expect(await problems.clear(call.roleId)).to.equal(own.records.delete(call.roleId));
				return;
			case 'clearAllBut': {
				const gone = [...own.records.keys()].filter((roleId) => !call.roleIds.includes(roleId));
				for (const roleId of gone) own.records.delete(roleId);
				expect(await problems.clearAllBut(call.roleIds)).to.equal(gone.length);
				return;
			}
			case 'probeAllSoon': {
				const waiting = [...own.records.values()].filter((record) => record.probeAfter !== null);
				for (const record of waiting) own.records.set(record.roleId, { ...record, probeAfter: null });
				expect(await problems.probeAllSoon()).to.equal(waiting.length);
				return;
			}
			case 'all':
				expect(await problems.all()).to.deep.equal(problemsOf(own));
				return;
		}
	},
	async expectMatchesModel(world, index) {
		expect(await world.repositoriesOf(index).roleProblems.all(), `server ${index} problems`).to.deep.equal(problemsOf(world.model(index)));
	},
	rowsOf: (model) => ({ role_problems: model.records.size })
});
