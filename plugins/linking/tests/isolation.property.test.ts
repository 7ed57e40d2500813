import { expect } from 'chai';
import * as fc from 'fast-check';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, type IsolationWorld } from '#test/helpers/isolationHarness';
import type { LinkRecord } from '../lib/LinksRepository.js';
import manifest from '../plugin.js';

// Links of three servers whose members (the same Discord ids everywhere) link the same Kick accounts: each server links independently.

/** Discord members every server has. */
const member = fc.constantFrom(1n, 2n, 3n);
/** Kick accounts: one spelt two ways, and a name another account once had (the same name in another case, another user id). */
const ACCOUNTS = [
	{ name: 'AliceTV', userId: 501n },
	{ name: 'alicetv', userId: 501n },
	{ name: 'BobKick', userId: 502n },
	{ name: 'bobkick', userId: 504n },
	{ name: 'Carol_K', userId: 503n }
] as const;
const account = fc.constantFrom(...ACCOUNTS);
/** Lookups: by a name only, or by a name and a user id that may be another account's. */
const lookup = fc.record({ name: fc.constantFrom('AliceTV', 'BOBKICK', 'carol_k', 'nobody'), userId: fc.constantFrom(undefined, 501n, 502n, 503n, 504n) });

type Call =
	| { kind: 'link'; g: number; member: bigint; account: (typeof ACCOUNTS)[number] }
	| { kind: 'unlink' | 'ofMember'; g: number; member: bigint }
	| { kind: 'ofKickAccount'; g: number; lookup: { name: string; userId: bigint | undefined } }
	| { kind: 'membersOf'; g: number; names: string[] }
	| { kind: 'all' | 'count'; g: number };

/** A link as the answers show it (when it was made is the database's clock, not the model's). */
interface Link {
	discordId: bigint;
	kickName: string;
	kickUserId: bigint | null;
}

interface LinksModel {
	/** Discord id → the member's link. */
	links: Map<bigint, Link>;
	/** Discord id → the order its link was last made in (all() lists the oldest first). */
	madeAt: Map<bigint, number>;
	clock: number;
}

describeIsolation<LinksModel, Call>({
	subject: 'links',
	repositories: repositoriesOf(manifest),
	tables: ['links'],
	emptyModel: () => ({ links: new Map(), madeAt: new Map(), clock: 0 }),
	call: fc.oneof(
		{ weight: 5, arbitrary: fc.record({ kind: fc.constant('link' as const), g: guild, member, account }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('unlink' as const, 'ofMember' as const), g: guild, member }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('ofKickAccount' as const), g: guild, lookup }) },
		{
			weight: 1,
			arbitrary: fc.record({ kind: fc.constant('membersOf' as const), g: guild, names: fc.subarray(['alicetv', 'BobKick', 'CAROL_K', 'nobody']) })
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('all' as const, 'count' as const), g: guild }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({ links: model.links.size })
});

function view(record: LinkRecord): Link {
	return { discordId: record.discordId, kickName: record.kickName, kickUserId: record.kickUserId };
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The server's links, oldest first. */
function inOrder(model: LinksModel): Link[] {
	return [...model.links.values()].sort((x, y) => model.madeAt.get(x.discordId)! - model.madeAt.get(y.discordId)!);
}

async function apply(world: IsolationWorld<LinksModel>, call: Call): Promise<void> {
	const links = world.repositoriesOf(call.g).links;
	const own = world.model(call.g);
	switch (call.kind) {
		case 'link': {
			const { name, userId } = call.account;
			const holders = [...own.links.values()].filter((link) => link.kickUserId === userId || sameName(link.kickName, name));
			const others = holders.filter((link) => link.discordId !== call.member);
			const outcome = await links.link(call.member, { name, userId });
			if (others.length > 0) {
				expect(outcome.outcome).to.equal('taken');
				if (outcome.outcome === 'taken') expect(others.map((link) => link.discordId)).to.include(outcome.by.discordId);
				return;
			}
			const previous = own.links.get(call.member);
			if (previous !== undefined && previous.kickUserId === userId && previous.kickName === name) {
				expect(outcome.outcome).to.equal('unchanged');
				return;
			}
			const link = { discordId: call.member, kickName: name, kickUserId: userId };
			own.links.set(call.member, link);
			own.madeAt.set(call.member, (own.clock += 1));
			expect(outcome.outcome).to.equal('linked');
			if (outcome.outcome !== 'linked') return;
			expect(view(outcome.link)).to.deep.equal(link);
			expect(outcome.replaced && view(outcome.replaced)).to.deep.equal(previous !== undefined && !sameName(previous.kickName, name) ? previous : null);
			return;
		}
		case 'unlink': {
			const removed = await links.unlink(call.member);
			expect(removed && view(removed)).to.deep.equal(own.links.get(call.member) ?? null);
			own.links.delete(call.member);
			own.madeAt.delete(call.member);
			return;
		}
		case 'ofMember': {
			const found = await links.ofMember(call.member);
			expect(found && view(found)).to.deep.equal(own.links.get(call.member) ?? null);
			return;
		}
		case 'ofKickAccount': {
			const { name, userId } = call.lookup;
			const all = [...own.links.values()];
			// By user id first (a name can change hands), else by the name in any case.
			const expected =
				(userId === undefined ? undefined : all.find((link) => link.kickUserId === userId)) ?? all.find((link) => sameName(link.kickName, name));
			const found = await links.ofKickAccount(userId === undefined ? { name } : { name, userId });
			expect(found && view(found)).to.deep.equal(expected ?? null);
			return;
		}
		case 'membersOf': {
			const expected = new Map<string, bigint>();
			for (const name of call.names) {
				const link = [...own.links.values()].find((candidate) => sameName(candidate.kickName, name));
				if (link !== undefined) expected.set(name.toLowerCase(), link.discordId);
			}
			expect(await links.membersOf(call.names)).to.deep.equal(expected);
			return;
		}
		case 'all':
			expect((await links.all()).map(view)).to.deep.equal(inOrder(own));
			return;
		case 'count':
			expect(await links.count()).to.equal(own.links.size);
			return;
	}
}

async function expectMatchesModel(world: IsolationWorld<LinksModel>, index: number): Promise<void> {
	const links = world.repositoriesOf(index).links;
	const own = world.model(index);
	const where = `server ${index}`;
	expect((await links.all()).map(view), `${where} links`).to.deep.equal(inOrder(own));
	expect(await links.count(), `${where} link count`).to.equal(own.links.size);
	for (const memberId of [1n, 2n, 3n]) {
		const found = await links.ofMember(memberId);
		expect(found && view(found), `${where} link of member ${memberId}`).to.deep.equal(own.links.get(memberId) ?? null);
	}
}
