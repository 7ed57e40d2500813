import { createHash } from 'node:crypto';
import type { GuildContext, RoleChangeProblem } from '#core';
import { problemAlert } from './describeRoles.js';
import { compareIds, configuredRoles, planRoleChanges, type LinkedMember, type PlannedChange, type RoleConfig } from './planRoleChanges.js';
import type { GrantKind, RoleGrant } from './RoleGrantsRepository.js';
import type { RoleProblemRecord } from './RoleProblemsRepository.js';

/** What a sync reads and does: the server's data, settings, and its role changes and alerts. */
export type SyncContext = Pick<GuildContext, 'db' | 'settings' | 'changeMemberRole' | 'roleProblem' | 'alertModerators'>;

/** Role changes (calls to Discord) per server and sync: the rest waits for the next one, so one server never floods Discord's rate limits. */
export const MAX_CHANGES_PER_SYNC = 50;
/** A member Discord says is not in the server is asked about again after this. */
export const ABSENT_FOR_MS = 24 * 60 * 60_000;
/** A role Discord refused though the bot's cache allowed it is tried again after this. */
export const PROBE_AGAIN_AFTER_MS = 24 * 60 * 60_000;

/** What a sync did. */
export type SyncSummary =
	| { readonly status: 'server not here' }
	| {
			readonly status: 'synced';
			readonly granted: number;
			readonly revoked: number;
			/** Changes Discord did not make (down, or another error): tried again next time. */
			readonly failed: number;
			/** Changes left for the next sync (MAX_CHANGES_PER_SYNC reached). */
			readonly pending: number;
			/** Changes of roles the bot cannot manage, or of members not in the server, left alone. */
			readonly held: number;
			/** Roles with a problem the moderators were told about in this sync. */
			readonly reported: number;
	  };

/** What a sync of the whole server or of one member starts from. */
export interface SyncScope {
	readonly now: Date;
	/** One member (after a link, an unlink or a subscription): their changes only, whatever the cap. */
	readonly memberId?: string;
	readonly maxChanges?: number;
}

/** The server's roles as its settings and tiers say. */
export async function loadRoleConfig(context: Pick<GuildContext, 'db' | 'settings'>): Promise<RoleConfig> {
	return {
		linkedRoleId: context.settings.get('kick_linked_role_id'),
		subscriberRoleId: context.settings.get('kick_subscriber_role_id'),
		tiers: (await context.db.roleTiers.list()).tiers,
		removeUnqualified: context.settings.get('roles_remove_unqualified')
	};
}

/**
 * The linked members (all, or one) with their watch time and subscription, and the grants of
 * the same members: a few queries for the whole server, whatever its size.
 */
export async function loadMembers(context: Pick<GuildContext, 'db'>, now: Date, memberId?: string): Promise<{ members: LinkedMember[]; grants: RoleGrant[] }> {
	const { db } = context;
	if (memberId !== undefined) {
		const link = await db.links.ofMember(BigInt(memberId));
		const grants = await db.roleGrants.ofMember(memberId);
		if (link === null) return { members: [], grants };
		const subscription = await db.kickSubscriptions.of({ kickUserId: link.kickUserId?.toString() ?? null, kickUsername: link.kickName });
		const minutes = await db.watchtime.minutesOf(link.kickName);
		return { members: [{ memberId, minutes, subscribed: subscription !== null && subscription.expiresAt > now }], grants };
	}
	const [links, subscriptions, grants] = [await db.links.all(), await db.kickSubscriptions.active(now), await db.roleGrants.all()];
	const minutes = await db.watchtime.minutesOfMany(links.map((link) => link.kickName));
	const subscribedIds = new Set(subscriptions.map((subscription) => subscription.kickUserId));
	const subscribedNames = new Set(subscriptions.map((subscription) => subscription.kickUsername.toLowerCase()));
	const members = links.map((link) => ({
		memberId: link.discordId.toString(),
		minutes: minutes.get(link.kickName.toLowerCase()) ?? 0,
		// By the account's id; links made before the bot read Kick ids, by name.
		subscribed: link.kickUserId === null ? subscribedNames.has(link.kickName.toLowerCase()) : subscribedIds.has(link.kickUserId.toString())
	}));
	return { members, grants };
}

/**
 * Brings the server's roles (or one member's) where they should be: grants what members qualify
 * for, takes back what the bot gave and they no longer qualify for (tiers as the server decides),
 * at most `maxChanges` changes (the rest next time). Roles the bot cannot manage are noted, told to
 * the moderators once, and left alone until the bot's cache shows them fixed (or, when Discord
 * refused what the cache allowed, a day later).
 */
