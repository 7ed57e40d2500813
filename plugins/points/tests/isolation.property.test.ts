import { expect } from 'chai';
import * as fc from 'fast-check';
import { repositoriesOf } from '#test/helpers/databases';
import {
	amount,
	applySettingsCall,
	describeIsolation,
	expectSettingsMatch,
	guild,
	settingsCall,
	user,
	USERS,
	type IsolationWorld,
	type SettingsCall
} from '#test/helpers/isolationHarness';
import manifest from '../plugin.js';

// Balances and point settings of three servers that share every Kick name.

type Call =
	| { kind: 'award' | 'spend' | 'remove'; g: number; user: string; amount: number }
	| { kind: 'setDiscordId'; g: number; user: string; discordId: bigint | null }
	| { kind: 'credit'; g: number; user: string; amount: number; eventKey: string }
	| { kind: 'set'; g: number; user: string; balance: number }
	| { kind: 'creditMany'; g: number; users: string[]; amount: number }
	| SettingsCall;

interface Balance {
	points: number;
	earned: number;
	spent: number;
	discordId: bigint | null;
}

interface PointsModel {
	balances: Map<string, Balance>;
	settings: Map<string, string>;
	ledgerRows: number;
	/** Ledger rows per (lower-cased) name, and the Kick events counted here. */
	history: Map<string, number>;
	events: Set<string>;
}

describeIsolation<PointsModel, Call>({
	subject: 'points',
	repositories: repositoriesOf(manifest),
	tables: ['user_points', 'point_ledger', 'point_rank_counts', 'point_settings'],
	emptyModel: () => ({ balances: new Map(), settings: new Map(), ledgerRows: 0, history: new Map(), events: new Set() }),
	call: fc.oneof(
		{ weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('award' as const, 'spend' as const, 'remove' as const), g: guild, user, amount }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('setDiscordId' as const), g: guild, user, discordId: fc.constantFrom(1n, 2n, null) }) },
		// The same Kick event ids in every server: each counts once per server.
		{
			weight: 2,
			arbitrary: fc.record({ kind: fc.constant('credit' as const), g: guild, user, amount, eventKey: fc.constantFrom('kick:e1', 'kick:e2', 'kick:e3') })
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('set' as const), g: guild, user, balance: fc.integer({ min: 0, max: 3000 }) }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('creditMany' as const), g: guild, users: fc.array(user, { maxLength: 4 }), amount }) },
		{ weight: 3, arbitrary: settingsCall(['sub_bonus', 'prefix']) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({
		user_points: model.balances.size,
		point_ledger: model.ledgerRows,
		point_rank_counts: rankCountRows(model),
		point_settings: model.settings.size
	})
});

/** One ledger row for a name in the model. */
function logged(own: PointsModel, name: string): void {
	own.ledgerRows += 1;
	own.history.set(name, (own.history.get(name) ?? 0) + 1);
}

