import { expect } from 'chai';
import * as fc from 'fast-check';
import { configuredRoles, desiredRoles, planRoleChanges, qualifyingCounts, type LinkedMember, type RoleConfig } from '../lib/planRoleChanges.js';
import type { RoleGrant } from '../lib/RoleGrantsRepository.js';

const LINKED = '401';
const SUB = '402';
const [T120, T600, T2000] = ['411', '412', '413'];
const CONFIG: RoleConfig = {
	linkedRoleId: LINKED,
	subscriberRoleId: SUB,
	tiers: [
		{ minutes: 120, roleId: T120 },
		{ minutes: 600, roleId: T600 },
		{ minutes: 2000, roleId: T2000 }
	],
	removeUnqualified: false
};
const member = (memberId: string, minutes: number, subscribed = false): LinkedMember => ({ memberId, minutes, subscribed });
const grant = (memberId: string, roleId: string, kind: RoleGrant['kind']): RoleGrant => ({ memberId, roleId, kind });

describe('roles: the desired roles and the changes a sync makes', () => {
	it('gives a linked member the linked role, every tier reached, and the subscriber role while subscribed', () => {
		expect([...desiredRoles(member('1', 119), CONFIG)]).to.deep.equal([[LINKED, 'linked']]);
		expect([...desiredRoles(member('1', 120), CONFIG)]).to.deep.equal([
			[T120, 'tier'],
			[LINKED, 'linked']
		]);
		expect([...desiredRoles(member('1', 2500, true), CONFIG)]).to.deep.equal([
			[T120, 'tier'],
			[T600, 'tier'],
			[T2000, 'tier'],
			[SUB, 'subscriber'],
			[LINKED, 'linked']
		]);
		const unset: RoleConfig = { ...CONFIG, linkedRoleId: null, subscriberRoleId: null, tiers: [{ minutes: 120, roleId: null }] };
		expect([...desiredRoles(member('1', 5000, true), unset)], 'nothing set, nothing given').to.deep.equal([]);
	});

	it('grants what is not recorded yet, in member order, and nothing already given', () => {
		const changes = planRoleChanges({
			config: CONFIG,
			members: [member('2', 650), member('1', 130, true)],
			grants: [grant('2', LINKED, 'linked'), grant('2', T120, 'tier')]
		});
		expect(changes).to.deep.equal([
			{ memberId: '2', roleId: T600, action: 'grant', kind: 'tier' },
			{ memberId: '1', roleId: T120, action: 'grant', kind: 'tier' },
			{ memberId: '1', roleId: SUB, action: 'grant', kind: 'subscriber' },
			{ memberId: '1', roleId: LINKED, action: 'grant', kind: 'linked' }
		]);
	});

	it('keeps tier roles below their threshold unless the server removes them; takes an expired subscriber role back either way', () => {
		const input = { members: [member('1', 100, false)], grants: [grant('1', T120, 'tier'), grant('1', SUB, 'subscriber'), grant('1', LINKED, 'linked')] };
		expect(planRoleChanges({ ...input, config: CONFIG })).to.deep.equal([{ memberId: '1', roleId: SUB, action: 'revoke', kind: 'subscriber' }]);
		expect(planRoleChanges({ ...input, config: { ...CONFIG, removeUnqualified: true } })).to.deep.equal([
			{ memberId: '1', roleId: T120, action: 'revoke', kind: 'tier' },
			{ memberId: '1', roleId: SUB, action: 'revoke', kind: 'subscriber' }
		]);
	});

	it('takes back from members no longer linked what came with the link (after the linked members)', () => {
		const changes = planRoleChanges({
			config: CONFIG,
			members: [member('5', 0)],
			grants: [grant('5', LINKED, 'linked'), grant('9', LINKED, 'linked'), grant('9', SUB, 'subscriber'), grant('9', T600, 'tier')]
		});
		expect(changes).to.deep.equal([
			{ memberId: '9', roleId: LINKED, action: 'revoke', kind: 'linked' },
			{ memberId: '9', roleId: SUB, action: 'revoke', kind: 'subscriber' }
		]);
	});

	it('keeps roles the server no longer uses (an unset or changed setting) unless removal is on', () => {
		const input = { members: [member('1', 0, true)], grants: [grant('1', SUB, 'subscriber'), grant('1', LINKED, 'linked')] };
		const config = { ...CONFIG, linkedRoleId: '499', subscriberRoleId: null };
		expect(planRoleChanges({ ...input, config })).to.deep.equal([{ memberId: '1', roleId: '499', action: 'grant', kind: 'linked' }]);
		expect(planRoleChanges({ ...input, config: { ...config, removeUnqualified: true } })).to.deep.equal([
			{ memberId: '1', roleId: '499', action: 'grant', kind: 'linked' },
			{ memberId: '1', roleId: SUB, action: 'revoke', kind: 'subscriber' },
			{ memberId: '1', roleId: LINKED, action: 'revoke', kind: 'linked' }
		]);
	});

	it('moves a tier to its new role when a moderator changes it (the old one kept unless removal is on)', () => {
		const config = { ...CONFIG, tiers: [{ minutes: 120, roleId: '499' }] };
		const input = { members: [member('1', 200)], grants: [grant('1', LINKED, 'linked'), grant('1', T120, 'tier')] };
		expect(planRoleChanges({ ...input, config })).to.deep.equal([{ memberId: '1', roleId: '499', action: 'grant', kind: 'tier' }]);
		expect(planRoleChanges({ ...input, config: { ...config, removeUnqualified: true } })).to.deep.equal([
			{ memberId: '1', roleId: '499', action: 'grant', kind: 'tier' },
			{ memberId: '1', roleId: T120, action: 'revoke', kind: 'tier' }
		]);
	});

	it('counts who qualifies for each role, and lists the roles the server gives', () => {
		const counts = qualifyingCounts([member('1', 700, true), member('2', 150), member('3', 0)], CONFIG);
		expect(Object.fromEntries(counts)).to.deep.equal({ [LINKED]: 3, [SUB]: 1, [T120]: 2, [T600]: 1 });
		expect(configuredRoles({ ...CONFIG, tiers: [...CONFIG.tiers, { minutes: 5000, roleId: null }] })).to.deep.equal([LINKED, SUB, T120, T600, T2000]);
	});

	it('once its changes are applied, the next plan is empty (any members, grants and settings)', () => {
		const roles = ['401', '402', '411', '412'];
		const config = fc.record({
			linkedRoleId: fc.constantFrom(null, '401'),
			subscriberRoleId: fc.constantFrom(null, '402'),
			tiers: fc.subarray([
				{ minutes: 60, roleId: '411' },
				{ minutes: 600, roleId: '412' }
			]),
			removeUnqualified: fc.boolean()
		});
		const members = fc.uniqueArray(
			fc.record({ memberId: fc.constantFrom('1', '2', '3'), minutes: fc.integer({ min: 0, max: 800 }), subscribed: fc.boolean() }),
			{ selector: (linked) => linked.memberId }
		);
		const grants = fc.uniqueArray(
			fc.record({
				memberId: fc.constantFrom('1', '2', '3', '4'),
				roleId: fc.constantFrom(...roles),
				kind: fc.constantFrom('linked', 'subscriber', 'tier')
			}),
			{ selector: (held) => `${held.memberId}:${held.roleId}` }
		);
		fc.assert(
			fc.property(config, members, grants, (config, members, grants) => {
				const held = new Map(grants.map((held) => [`${held.memberId}:${held.roleId}`, held as RoleGrant]));
				for (const change of planRoleChanges({ config, members, grants })) {
					if (change.action === 'grant') held.set(`${change.memberId}:${change.roleId}`, change);
					else held.delete(`${change.memberId}:${change.roleId}`);
				}
				expect(planRoleChanges({ config, members, grants: [...held.values()] })).to.deep.equal([]);
				// Every linked member holds what they qualify for.
				for (const linked of members)
					for (const roleId of desiredRoles(linked, config).keys()) expect(held.has(`${linked.memberId}:${roleId}`)).to.equal(true);
			})
		);
	});
});
