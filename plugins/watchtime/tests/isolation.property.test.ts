import { expect } from 'chai';
import * as fc from 'fast-check';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, T0, user, type IsolationWorld } from '#test/helpers/isolationHarness';
import type { WatchtimeChange } from '../lib/WatchtimeRepository.js';
import manifest from '../plugin.js';

// Watch time of three servers whose viewers have the same Kick names (one spelt two ways) and whose ticks fall on the same minutes.

const MODERATOR = 7n;
/** Ticks on a few minutes of two UTC days (T0 is midnight), so ticks of one minute collide within and across servers. */
const tickMinute = fc.constantFrom(0, 1, 2, 1439, 1440);
const present = fc.subarray(['bob', 'Bob', 'alice', 'carol']);
const cap = fc.constantFrom(0, 1, 2);
/** The Kick user ids of the names (the same account whatever the case). */
const KICK_IDS: Record<string, string> = { bob: '501', alice: '502', carol: '503' };
const delta = fc.constantFrom(-50, -3, -1, 1, 2, 40);

type Call =
	| { kind: 'countTick'; g: number; minute: number; present: string[]; cap: number }
	| { kind: 'change'; g: number; user: string; delta: number }
	| { kind: 'minutesOf' | 'rankOf' | 'history'; g: number; user: string }
	| { kind: 'minutesOfMany'; g: number; users: string[] }
	| { kind: 'top'; g: number; offset: number; limit: number };

interface WatchtimeModel {
	minutes: Map<string, number>;
	/** Minutes accrued per `username day`. */
	days: Map<string, number>;
	ticks: Set<number>;
	/** Logged changes, oldest first. */
	changes: { username: string; delta: number; minutesAfter: number }[];
}

describeIsolation<WatchtimeModel, Call>({
	subject: 'watchtime',
	repositories: repositoriesOf(manifest),
	tables: ['watchtime_changes', 'watchtime_days', 'watchtime_ticks', 'watchtime'],
	emptyModel: () => ({ minutes: new Map(), days: new Map(), ticks: new Set(), changes: [] }),
	call: fc.oneof(
		{ weight: 5, arbitrary: fc.record({ kind: fc.constant('countTick' as const), g: guild, minute: tickMinute, present, cap }) },
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('change' as const), g: guild, user, delta }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('minutesOf' as const, 'rankOf' as const, 'history' as const), g: guild, user }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('minutesOfMany' as const), g: guild, users: fc.subarray(['BOB', 'alice', 'carol', 'nobody']) }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('top' as const), g: guild, offset: fc.nat({ max: 3 }), limit: fc.integer({ min: 1, max: 4 }) }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({
		watchtime: model.minutes.size,
		watchtime_days: model.days.size,
		watchtime_ticks: model.ticks.size,
		watchtime_changes: model.changes.length
	})
});

const dayOf = (minute: number) => new Date(T0 + minute * 60_000).toISOString().slice(0, 10);

/** The leaderboard the model predicts: viewers with minutes, most first, ties by name, with shared ranks. */
function standings(model: WatchtimeModel): { username: string; minutes: number; rank: number }[] {
	const sorted = [...model.minutes].filter(([, minutes]) => minutes > 0).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
	return sorted.map(([username, minutes]) => ({ username, minutes, rank: 1 + sorted.filter(([, other]) => other > minutes).length }));
}

/** A viewer's changes, newest first. */
function historyOf(model: WatchtimeModel, username: string): string[] {
	return model.changes
		.filter((change) => change.username === username)
		.map((change) => `${change.delta} ${change.minutesAfter}`)
		.reverse();
}

function viewHistory(changes: readonly WatchtimeChange[]): string[] {
	return changes.map((change) => `${change.delta} ${change.minutesAfter}`);
}

async function apply(world: IsolationWorld<WatchtimeModel>, call: Call): Promise<void> {
	const watchtime = world.repositoriesOf(call.g).watchtime;
	const own = world.model(call.g);
	switch (call.kind) {
		case 'countTick': {
			const counted = !own.ticks.has(call.minute);
			let credited = 0;
			if (counted) {
				own.ticks.add(call.minute);
				for (const username of new Set(call.present.map((name) => name.toLowerCase()))) {
					const key = `${username} ${dayOf(call.minute)}`;
					const today = own.days.get(key) ?? 0;
					const gains = call.cap === 0 || today < call.cap;
					// Days are counted while there is a cap only.
					if (call.cap > 0) own.days.set(key, today + (gains ? 1 : 0));
					own.minutes.set(username, (own.minutes.get(username) ?? 0) + (gains ? 1 : 0));
					if (gains) credited++;
				}
			}
			const accounts = call.present.map((name, index) => ({
				person: `k:${KICK_IDS[name.toLowerCase()]}`,
				kickUserId: KICK_IDS[name.toLowerCase()]!,
				username: name,
				at: index
			}));
			const viewers = new Set(call.present.map((name) => name.toLowerCase())).size;
			expect(await watchtime.countTick(new Date(T0 + call.minute * 60_000), accounts, call.cap)).to.deep.equal({ counted, viewers, credited });
			return;
		}
		case 'change': {
			const username = call.user.toLowerCase();
			const before = own.minutes.get(username) ?? 0;
			const applied = Math.max(call.delta, -before);
			const outcome = await watchtime.change(call.user, call.delta, 'a reason', MODERATOR);
			if (applied === 0) {
				expect(outcome).to.equal(null);
				return;
			}
			own.minutes.set(username, before + applied);
			own.changes.push({ username, delta: applied, minutesAfter: before + applied });
			expect(outcome).to.deep.equal({ username, delta: applied, minutesAfter: before + applied });
			return;
		}
		case 'minutesOf':
			expect(await watchtime.minutesOf(call.user)).to.equal(own.minutes.get(call.user.toLowerCase()) ?? 0);
			return;
		case 'rankOf': {
			const standing = standings(own).find((entry) => entry.username === call.user.toLowerCase());
			expect(await watchtime.rankOf(call.user)).to.equal(standing?.rank ?? null);
			return;
		}
		case 'history':
			expect(viewHistory(await watchtime.history(call.user, 0, 100))).to.deep.equal(historyOf(own, call.user.toLowerCase()));
			return;
		case 'minutesOfMany': {
			const expected = call.users.map((name) => name.toLowerCase()).filter((name) => (own.minutes.get(name) ?? 0) > 0);
			expect(Object.fromEntries(await watchtime.minutesOfMany(call.users))).to.deep.equal(
				Object.fromEntries(expected.map((name) => [name, own.minutes.get(name)]))
			);
			return;
		}
		case 'top':
			expect(await watchtime.top(call.offset, call.limit)).to.deep.equal(standings(own).slice(call.offset, call.offset + call.limit));
			return;
	}
}

async function expectMatchesModel(world: IsolationWorld<WatchtimeModel>, index: number): Promise<void> {
	const watchtime = world.repositoriesOf(index).watchtime;
	const own = world.model(index);
	const where = `server ${index}`;
	expect(await watchtime.top(0, 100), `${where} leaderboard`).to.deep.equal(standings(own));
	expect(await watchtime.viewerCount(), `${where} viewers`).to.equal(standings(own).length);
	for (const minute of [0, 1, 2, 1439, 1440])
		expect(await watchtime.tickCounted(new Date(T0 + minute * 60_000)), `${where} tick ${minute}`).to.equal(own.ticks.has(minute));
}