async function apply(world: IsolationWorld<PointsModel>, call: Call): Promise<void> {
	const repositories = world.repositoriesOf(call.g);
	const own = world.model(call.g);
	switch (call.kind) {
		case 'award': {
			const before = own.balances.get(call.user.toLowerCase()) ?? { points: 0, earned: 0, spent: 0, discordId: null };
			const after = { ...before, points: before.points + call.amount, earned: before.earned + call.amount };
			own.balances.set(call.user.toLowerCase(), after);
			logged(own, call.user.toLowerCase());
			expect(view(await repositories.points.award(call.user, call.amount))).to.deep.equal(after);
			return;
		}
		case 'spend': {
			const balance = own.balances.get(call.user.toLowerCase());
			const covered = balance !== undefined && balance.points >= call.amount;
			if (covered) own.balances.set(call.user.toLowerCase(), { ...balance, points: balance.points - call.amount, spent: balance.spent + call.amount });
			if (covered) logged(own, call.user.toLowerCase());
			const after = own.balances.get(call.user.toLowerCase())?.points ?? 0;
			expect(await repositories.points.spend(call.user, { amount: call.amount, source: 'shop', reason: 'An item' })).to.deep.equal({
				status: covered ? 'spent' : 'insufficient',
				balance: after
			});
			return;
		}
		case 'remove': {
			const balance = own.balances.get(call.user.toLowerCase());
			const removed = Math.min(balance?.points ?? 0, call.amount);
			if (balance !== undefined) own.balances.set(call.user.toLowerCase(), { ...balance, points: balance.points - removed });
			if (removed > 0) logged(own, call.user.toLowerCase());
			expect(await repositories.points.remove(call.user, { amount: call.amount, source: 'remove', reason: 'A removal' })).to.deep.equal({
				removed,
				balance: (balance?.points ?? 0) - removed
			});
			return;
		}
		case 'setDiscordId': {
			const balance = own.balances.get(call.user.toLowerCase());
			if (balance !== undefined) balance.discordId = call.discordId;
			expect(await repositories.points.setDiscordId(call.user, call.discordId)).to.equal(balance !== undefined);
			return;
		}
		case 'credit': {
			const name = call.user.toLowerCase();
			const counted = !own.events.has(call.eventKey);
			const before = own.balances.get(name) ?? { points: 0, earned: 0, spent: 0, discordId: null };
			if (counted) {
				own.events.add(call.eventKey);
				own.balances.set(name, { ...before, points: before.points + call.amount, earned: before.earned + call.amount });
				logged(own, name);
			}
			const outcome = await repositories.points.credit(call.user, { amount: call.amount, source: 'sub', reason: 'A sub', eventKey: call.eventKey });
			expect(outcome).to.deep.equal({ status: counted ? 'credited' : 'already counted', balance: own.balances.get(name)?.points ?? 0 });
			return;
		}
		case 'set': {
			const name = call.user.toLowerCase();
			const before = own.balances.get(name);
			const delta = call.balance - (before?.points ?? 0);
			if (delta !== 0) {
				const base = before ?? { points: 0, earned: 0, spent: 0, discordId: null };
				own.balances.set(name, { ...base, points: call.balance, earned: base.earned + Math.max(delta, 0) });
				logged(own, name);
			}
			expect(await repositories.points.set(call.user, { balance: call.balance, reason: 'Set' })).to.deep.equal({ delta, balance: call.balance });
			return;
		}
		case 'creditMany': {
			// New rows are made in name order (their ids order ties on the leaderboard).
			const names = [...new Set(call.users.map((name) => name.toLowerCase()))].sort();
			for (const name of names) {
				const before = own.balances.get(name) ?? { points: 0, earned: 0, spent: 0, discordId: null };
				own.balances.set(name, { ...before, points: before.points + call.amount, earned: before.earned + call.amount });
				logged(own, name);
			}
			expect(await repositories.points.creditMany(call.users, { amount: call.amount, source: 'give_all', reason: 'Everyone' })).to.equal(names.length);
			return;
		}
		case 'setSetting':
		case 'deleteSetting':
			return applySettingsCall(repositories.pointSettings, own.settings, call);
	}
}

function view(record: { points: number; totalEarned: number; totalSpent: number; discordId: bigint | null }): Balance {
	return { points: record.points, earned: record.totalEarned, spent: record.totalSpent, discordId: record.discordId };
}

async function expectMatchesModel(world: IsolationWorld<PointsModel>, index: number): Promise<void> {
	const repositories = world.repositoriesOf(index);
	const own = world.model(index);
	const where = `server ${index}`;

	// Every name of the domain, the count, the leaderboard and the ranks.
	for (const name of USERS) {
		const record = await repositories.points.get(name);
		const expected = own.balances.get(name.toLowerCase());
		expect(record && view(record), `${where} points of ${name}`).to.deep.equal(expected ?? null);
		const rank = expected === undefined ? null : 1 + [...own.balances.values()].filter((other) => other.points > expected.points).length;
		expect(await repositories.points.rankOf(name), `${where} rank of ${name}`).to.equal(rank);
		expect(await repositories.points.historyCount(name), `${where} history of ${name}`).to.equal(own.history.get(name.toLowerCase()) ?? 0);
		expect(await repositories.points.balanceOf(name), `${where} balance of ${name}`).to.equal(expected?.points ?? 0);
		// The invariant: a balance is the sum of its ledger rows.
		const ledger = await repositories.points.history(name, { limit: 1000 });
		expect(
			ledger.reduce((sum, entry) => sum + entry.amount, 0),
			`${where} ledger sum of ${name}`
		).to.equal(expected?.points ?? 0);
	}
	expect(await repositories.points.count(), `${where} points count`).to.equal(own.balances.size);
	// Highest balance first, ties in the order the viewers got their row (the model's insertion order; sort is stable).
	const ranked = [...own.balances].sort(([, x], [, y]) => y.points - x.points).map(([name, balance]) => ({ name, points: balance.points }));
	const leaderboard = await repositories.points.leaderboard({ limit: 50 });
	expect(
		leaderboard.map((row) => ({ name: row.kickUsername, points: row.points })),
		`${where} leaderboard`
	).to.deep.equal(ranked);

	await expectSettingsMatch(repositories.pointSettings, own.settings, `${where} point settings`);
}

/** The rows of `point_rank_counts` a server's balances make: one per distinct balance, per 1,024 and per 1,048,576 points. */
function rankCountRows(model: PointsModel): number {
	const balances = [...model.balances.values()].map((balance) => balance.points);
	return [0, 10, 20].reduce((rows, shift) => rows + new Set(balances.map((points) => points >> shift)).size, 0);
}
