import { expect } from 'chai';
import * as fc from 'fast-check';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, rowReference, user, USERS, type IsolationWorld } from '#test/helpers/isolationHarness';
import manifest from '../plugin.js';

// Slot request queues of three servers that share every Kick name; ids are picked from every server's requests.

interface SlotRequest {
	id: number;
	user: string;
	call: string;
	picked: boolean;
}

type Call =
	| { kind: 'add'; g: number; user: string; call: string }
	| { kind: 'markPicked' | 'get'; g: number; ref: number }
	| { kind: 'pickRandom' | 'clearOpen'; g: number };

type SlotsModel = Map<number, SlotRequest>;

describeIsolation<SlotsModel, Call>({
	subject: 'slot requests',
	repositories: repositoriesOf(manifest),
	tables: ['slot_requests'],
	emptyModel: () => new Map(),
	call: fc.oneof(
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), g: guild, user, call: fc.constantFrom('Gates', ' Sugar Rush ', 'Wanted') }) },
		{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('markPicked' as const, 'get' as const), g: guild, ref: rowReference }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('pickRandom' as const, 'clearOpen' as const), g: guild }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({ slot_requests: model.size })
});

function view(record: { id: number; kickUsername: string; slotCall: string; picked: boolean }): SlotRequest {
	return { id: record.id, user: record.kickUsername, call: record.slotCall, picked: record.picked };
}

/** After a call that named another server's request, that request is as its own server's model says. */
async function expectOwnerUnchanged(world: IsolationWorld<SlotsModel>, id: number, caller: number): Promise<void> {
	const owner = world.otherOwner(caller, (model) => model.has(id));
	if (owner === undefined) return;
	const row = await world.repositoriesOf(owner).slotRequests.get(id);
	expect(row && view(row), `slot request #${id} of server ${owner}`).to.deep.equal(world.model(owner).get(id));
}

async function apply(world: IsolationWorld<SlotsModel>, call: Call): Promise<void> {
	const slotRequests = world.repositoriesOf(call.g).slotRequests;
	const own = world.model(call.g);
	switch (call.kind) {
		case 'add': {
			const record = await slotRequests.add(call.user, call.call);
			world.created('slot request', record.id);
			own.set(record.id, { id: record.id, user: call.user, call: call.call.trim(), picked: false });
			expect(view(record)).to.deep.equal(own.get(record.id));
			return;
		}
		case 'markPicked': {
			const id = world.pick('slot request', call.ref);
			const request = own.get(id);
			const open = request !== undefined && !request.picked;
			if (open) request.picked = true;
			expect(await slotRequests.markPicked(id)).to.equal(open);
			await expectOwnerUnchanged(world, id, call.g);
			return;
		}
		case 'get': {
			const id = world.pick('slot request', call.ref);
			const record = await slotRequests.get(id);
			expect(record && view(record)).to.deep.equal(own.get(id) ?? null);
			return;
		}
		case 'pickRandom': {
			const open = [...own.values()].filter((request) => !request.picked);
			const record = await slotRequests.pickRandom();
			if (open.length === 0) {
				expect(record).to.equal(null);
				return;
			}
			expect(record, 'an open request of this server').to.not.equal(null);
			const request = own.get(record!.id);
			expect(request !== undefined && !request.picked, `#${record!.id} is an open request of this server`).to.equal(true);
			request!.picked = true;
			expect(view(record!)).to.deep.equal(request);
			return;
		}
		case 'clearOpen': {
			const open = [...own.values()].filter((request) => !request.picked);
			for (const request of open) own.delete(request.id);
			expect(await slotRequests.clearOpen()).to.equal(open.length);
			return;
		}
	}
}

async function expectMatchesModel(world: IsolationWorld<SlotsModel>, index: number): Promise<void> {
	const slotRequests = world.repositoriesOf(index).slotRequests;
	const own = world.model(index);
	const where = `server ${index}`;
	// The open queue, per-user counts, and every id of the run.
	const open = [...own.values()].filter((request) => !request.picked).sort((x, y) => x.id - y.id);
	expect(
		(await slotRequests.listOpen()).map(view).sort((x, y) => x.id - y.id),
		`${where} open slot requests`
	).to.deep.equal(open);
	for (const name of USERS) {
		expect(await slotRequests.openCountFor(name), `${where} open requests of ${name}`).to.equal(open.filter((request) => request.user === name).length);
	}
	for (const id of world.idsOf('slot request')) {
		const record = await slotRequests.get(id);
		expect(record && view(record), `${where} slot request #${id}`).to.deep.equal(own.get(id) ?? null);
	}
}
