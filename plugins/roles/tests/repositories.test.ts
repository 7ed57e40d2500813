import { expect } from 'chai';
import { InvalidInputError } from '#core';
import { engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const ROLE_A = '400000000000000001';
const ROLE_B = '400000000000000002';
const ROLE_C = '400000000000000003';
const ANNA = '300000000000000001';
const BOB = '300000000000000002';
const T0 = new Date('2030-01-01T12:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

for (const engine of engines) {
	describe(`roles: repositories (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		const of = (guildId: bigint) => migrated.database.forGuild(guildId);

		beforeEach(async () => {
			migrated = await openMigratedDatabase(engine, 'roles', repositoriesOf(manifest));
		});
		afterEach(() => migrated.close());

		describe('RoleTiersRepository', () => {
			it('lists the default thresholds without roles until the server sets one, then keeps them', async () => {
				expect(await of(ALPHA).roleTiers.list()).to.deep.equal({
					defaults: true,
					tiers: [
						{ minutes: 120, roleId: null },
						{ minutes: 600, roleId: null },
						{ minutes: 2000, roleId: null }
					]
				});
				expect(await of(ALPHA).roleTiers.set(600, ROLE_A)).to.deep.equal({ outcome: 'set', previousRoleId: null, added: false });
				expect(await of(ALPHA).roleTiers.set(45, ROLE_B)).to.deep.equal({ outcome: 'set', previousRoleId: null, added: true });
				expect(await of(ALPHA).roleTiers.list()).to.deep.equal({
					defaults: false,
					tiers: [
						{ minutes: 45, roleId: ROLE_B },
						{ minutes: 120, roleId: null },
						{ minutes: 600, roleId: ROLE_A },
						{ minutes: 2000, roleId: null }
					]
				});
				expect((await of(BETA).roleTiers.list()).defaults, 'Beta still has the defaults').to.equal(true);
			});

			it('replaces a tier’s role, refuses a role another tier gives, and a 26th tier', async () => {
				await of(ALPHA).roleTiers.set(600, ROLE_A);
				expect(await of(ALPHA).roleTiers.set(600, ROLE_C)).to.deep.equal({ outcome: 'set', previousRoleId: ROLE_A, added: false });
				expect(await of(ALPHA).roleTiers.set(120, ROLE_C)).to.deep.equal({ outcome: 'role taken', byMinutes: 600 });
				expect(await of(BETA).roleTiers.set(120, ROLE_C), 'another server may use the same id').to.deep.include({ outcome: 'set' });
				for (let minutes = 1; minutes <= 22; minutes++)
					expect(await of(ALPHA).roleTiers.set(minutes, `4000000000000001${minutes + 10}`)).to.deep.include({ outcome: 'set' });
				expect((await of(ALPHA).roleTiers.list()).tiers).to.have.length(25);
				expect(await of(ALPHA).roleTiers.set(3000, ROLE_B)).to.deep.equal({ outcome: 'too many' });
				expect(await of(ALPHA).roleTiers.set(2000, ROLE_B), 'an existing threshold may still change').to.deep.include({ outcome: 'set' });
			});

			it('removes a threshold (a default one too), and refuses minutes out of range', async () => {
				expect(await of(ALPHA).roleTiers.remove(120)).to.deep.equal({ minutes: 120, roleId: null });
				expect((await of(ALPHA).roleTiers.list()).tiers.map((tier) => tier.minutes)).to.deep.equal([600, 2000]);
				expect(await of(ALPHA).roleTiers.remove(120)).to.equal(null);
				await of(ALPHA).roleTiers.set(600, ROLE_A);
				expect(await of(ALPHA).roleTiers.remove(600)).to.deep.equal({ minutes: 600, roleId: ROLE_A });
				expect(await of(BETA).roleTiers.remove(77)).to.equal(null);
				expect((await of(BETA).roleTiers.list()).defaults).to.equal(true);
				for (const minutes of [0, -5, 1.5, 10_000_001])
					expect(await rejection(of(ALPHA).roleTiers.set(minutes, ROLE_B)), String(minutes)).to.be.an.instanceOf(InvalidInputError);
			});
		});

		describe('KickSubscriptionsRepository', () => {
			it('keeps the latest expiry and the latest event’s name, whatever order and how often events come', async () => {
				const subs = of(ALPHA).kickSubscriptions;
				await subs.record([{ kickUserId: '7001', kickUsername: 'Anna', expiresAt: at(30 * 24 * 60), at: at(0) }]);
				// A renewal, then the first event delivered again, late.
				await subs.record([{ kickUserId: '7001', kickUsername: 'anna_tv', expiresAt: at(60 * 24 * 60), at: at(10) }]);
				const again = await subs.record([{ kickUserId: '7001', kickUsername: 'Anna', expiresAt: at(30 * 24 * 60), at: at(0) }]);
				expect(again).to.deep.equal([{ kickUserId: '7001', kickUsername: 'anna_tv', expiresAt: at(60 * 24 * 60) }]);
				expect(await subs.active(at(31 * 24 * 60))).to.deep.equal(again);
				expect(await subs.active(at(61 * 24 * 60))).to.deep.equal([]);
				expect(await of(BETA).kickSubscriptions.active(at(0))).to.deep.equal([]);
			});

			it('records a gift’s recipients in one statement, the same account twice once', async () => {
				const recorded = await of(ALPHA).kickSubscriptions.record([
					{ kickUserId: '7002', kickUsername: 'bob', expiresAt: at(100), at: at(0) },
					{ kickUserId: '7001', kickUsername: 'anna', expiresAt: at(100), at: at(0) },
					{ kickUserId: '7002', kickUsername: 'bob', expiresAt: at(200), at: at(1) }
				]);
				expect(recorded.map((record) => [record.kickUserId, record.expiresAt])).to.deep.equal([
					['7001', at(100)],
					['7002', at(200)]
				]);
			});

			it('finds an account’s subscription by its id, or by name (any case) for a link without an id', async () => {
				const subs = of(ALPHA).kickSubscriptions;
				await subs.record([{ kickUserId: '7001', kickUsername: 'Anna', expiresAt: at(100), at: at(0) }]);
				expect((await subs.of({ kickUserId: '7001', kickUsername: 'renamed' }))?.expiresAt).to.deep.equal(at(100));
				expect((await subs.of({ kickUserId: null, kickUsername: 'ANNA' }))?.kickUserId).to.equal('7001');
				expect(await subs.of({ kickUserId: '7009', kickUsername: 'Anna' }), 'another account that took the name').to.equal(null);
				expect(await of(BETA).kickSubscriptions.of({ kickUserId: '7001', kickUsername: 'Anna' })).to.equal(null);
			});
		});

		describe('RoleGrantsRepository', () => {
			it('records grants (again: the kind changes, not the time), forgets them, per server', async () => {
				const grants = of(ALPHA).roleGrants;
				await grants.record({ memberId: ANNA, roleId: ROLE_A, kind: 'tier' });
				await grants.record({ memberId: ANNA, roleId: ROLE_B, kind: 'linked' });
				await grants.record({ memberId: BOB, roleId: ROLE_A, kind: 'tier' });
				await grants.record({ memberId: ANNA, roleId: ROLE_A, kind: 'subscriber' });
				await of(BETA).roleGrants.record({ memberId: ANNA, roleId: ROLE_C, kind: 'tier' });

				expect(await grants.ofMember(ANNA)).to.deep.equal([
					{ memberId: ANNA, roleId: ROLE_A, kind: 'subscriber' },
					{ memberId: ANNA, roleId: ROLE_B, kind: 'linked' }
				]);
				expect(await grants.forget(ANNA, ROLE_B)).to.equal(true);
				expect(await grants.forget(ANNA, ROLE_B)).to.equal(false);
				expect(await grants.forget(ANNA, ROLE_C), 'Beta’s grant').to.equal(false);
				expect(await grants.all()).to.deep.equal([
					{ memberId: ANNA, roleId: ROLE_A, kind: 'subscriber' },
					{ memberId: BOB, roleId: ROLE_A, kind: 'tier' }
				]);
			});

			it('notes a member absent (their grants go) for a while, and clears it', async () => {
				const grants = of(ALPHA).roleGrants;
				await grants.record({ memberId: ANNA, roleId: ROLE_A, kind: 'tier' });
				await of(BETA).roleGrants.record({ memberId: ANNA, roleId: ROLE_A, kind: 'tier' });
				await grants.noteAbsent(ANNA, at(0));
				expect(await grants.ofMember(ANNA)).to.deep.equal([]);
				expect(await of(BETA).roleGrants.ofMember(ANNA), 'Beta’s grants stay').to.have.length(1);
				expect(await grants.absentSince(at(-1))).to.deep.equal(new Set([ANNA]));
				expect(await grants.absentSince(at(0)), 'noted at the time given, no later').to.deep.equal(new Set());
				expect(await of(BETA).roleGrants.absentSince(at(-1))).to.deep.equal(new Set());
				await grants.noteAbsent(ANNA, at(5));
				expect(await grants.absentSince(at(1))).to.deep.equal(new Set([ANNA]));
				await grants.clearAbsent(ANNA);
				expect(await grants.absentSince(at(-1))).to.deep.equal(new Set());
			});
		});

		describe('RoleProblemsRepository', () => {
			it('keeps one record per role while its problem lasts: told once, another problem told again', async () => {
				const problems = of(ALPHA).roleProblems;
				const first = await problems.note(ROLE_A, 'role too high', at(0), null);
				expect(first).to.deep.equal({ roleId: ROLE_A, problem: 'role too high', notedAt: at(0), reportedAt: null, probeAfter: null });
				await problems.markReported([first], at(1));
				expect(await problems.note(ROLE_A, 'role too high', at(10), at(20)), 'the same problem: still told').to.deep.equal({
					...first,
					reportedAt: at(1),
					probeAfter: at(20)
				});
				expect(await problems.note(ROLE_A, 'no such role', at(30), null), 'another problem: untold').to.deep.equal({
					roleId: ROLE_A,
					problem: 'no such role',
					notedAt: at(30),
					reportedAt: null,
					probeAfter: null
				});
				// A report about the earlier problem does not mark the later one told.
				await problems.markReported([first], at(31));
				expect((await problems.all())[0]!.reportedAt).to.equal(null);
				expect(await of(BETA).roleProblems.all()).to.deep.equal([]);
			});

			it('clears a role’s problem, those of roles no longer used, and lets every role be tried again', async () => {
				const problems = of(ALPHA).roleProblems;
				await problems.note(ROLE_A, 'role too high', at(0), at(60));
				await problems.note(ROLE_B, 'managed role', at(1), at(60));
				await problems.note(ROLE_C, 'no permission', at(2), null);
				await of(BETA).roleProblems.note(ROLE_A, 'role too high', at(0), at(60));

				expect(await problems.probeAllSoon()).to.equal(2);
				expect((await problems.all()).map((record) => record.probeAfter)).to.deep.equal([null, null, null]);
				expect((await of(BETA).roleProblems.all())[0]!.probeAfter, 'Beta’s stays').to.deep.equal(at(60));
				expect(await problems.clearAllBut([ROLE_A, ROLE_B])).to.equal(1);
				expect(await problems.clear(ROLE_B)).to.equal(true);
				expect(await problems.clear(ROLE_B)).to.equal(false);
				expect((await problems.all()).map((record) => record.roleId)).to.deep.equal([ROLE_A]);
				expect(await of(BETA).roleProblems.all()).to.have.length(1);
			});
		});
	});
}
