import { expect } from 'chai';
import type { GuildSettings, MemberRoleChange, ModeratorAlert, RoleChangeOutcome, RoleChangeProblem, RoleProblem } from '#core';
import { deleteRows, openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { followLinkChange } from '../lib/followLinkChange.js';
import { recordSubscriptions, subscriptionEnd } from '../lib/recordSubscriptions.js';
import { answerRoleStatus, answerRoleSync, answerTierSet } from '../lib/roleAnswers.js';
import { ABSENT_FOR_MS, MAX_CHANGES_PER_SYNC, PROBE_AGAIN_AFTER_MS, syncRoles, type SyncContext } from '../lib/syncRoles.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const LINKED = '400000000000000001';
const SUB = '400000000000000002';
const [T120, T600] = ['400000000000000011', '400000000000000012'];
const MODERATOR = 300000000000000999n;
const DAY = 24 * 60 * 60_000;
const T0 = new Date('2030-01-01T12:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

/** A member id and Kick account per viewer number: member 3000…0n, Kick user 700n, name viewer_n. */
const viewer = (n: number) => ({ memberId: `3000000000000000${String(n).padStart(2, '0')}`, name: `viewer_${n}`, userId: BigInt(7000 + n) });

/**
 * One server as Discord holds it, for the sync: who holds which role, roles the bot's cache says it
 * cannot manage, roles Discord refuses all the same, members who left, and changes that fail.
 */
class FakeDiscord {
	public readonly holdings = new Map<string, Set<string>>();
	public readonly calls: string[] = [];
	public readonly cacheRefuses = new Map<string, RoleChangeProblem>();
	public readonly discordRefuses = new Set<string>();
	public readonly absent = new Set<string>();
	public failing = false;

	public roleProblem(roleId: string): RoleProblem | null {
		const problem = this.cacheRefuses.get(roleId);
		return problem === undefined ? null : { status: 'refused', problem, explanation: `(${problem})` };
	}

	public change(change: MemberRoleChange): RoleChangeOutcome {
		const cached = this.roleProblem(change.roleId);
		if (cached !== null) return cached;
		if (this.absent.has(change.memberId)) return { status: 'refused', problem: 'no such member', explanation: 'gone' };
		this.calls.push(`${change.action} ${change.memberId} ${change.roleId}`);
		if (this.discordRefuses.has(change.roleId)) return { status: 'refused', problem: 'role too high', explanation: '(refused by Discord)' };
		if (this.failing) return { status: 'failed', explanation: 'Discord is down' };
		const held = this.holdings.get(change.memberId) ?? new Set<string>();
		this.holdings.set(change.memberId, held);
		if (held.has(change.roleId) === (change.action === 'grant')) return { status: 'unchanged' };
		if (change.action === 'grant') held.add(change.roleId);
		else held.delete(change.roleId);
		return { status: 'done' };
	}

	public rolesOf(memberId: string): string[] {
		return [...(this.holdings.get(memberId) ?? [])].sort();
	}
}

describe('roles: syncing a server’s roles (postgres, a fake Discord and a fake clock)', () => {
	let migrated: MigratedDatabase;
	let discord: FakeDiscord;
	let settings: Record<string, unknown>;
	/** The moderators' alerts, by key as the outbox keeps them (one message per key). */
	let alerts: Map<string, string>;

	function contextOf(guildId = ALPHA): SyncContext {
		return {
			db: migrated.database.forGuild(guildId),
			settings: { get: (key: string) => settings[key] ?? null } as unknown as GuildSettings,
			changeMemberRole: async (change) => discord.change(change),
			roleProblem: async (roleId) => discord.roleProblem(roleId),
			alertModerators: async (content, post): Promise<ModeratorAlert> => {
				if (alerts.has(post.key)) return { status: 'duplicate' };
				alerts.set(post.key, content);
				return { status: 'accepted', id: BigInt(alerts.size) };
			}
		};
	}
	const db = (guildId = ALPHA) => migrated.database.forGuild(guildId);
	const link = (n: number, guildId = ALPHA) => db(guildId).links.link(BigInt(viewer(n).memberId), { name: viewer(n).name, userId: viewer(n).userId });
	const watch = (n: number, minutes: number, guildId = ALPHA) =>
		db(guildId)
			.watchtime.change(viewer(n).name, minutes, 'test', MODERATOR)
			.then(() => undefined);
	const sync = (now = T0, guildId = ALPHA) => syncRoles(contextOf(guildId), { now });
	const synced = (granted: number, revoked: number, extra: Partial<Record<'failed' | 'pending' | 'held' | 'reported', number>> = {}) => ({
		status: 'synced',
		granted,
		revoked,
		failed: 0,
		pending: 0,
		held: 0,
		reported: 0,
		...extra
	});

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'roles-sync');
	});
	after(() => migrated.close());
	beforeEach(async () => {
		await deleteRows(migrated.database, [
			'links',
			'watchtime',
			'watchtime_changes',
			'role_tiers',
			'kick_subscriptions',
			'role_grants',
			'role_absent_members',
			'role_problems'
		]);
		discord = new FakeDiscord();
		settings = { kick_linked_role_id: LINKED, kick_subscriber_role_id: SUB, roles_remove_unqualified: false };
		alerts = new Map();
		await db().roleTiers.set(120, T120);
		await db().roleTiers.set(600, T600);
	});

	it('gives each linked member the linked role and the tiers they reached, once', async () => {
		await link(1);
		await link(2);
		await link(3);
		await watch(1, 119);
		await watch(2, 120);
		await watch(3, 2500);

		expect(await sync()).to.deep.equal(synced(6, 0));
		expect(discord.rolesOf(viewer(1).memberId)).to.deep.equal([LINKED]);
		expect(discord.rolesOf(viewer(2).memberId)).to.deep.equal([LINKED, T120]);
		expect(discord.rolesOf(viewer(3).memberId)).to.deep.equal([LINKED, T120, T600]);

		// Crossing a threshold later: the next sync gives that role alone.
		const before = discord.calls.length;
		await watch(1, 1);
		expect(await sync(later(10 * 60_000))).to.deep.equal(synced(1, 0));
		expect(discord.calls.slice(before)).to.deep.equal([`grant ${viewer(1).memberId} ${T120}`]);
		expect(await sync(later(20 * 60_000)), 'nothing more to do: Discord is not asked').to.deep.equal(synced(0, 0));
		expect(discord.calls).to.have.length(before + 1);
	});

	it('keeps tier roles of members below their threshold while roles_remove_unqualified is off, takes them back once it is on', async () => {
		await link(1);
		await watch(1, 700);
		await sync();
		await watch(1, -650);

		expect(await sync(later(60_000))).to.deep.equal(synced(0, 0));
		expect(discord.rolesOf(viewer(1).memberId)).to.deep.equal([LINKED, T120, T600]);

		settings.roles_remove_unqualified = true;
		expect(await sync(later(120_000))).to.deep.equal(synced(0, 2));
		expect(discord.rolesOf(viewer(1).memberId)).to.deep.equal([LINKED]);
	});

	it('never takes a role the bot did not give, even with removal on', async () => {
		settings.roles_remove_unqualified = true;
		await link(1);
		discord.holdings.set(viewer(1).memberId, new Set([T600]));
		expect(await sync()).to.deep.equal(synced(1, 0));
		expect(discord.rolesOf(viewer(1).memberId)).to.deep.equal([LINKED, T600]);
	});

	it('gives the subscriber role while the subscription runs and takes it back once it expired, whatever the removal setting', async () => {
		await link(1);
		await recordSubscriptions(
			contextOf(),
			{ subscribers: [{ userId: '7001', username: 'viewer_1', channelSlug: null }], expiresAt: later(30 * DAY), at: T0 },
			T0
		);
		expect(discord.rolesOf(viewer(1).memberId), 'given at once, with the linked role').to.deep.equal([LINKED, SUB]);

		expect(await sync(later(30 * DAY - 1000))).to.deep.equal(synced(0, 0));
		expect(await sync(later(30 * DAY))).to.deep.equal(synced(0, 1));
		expect(discord.rolesOf(viewer(1).memberId)).to.deep.equal([LINKED]);

		// A renewal delivered after the expiry gives it back.
		await recordSubscriptions(
			contextOf(),
			{ subscribers: [{ userId: '7001', username: 'viewer_1', channelSlug: null }], expiresAt: later(60 * DAY), at: later(30 * DAY) },
			later(30 * DAY + 1000)
		);
		expect(discord.rolesOf(viewer(1).memberId)).to.deep.equal([LINKED, SUB]);
	});

	it('records gifts for each recipient (a month after the event when Kick names no end), and a replay changes nothing', async () => {
		await link(2);
		const gift = {
			subscribers: [viewer(1), viewer(2)].map((giftee) => ({ userId: giftee.userId.toString(), username: giftee.name, channelSlug: null })),
			expiresAt: null,
			at: T0
		};
		await recordSubscriptions(contextOf(), gift, T0);
		const calls = discord.calls.length;
		await recordSubscriptions(contextOf(), gift, later(1000));

		expect(discord.calls, 'the replay asks Discord nothing').to.have.length(calls);
		expect((await db().kickSubscriptions.active(T0)).map((record) => [record.kickUsername, record.expiresAt])).to.deep.equal([
			['viewer_1', new Date('2030-02-01T12:00:00Z')],
			['viewer_2', new Date('2030-02-01T12:00:00Z')]
		]);
		expect(discord.rolesOf(viewer(2).memberId), 'the linked recipient').to.deep.equal([LINKED, SUB]);
		expect(discord.rolesOf(viewer(1).memberId), 'not linked here: no role').to.deep.equal([]);
		expect(subscriptionEnd(null, new Date('2030-01-31T00:00:00Z')), 'a calendar month, as Date counts it').to.deep.equal(new Date('2030-03-03T00:00:00Z'));
	});

	it('takes back what came with a link when the member unlinks (the linked role as the linking plugin left it)', async () => {
		await link(1);
		await watch(1, 700);
		await db().kickSubscriptions.record([{ kickUserId: '7001', kickUsername: 'viewer_1', expiresAt: later(DAY), at: T0 }]);
		await sync();
		expect(discord.rolesOf(viewer(1).memberId)).to.deep.equal([LINKED, SUB, T120, T600]);

		// The linking plugin unlinked them and took the linked role itself, then announced it.
		await db().links.unlink(BigInt(viewer(1).memberId));
		discord.holdings.get(viewer(1).memberId)!.delete(LINKED);
		const before = discord.calls.length;
		await followLinkChange(contextOf(), { memberId: viewer(1).memberId, linkedRole: { roleId: LINKED, settled: true } }, false, later(1000));

		expect(discord.calls.slice(before)).to.deep.equal([`revoke ${viewer(1).memberId} ${SUB}`]);
		expect(discord.rolesOf(viewer(1).memberId), 'tiers stay: removal is off').to.deep.equal([T120, T600]);
		expect(await sync(later(2000))).to.deep.equal(synced(0, 0));
	});

	it('records the linked role the linking plugin gave, so only the other roles are asked for after a link', async () => {
		await link(1);
		await watch(1, 130);
		discord.holdings.set(viewer(1).memberId, new Set([LINKED]));
		await followLinkChange(contextOf(), { memberId: viewer(1).memberId, linkedRole: { roleId: LINKED, settled: true } }, true, T0);
		expect(discord.calls).to.deep.equal([`grant ${viewer(1).memberId} ${T120}`]);
		expect(await db().roleGrants.ofMember(viewer(1).memberId)).to.deep.equal([
			{ memberId: viewer(1).memberId, roleId: LINKED, kind: 'linked' },
			{ memberId: viewer(1).memberId, roleId: T120, kind: 'tier' }
		]);
	});

	it('tells the moderators once about a role it cannot manage, asks Discord nothing about it, and uses it again once fixed', async () => {
		discord.cacheRefuses.set(T120, 'role too high');
		await link(1);
		await watch(1, 130);

		expect(await sync()).to.deep.equal(synced(1, 0, { held: 1, reported: 1 }));
		for (let run = 1; run <= 3; run++) expect(await sync(later(run * 600_000))).to.deep.equal(synced(0, 0, { held: 1 }));
		expect([...alerts.values()]).to.deep.equal([
			'Some roles I give in this server need you. I won’t try them again until this is fixed (`/roles status` lists them, `/roles sync` tries again now):\n' +
				`• I can’t give or take the 120-minute tier’s role <@&${T120}>: it is not below my highest role. Move my role above it (Server Settings → Roles).`
		]);
		expect(discord.calls).to.deep.equal([`grant ${viewer(1).memberId} ${LINKED}`]);

		// A moderator moved the bot's role up: the next sync sees it in the cache and gives it.
		discord.cacheRefuses.delete(T120);
		expect(await sync(later(DAY))).to.deep.equal(synced(1, 0));
		expect(await db().roleProblems.all()).to.deep.equal([]);

		// The same problem again later is news: told again.
		discord.cacheRefuses.set(T120, 'role too high');
		await sync(later(2 * DAY));
		expect(alerts.size).to.equal(2);
	});

	it('tries a role Discord refused (though the cache allowed it) again a day later, or when a moderator asks', async () => {
		discord.discordRefuses.add(T120);
		await link(1);
		await link(2);
		await watch(1, 130);
		await watch(2, 130);

		expect(await sync()).to.deep.equal(synced(2, 0, { held: 1, reported: 1 }));
		const refusals = () => discord.calls.filter((call) => call.endsWith(T120)).length;
		expect(refusals(), 'one refusal stops the role for the sync').to.equal(1);
		await sync(later(PROBE_AGAIN_AFTER_MS - 1000));
		expect(refusals()).to.equal(1);
		await sync(later(PROBE_AGAIN_AFTER_MS));
		expect(refusals(), 'a day later, once').to.equal(2);
		expect(alerts.size, 'still one message').to.equal(1);

		discord.discordRefuses.delete(T120);
		const answer = await answerRoleSync(contextOf(), later(PROBE_AGAIN_AFTER_MS + 1000));
		expect(answer.content).to.equal('Synced: 2 roles given, 0 taken back.');
		expect(await db().roleProblems.all()).to.deep.equal([]);
	});

	it('makes at most 50 changes a sync, the rest at the next ones', async () => {
		settings.kick_subscriber_role_id = null;
		await db().roleTiers.remove(120);
		await db().roleTiers.remove(600);
		await db().roleTiers.remove(2000);
		for (let n = 1; n <= 60; n++) await link(n);

		expect(await sync()).to.deep.equal(synced(MAX_CHANGES_PER_SYNC, 0, { pending: 10 }));
		expect(await sync(later(60_000))).to.deep.equal(synced(10, 0));
		expect(new Set(discord.calls).size).to.equal(60);
	});

	it('leaves a member who left alone for a day, and tries a change that failed again at the next sync', async () => {
		await link(1);
		await link(2);
		discord.absent.add(viewer(1).memberId);
		discord.failing = true;

		expect(await sync()).to.deep.equal(synced(0, 0, { failed: 1 }));
		discord.failing = false;
		expect(await sync(later(60_000))).to.deep.equal(synced(1, 0, { held: 1 }));
		discord.absent.delete(viewer(1).memberId);
		expect(await sync(later(ABSENT_FOR_MS - 1000))).to.deep.equal(synced(0, 0, { held: 1 }));
		expect(await sync(later(ABSENT_FOR_MS))).to.deep.equal(synced(1, 0));
	});

	it('acts for its own server only: another server’s links, minutes, subscriptions and tiers change nothing here', async () => {
		await link(1, BETA);
		await watch(1, 5000, BETA);
		await db(BETA).kickSubscriptions.record([{ kickUserId: '7001', kickUsername: 'viewer_1', expiresAt: later(DAY), at: T0 }]);
		await link(1);

		expect(await sync()).to.deep.equal(synced(1, 0));
		expect(discord.rolesOf(viewer(1).memberId)).to.deep.equal([LINKED]);
		expect(await db(BETA).roleGrants.all()).to.deep.equal([]);
	});

	it('refuses a tier role the bot could not give, or one the server uses otherwise, changing nothing', async () => {
		discord.cacheRefuses.set('400000000000000099', 'role too high');
		const context = { ...contextOf(), roleProblem: async (roleId: string) => discord.roleProblem(roleId) };
		const refusal = (content: string) => ({ content: `${content} Nothing was changed.`, visibility: 'refusal' });
		expect(await answerTierSet(context, 300, '400000000000000099')).to.deep.equal(
			refusal('I can’t give <@&400000000000000099>: it is not below my highest role. Move my role above it (Server Settings → Roles).')
		);
		expect(await answerTierSet(context, 300, SUB)).to.deep.equal(refusal(`<@&${SUB}> is the subscriber role; a tier needs a role of its own.`));
		expect(await answerTierSet(context, 300, T600)).to.deep.equal(
			refusal(`<@&${T600}> is already the role of the 600 minutes (10 h) tier; a role belongs to one tier.`)
		);
		expect((await db().roleTiers.list()).tiers.map((tier) => tier.minutes)).to.deep.equal([120, 600, 2000]);
	});

	it('shows the roles, who qualifies, what waits and the problems in /roles status', async () => {
		discord.cacheRefuses.set(SUB, 'managed role');
		await link(1);
		await link(2);
		await watch(1, 700);
		await db().kickSubscriptions.record([{ kickUserId: '7002', kickUsername: 'viewer_2', expiresAt: later(DAY), at: T0 }]);
		const status = await answerRoleStatus(contextOf(), T0);
		expect(status.content).to.equal(
			[
				'**Roles for the 2 linked members of this server**',
				`Linked role: <@&${LINKED}> · 2 linked members qualify`,
				`Subscriber role: <@&${SUB}> · 1 linked member qualifies`,
				'Watch-time tiers (kept below the threshold: `roles_remove_unqualified` is off):',
				`• 120 minutes (2 h): <@&${T120}> · 1 linked member qualifies`,
				`• 600 minutes (10 h): <@&${T600}> · 1 linked member qualifies`,
				'• 2,000 minutes (33.3 h): no role',
				'Waiting: 4 to give, 0 to take back, at most 50 a sync (every 10 minutes, or `/roles sync`).',
				'Problems (those roles are left alone until fixed):',
				`• I can’t give or take the subscriber role <@&${SUB}>: an integration manages it, so no bot can give it. Choose another role.`
			].join('\n')
		);
	});
});
