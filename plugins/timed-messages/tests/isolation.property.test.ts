import { expect } from 'chai';
import * as fc from 'fast-check';
import { NotFoundError } from '#core';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, rowReference, T0, text, type IsolationWorld } from '#test/helpers/isolationHarness';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

// Timed messages of three servers; ids are picked from every server's messages, and claims and due lists run on one clock.

/** When a claim or a due list is asked for, in minutes after T0. */
const MINUTES = [0, 4, 5, 60, 1440] as const;

interface TimedMessage {
	id: number;
	message: string;
	intervalMinutes: number;
	enabled: boolean;
	/** Epoch milliseconds. */
	lastSent: number | null;
}

type Changes = Partial<Pick<TimedMessage, 'message' | 'intervalMinutes' | 'enabled'>>;

type Call =
	| { kind: 'create'; g: number; message: string; intervalMinutes: number }
	| { kind: 'update'; g: number; ref: number; changes: Changes }
	| { kind: 'delete'; g: number; ref: number }
	| { kind: 'claim'; g: number; ref: number; minutes: number }
	| { kind: 'due'; g: number; minutes: number };

type TimedModel = Map<number, TimedMessage>;

const intervalMinutes = fc.constantFrom(1, 5, 60);
const minutes = fc.constantFrom(...MINUTES);

describeIsolation<TimedModel, Call>({
	subject: 'timed messages',
	repositories: repositoriesOf(manifest),
	tables: ['timed_messages'],
	emptyModel: () => new Map(),
	call: fc.oneof(
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), g: guild, message: text, intervalMinutes }) },
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('update' as const),
				g: guild,
				ref: rowReference,
				changes: fc.record({ message: text, intervalMinutes, enabled: fc.boolean() }, { requiredKeys: [] })
			})
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), g: guild, ref: rowReference }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('claim' as const), g: guild, ref: rowReference, minutes }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('due' as const), g: guild, minutes }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({ timed_messages: model.size })
});

function view(record: { id: number; message: string; intervalMinutes: number; enabled: boolean; lastSent: Date | null }): TimedMessage {
	return {
		id: record.id,
		message: record.message,
		intervalMinutes: record.intervalMinutes,
		enabled: record.enabled,
		lastSent: record.lastSent?.getTime() ?? null
	};
}

function isDue(message: TimedMessage, now: number): boolean {
	return message.enabled && (message.lastSent === null || message.lastSent <= now - message.intervalMinutes * 60_000);
}

/** After a call that named another server's message, that message is as its own server's model says. */
async function expectOwnerUnchanged(world: IsolationWorld<TimedModel>, id: number, caller: number): Promise<void> {
	const owner = world.otherOwner(caller, (model) => model.has(id));
	if (owner === undefined) return;
	const row = (await world.repositoriesOf(owner).timedMessages.list()).find((message) => message.id === id);
	expect(row && view(row), `timed message #${id} of server ${owner}`).to.deep.equal(world.model(owner).get(id));
}

async function apply(world: IsolationWorld<TimedModel>, call: Call): Promise<void> {
	const timedMessages = world.repositoriesOf(call.g).timedMessages;
	const own = world.model(call.g);
	switch (call.kind) {
		case 'create': {
			const record = await timedMessages.create({ message: call.message, intervalMinutes: call.intervalMinutes });
			world.created('timed message', record.id);
			own.set(record.id, { id: record.id, message: call.message, intervalMinutes: call.intervalMinutes, enabled: true, lastSent: null });
			expect(view(record)).to.deep.equal(own.get(record.id));
			return;
		}
		case 'update': {
			const id = world.pick('timed message', call.ref);
			const message = own.get(id);
			if (message === undefined) {
				expect(await rejection(timedMessages.update(id, call.changes))).to.be.an.instanceOf(NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			Object.assign(message, call.changes);
			expect(view(await timedMessages.update(id, call.changes))).to.deep.equal(message);
			return;
		}
		case 'delete': {
			const id = world.pick('timed message', call.ref);
			const existed = own.delete(id);
			expect(await timedMessages.delete(id)).to.equal(existed);
			await expectOwnerUnchanged(world, id, call.g);
			return;
		}
		case 'claim': {
			const id = world.pick('timed message', call.ref);
			const now = T0 + call.minutes * 60_000;
			const message = own.get(id);
			const due = message !== undefined && isDue(message, now);
			if (due) message.lastSent = now;
			expect(await timedMessages.claim(id, new Date(now))).to.equal(due);
			await expectOwnerUnchanged(world, id, call.g);
			return;
		}
		case 'due': {
			const now = T0 + call.minutes * 60_000;
			const due = [...own.values()].filter((message) => isDue(message, now)).sort((x, y) => x.id - y.id);
			expect((await timedMessages.due(new Date(now))).map(view)).to.deep.equal(due);
			return;
		}
	}
}

async function expectMatchesModel(world: IsolationWorld<TimedModel>, index: number): Promise<void> {
	const own = [...world.model(index).values()].sort((x, y) => x.id - y.id);
	expect((await world.repositoriesOf(index).timedMessages.list()).map(view), `server ${index} timed messages`).to.deep.equal(own);
}
