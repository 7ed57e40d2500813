import { expect } from 'chai';
import * as fc from 'fast-check';
import { NotFoundError } from '#core';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, rowReference, T0, text, type IsolationWorld } from '#test/helpers/isolationHarness';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';
import type { TimerRecord } from '../lib/TimedMessagesRepository.js';

// Timers of three servers; ids are picked from every server's timers, and claims and due lists run on one clock.

/** When a claim or a due list is asked for, in minutes after T0. */
const MINUTES = [0, 4, 5, 60, 1440] as const;

interface Timer {
	id: number;
	messages: string[];
	intervalMinutes: number;
	enabled: boolean;
	liveOnly: boolean;
	minChatLines: number;
	/** Epoch milliseconds. */
	lastSent: number | null;
	timesSent: number;
	chatLinesMark: number | null;
}

type Changes = Partial<Pick<Timer, 'messages' | 'intervalMinutes' | 'enabled' | 'liveOnly' | 'minChatLines'>>;

type Call =
	| { kind: 'create'; g: number; messages: string[]; intervalMinutes: number }
	| { kind: 'update'; g: number; ref: number; changes: Changes }
	| { kind: 'delete'; g: number; ref: number }
	| { kind: 'get'; g: number; ref: number }
	| { kind: 'claim'; g: number; ref: number; minutes: number; lines: number }
	| { kind: 'due'; g: number; minutes: number };

type TimerModel = Map<number, Timer>;

const intervalMinutes = fc.constantFrom(1, 5, 60);
const minutes = fc.constantFrom(...MINUTES);
const messages = fc.array(text, { minLength: 1, maxLength: 3 });

describeIsolation<TimerModel, Call>({
	subject: 'timers',
	repositories: repositoriesOf(manifest),
	tables: ['timed_messages'],
	emptyModel: () => new Map(),
	call: fc.oneof(
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), g: guild, messages, intervalMinutes }) },
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('update' as const),
				g: guild,
				ref: rowReference,
				changes: fc.record(
					{ messages, intervalMinutes, enabled: fc.boolean(), liveOnly: fc.boolean(), minChatLines: fc.constantFrom(0, 10) },
					{ requiredKeys: [] }
				)
			})
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), g: guild, ref: rowReference }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('get' as const), g: guild, ref: rowReference }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('claim' as const), g: guild, ref: rowReference, minutes, lines: fc.nat({ max: 50 }) }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('due' as const), g: guild, minutes }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({ timed_messages: model.size })
});

function view(record: TimerRecord): Timer {
	return {
		id: record.id,
		messages: [...record.messages],
		intervalMinutes: record.intervalMinutes,
		enabled: record.enabled,
		liveOnly: record.liveOnly,
		minChatLines: record.minChatLines,
		lastSent: record.lastSent?.getTime() ?? null,
		timesSent: record.timesSent,
		chatLinesMark: record.chatLinesMark
	};
}

function isDue(timer: Timer, now: number): boolean {
	return timer.enabled && (timer.lastSent === null || timer.lastSent <= now - timer.intervalMinutes * 60_000);
}

/** After a call that named another server's timer, that timer is as its own server's model says. */
async function expectOwnerUnchanged(world: IsolationWorld<TimerModel>, id: number, caller: number): Promise<void> {
	const owner = world.otherOwner(caller, (model) => model.has(id));
	if (owner === undefined) return;
	const row = await world.repositoriesOf(owner).timedMessages.get(id);
	expect(row && view(row), `timer #${id} of server ${owner}`).to.deep.equal(world.model(owner).get(id));
}

async function apply(world: IsolationWorld<TimerModel>, call: Call): Promise<void> {
	const timers = world.repositoriesOf(call.g).timedMessages;
	const own = world.model(call.g);
	switch (call.kind) {
		case 'create': {
			const record = await timers.create({ messages: call.messages, intervalMinutes: call.intervalMinutes });
			world.created('timer', record.id);
			own.set(record.id, {
				id: record.id,
				messages: call.messages,
				intervalMinutes: call.intervalMinutes,
				enabled: true,
				liveOnly: true,
				minChatLines: 0,
				lastSent: null,
				timesSent: 0,
				chatLinesMark: null
			});
			expect(view(record)).to.deep.equal(own.get(record.id));
			return;
		}
		case 'update': {
			const id = world.pick('timer', call.ref);
			const timer = own.get(id);
			if (timer === undefined) {
				expect(await rejection(timers.update(id, call.changes))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			Object.assign(timer, call.changes);
			expect(view(await timers.update(id, call.changes))).to.deep.equal(timer);
			return;
		}
		case 'delete': {
			const id = world.pick('timer', call.ref);
			const existed = own.delete(id);
			expect(await timers.delete(id)).to.equal(existed);
			await expectOwnerUnchanged(world, id, call.g);
			return;
		}
		case 'get': {
			const id = world.pick('timer', call.ref);
			const record = await timers.get(id);
			expect(record && view(record)).to.deep.equal(own.get(id) ?? null);
			return;
		}
		case 'claim': {
			const id = world.pick('timer', call.ref);
			const now = T0 + call.minutes * 60_000;
			const timer = own.get(id);
			// Another server's timer is claimed as if seen fresh (no post yet): the likeliest to pass if the server were not checked.
			const seen = { id, timesSent: timer?.timesSent ?? 0 };
			const post = await timers.claim(seen, new Date(now), call.lines);
			if (timer !== undefined && isDue(timer, now)) {
				timer.lastSent = now;
				timer.timesSent++;
				timer.chatLinesMark = call.lines;
				expect(post).to.deep.equal({
					timerId: id,
					postNumber: timer.timesSent,
					text: timer.messages[(timer.timesSent - 1) % timer.messages.length],
					discordChannelId: null
				});
			} else expect(post).to.equal(null);
			await expectOwnerUnchanged(world, id, call.g);
			return;
		}
		case 'due': {
			const now = T0 + call.minutes * 60_000;
			const due = [...own.values()].filter((timer) => isDue(timer, now)).sort((x, y) => x.id - y.id);
			expect((await timers.due(new Date(now))).timers.map(view)).to.deep.equal(due);
			return;
		}
	}
}

async function expectMatchesModel(world: IsolationWorld<TimerModel>, index: number): Promise<void> {
	const own = [...world.model(index).values()].sort((x, y) => x.id - y.id);
	expect((await world.repositoriesOf(index).timedMessages.list()).map(view), `server ${index} timers`).to.deep.equal(own);
}