export async function syncRoles(context: SyncContext, scope: SyncScope): Promise<SyncSummary> {
	const { now, memberId } = scope;
	const maxChanges = memberId === undefined ? (scope.maxChanges ?? MAX_CHANGES_PER_SYNC) : Number.POSITIVE_INFINITY;
	const config = await loadRoleConfig(context);
	const { members, grants } = await loadMembers(context, now, memberId);
	const changes = planRoleChanges({ config, members, grants });
	const roles = new Set([...configuredRoles(config), ...changes.map((change) => change.roleId)]);

	const problems = new RoleProblems(context, now);
	if (!(await problems.check(roles, memberId === undefined))) return { status: 'server not here' };
	const absent = memberId === undefined ? await context.db.roleGrants.absentSince(new Date(now.getTime() - ABSENT_FOR_MS)) : new Set<string>();

	let [granted, revoked, failed, pending, held, attempts] = [0, 0, 0, 0, 0, 0];
	for (const change of changes) {
		if (problems.holds(change.roleId) || absent.has(change.memberId)) {
			held += 1;
			continue;
		}
		if (attempts >= maxChanges) {
			pending += 1;
			continue;
		}
		attempts += 1;
		const outcome = await context.changeMemberRole({ ...change, reason: reasonFor(change) });
		if (outcome.status === 'done' || outcome.status === 'unchanged') {
			if (change.action === 'grant') await context.db.roleGrants.record({ memberId: change.memberId, roleId: change.roleId, kind: change.kind });
			else await context.db.roleGrants.forget(change.memberId, change.roleId);
			if (outcome.status === 'done' && change.action === 'grant') granted += 1;
			else if (outcome.status === 'done') revoked += 1;
			await problems.worked(change.roleId);
		} else if (outcome.status !== 'refused') {
			failed += 1;
		} else if (outcome.problem === 'no such member') {
			// They left the server: their roles went with them; a link stays, so they are asked about again tomorrow.
			await context.db.roleGrants.noteAbsent(change.memberId, now);
			absent.add(change.memberId);
		} else if (outcome.problem === 'server not here') {
			return { status: 'server not here' };
		} else {
			await problems.refused(change.roleId, outcome.problem);
		}
	}
	const reported = await problems.report(config);
	return { status: 'synced', granted, revoked, failed, pending, held, reported };
}

/** The server's roles the bot cannot manage, for one sync: which to leave alone, which to try again, and telling the moderators. */
class RoleProblems {
	private records = new Map<string, RoleProblemRecord>();
	/** Roles left alone in this sync. */
	private readonly held = new Set<string>();

	public constructor(
		private readonly context: SyncContext,
		private readonly now: Date
	) {}

	/**
	 * Reads the bot's cache about each role (no request to Discord): notes the problems it shows,
	 * holds those roles, and frees the roles whose problem it no longer shows (those Discord itself
	 * refused, once their day is over). A whole-server sync forgets the problems of roles no longer used.
	 * False when the server is not on this bot process.
	 */
	public async check(roles: ReadonlySet<string>, wholeServer: boolean): Promise<boolean> {
		const { db } = this.context;
		let records = await db.roleProblems.all();
		if (wholeServer && records.some((record) => !roles.has(record.roleId))) {
			await db.roleProblems.clearAllBut([...roles]);
			records = records.filter((record) => roles.has(record.roleId));
		}
		this.records = new Map(records.map((record) => [record.roleId, record]));
		for (const roleId of [...roles].sort(compareIds)) {
			const seen = await this.context.roleProblem(roleId);
			if (seen?.problem === 'server not here') return false;
			const known = this.records.get(roleId);
			if (seen !== null) {
				this.held.add(roleId);
				if (known?.problem !== seen.problem) this.records.set(roleId, await db.roleProblems.note(roleId, seen.problem, this.now, null));
			} else if (known?.probeAfter != null && known.probeAfter > this.now) {
				this.held.add(roleId);
			}
		}
		return true;
	}

	public holds(roleId: string): boolean {
		return this.held.has(roleId);
	}

	/** A change of the role went through: whatever was noted about it is over. */
	public async worked(roleId: string): Promise<void> {
		if (!this.records.has(roleId)) return;
		this.records.delete(roleId);
		await this.context.db.roleProblems.clear(roleId);
	}

	/** Discord (or the cache, since the check) refused the role: held for the rest of the sync, and noted. */
	public async refused(roleId: string, problem: RoleChangeProblem): Promise<void> {
		this.held.add(roleId);
		// When the cache shows nothing wrong, Discord knew better: try again in a day, not at every sync.
		const probeAfter = (await this.context.roleProblem(roleId)) === null ? new Date(this.now.getTime() + PROBE_AGAIN_AFTER_MS) : null;
		this.records.set(roleId, await this.context.db.roleProblems.note(roleId, problem, this.now, probeAfter));
	}

	/** Tells the moderators about the problems nobody told them of yet, in one message; how many. */
	public async report(config: RoleConfig): Promise<number> {
		const untold = [...this.records.values()].filter((record) => record.reportedAt === null);
		if (untold.length === 0) return 0;
		// Named after the problems and when they began: a sync that runs again (or on another process) adds no second message.
		const key = createHash('sha256')
			.update(untold.map((record) => `${record.roleId}:${record.problem}:${record.notedAt.getTime()}`).join(','))
			.digest('hex')
			.slice(0, 32);
		const alert = await this.context.alertModerators(problemAlert(untold, config), { key: `roles:problems:${key}` });
		// Not on this process: another sync tells them. Nowhere to write: /roles status shows it.
		if (alert.status === 'server not here') return 0;
		await this.context.db.roleProblems.markReported(untold, this.now);
		return untold.length;
	}
}

/** What the server's audit log says about a change. */
function reasonFor(change: PlannedChange): string {
	const reasons: Record<GrantKind, [grant: string, revoke: string]> = {
		linked: ['Linked a Kick account', 'No longer linked to a Kick account'],
		subscriber: ['Subscribed to the Kick channel', 'Kick subscription ended'],
		tier: ['Reached a watch-time tier', 'No longer reaches the watch-time tier']
	};
	return reasons[change.kind][change.action === 'grant' ? 0 : 1];
}
