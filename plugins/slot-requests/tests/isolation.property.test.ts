import { expect } from 'chai';
import * as fc from 'fast-check';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, rowReference, user, USERS, type IsolationWorld } from '#test/helpers/isolationHarness';
import { verifyPick } from '../lib/pickFairness.js';
import manifest from '../plugin.js';

// Slot request queues, picks and blacklists of three servers that share every Kick name; ids are picked from every server's requests.

interface SlotRequest {
	id: number;
	user: string;
	call: string;
	picked: boolean;
}

type Call =
	| { kind: 'add'; g: number; user: string; call: string }
	| { kind: 'markPicked' | 'get'; g: number; ref: number }
	| { kind: 'pickRandom' | 'clearOpen'; g: number }
	| { kind: 'blacklist' | 'unblacklist' | 'isBlacklisted'; g: number; user: string };

/** A server's requests, whether its queue state row exists (made by the first change of its queue), its picks and blacklist. */
interface SlotsModel {
	readonly requests: Map<number, SlotRequest>;
	state: boolean;
	picks: number;
	readonly blacklist: Set<string>;
}

describeIsolation<SlotsModel, Call>({
	subject: 'slot requests',
	repositories: repositoriesOf(manifest),
	tables: ['slot_picks', 'slot_requests', 'slot_request_state', 'slot_request_blacklist'],
	emptyModel: () => ({ requests: new Map(), state: false, picks: 0, blacklist: new Set() }),
	call: fc.oneof(
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), g: guild, user, call: fc.constantFrom('Gates', ' Sugar Rush ', 'Wanted') }) },
		{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('markPicked' as const, 'get' as const), g: guild, ref: rowReference }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('pickRandom' as const, 'clearOpen' as const), g: guild }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('blacklist' as const, 'unblacklist' as const, 'isBlacklisted' as const), g: guild, user }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({
		slot_requests: model.requests.size,
		slot_request_state: model.state ? 1 : 0,
		slot_picks: model.picks,
		slot_request_blacklist: model.blacklist.size
	})
});

function view(record: { id: number; kickUsername: string; slotCall: string; picked: boolean }): SlotRequest {
	return { id: record.id, user: record.kickUsername, call: record.slotCall, picked: record.picked };
}

/** After a call that named another server's request, that request is as its own server's model says. */
async function expectOwnerUnchanged(world: IsolationWorld<SlotsModel>, id: number, caller: number): Promise<void> {
	const owner = world.otherOwner(caller, (model) => model.requests.has(id));
	if (owner === undefined) return;
	const row = await world.repositoriesOf(owner).slotRequests.get(id);
	expect(row && view(row), `slot request #${id} of server ${owner}`).to.deep.equal(world.model(owner).requests.get(id));
}

async function apply(world: IsolationWorld<SlotsModel>, call: Call): Promise<void> {
	const slotRequests = world.repositoriesOf(call.g).slotRequests;
	const model = world.model(call.g);
	const own = model.requests;
	if (call.kind === 'add' || call.kind === 'markPicked' || call.kind === 'pickRandom' || call.kind === 'clearOpen') model.state = true;
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
			const record = (await slotRequests.pick(null))?.request ?? null;
			if (open.length === 0) {
				expect(record).to.equal(null);
				return;
			}
			expect(record, 'an open request of this server').to.not.equal(null);
			const request = own.get(record!.id);
			expect(request !== undefined && !request.picked, `#${record!.id} is an open request of this server`).to.equal(true);
			request!.picked = true;
			model.picks += 1;
			expect(view(record!)).to.deep.equal(request);
			return;
		}
		case 'blacklist': {
			const added = !model.blacklist.has(call.user.toLowerCase());
			model.blacklist.add(call.user.toLowerCase());
			expect(await slotRequests.blacklist(call.user, null)).to.equal(added);
			return;
		}
		case 'unblacklist':
			expect(await slotRequests.unblacklist(call.user)).to.equal(model.blacklist.delete(call.user.toLowerCase()));
			return;
		case 'isBlacklisted':
			expect(await slotRequests.isBlacklisted(call.user)).to.equal(model.blacklist.has(call.user.toLowerCase()));
			return;
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
	const own = world.model(index).requests;
	const where = `server ${index}`;
	// The open queue, per-user counts, and every id of the run.
	const open = [...own.values()].filter((request) => !request.picked).sort((x, y) => x.id - y.id);
	expect(
		(await slotRequests.listOpen()).map(view).sort((x, y) => x.id - y.id),
		`${where} open slot requests`
	).to.deep.equal(open);
	for (const name of USERS) {
		expect(await slotRequests.openCountFor(name), `${where} open requests of ${name}`).to.equal(
			open.filter((request) => request.user.toLowerCase() === name.toLowerCase()).length
		);
	}
	for (const id of world.idsOf('slot request')) {
		const record = await slotRequests.get(id);
		expect(record && view(record), `${where} slot request #${id}`).to.deep.equal(own.get(id) ?? null);
	}
	const blacklist = await slotRequests.blacklistPage(1, 100);
	expect(blacklist.entries.map((entry) => entry.kickUsername.toLowerCase()).sort(), `${where} blacklist`).to.deep.equal(
		[...world.model(index).blacklist].sort()
	);
	// Each pick of this server verifies against its own queue.
	for (let nonce = 1; nonce <= world.model(index).picks; nonce++) {
		const pick = await slotRequests.getPick(nonce);
		expect(pick && verifyPick(pick), `${where} pick #${nonce}`).to.deep.equal([]);
	}
}
