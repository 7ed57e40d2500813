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
}

describeIsolation<PointsModel, Call>({
	subject: 'points',
	repositories: repositoriesOf(manifest),
	tables: ['user_points', 'point_settings'],
	emptyModel: () => ({ balances: new Map(), settings: new Map() }),
	call: fc.oneof(
		{ weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('award' as const, 'spend' as const, 'remove' as const), g: guild, user, amount }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('setDiscordId' as const), g: guild, user, discordId: fc.constantFrom(1n, 2n, null) }) },
		{ weight: 3, arbitrary: settingsCall(['sub_bonus', 'prefix']) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({ user_points: model.balances.size, point_settings: model.settings.size })
});

async function apply(world: IsolationWorld<PointsModel>, call: Call): Promise<void> {
	const repositories = world.repositoriesOf(call.g);
	const own = world.model(call.g);
	switch (call.kind) {
		case 'award': {
			const before = own.balances.get(call.user) ?? { points: 0, earned: 0, spent: 0, discordId: null };
			const after = { ...before, points: before.points + call.amount, earned: before.earned + call.amount };
			own.balances.set(call.user, after);
			expect(view(await repositories.points.award(call.user, call.amount))).to.deep.equal(after);
			return;
		}
		case 'spend': {
			const balance = own.balances.get(call.user);
			const covered = balance !== undefined && balance.points >= call.amount;
			if (covered) own.balances.set(call.user, { ...balance, points: balance.points - call.amount, spent: balance.spent + call.amount });
			expect(await repositories.points.spend(call.user, call.amount)).to.equal(covered ? balance.points - call.amount : null);
			return;
		}
		case 'remove': {
			const balance = own.balances.get(call.user);
			if (balance !== undefined) own.balances.set(call.user, { ...balance, points: Math.max(balance.points - call.amount, 0) });
			expect(await repositories.points.remove(call.user, call.amount)).to.equal(balance === undefined ? null : Math.max(balance.points - call.amount, 0));
			return;
		}
		case 'setDiscordId': {
			const balance = own.balances.get(call.user);
			if (balance !== undefined) balance.discordId = call.discordId;
			expect(await repositories.points.setDiscordId(call.user, call.discordId)).to.equal(balance !== undefined);
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
		const expected = own.balances.get(name);
		expect(record && view(record), `${where} points of ${name}`).to.deep.equal(expected ?? null);
		const rank = expected === undefined ? null : 1 + [...own.balances.values()].filter((other) => other.points > expected.points).length;
		expect(await repositories.points.rankOf(name), `${where} rank of ${name}`).to.equal(rank);
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
