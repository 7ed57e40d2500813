import type { CommandAnswer, GuildContext, RoleChangeProblem } from '#core';
import { describeProblem, formatMinutes, problemLines } from './describeRoles.js';
import { configuredRoles, planRoleChanges, qualifyingCounts, type RoleConfig } from './planRoleChanges.js';
import { MAX_TIER_MINUTES, MAX_TIERS } from './RoleTiersRepository.js';
import { ABSENT_FOR_MS, loadMembers, loadRoleConfig, MAX_CHANGES_PER_SYNC, syncRoles, type SyncContext } from './syncRoles.js';

type TiersContext = Pick<GuildContext, 'db' | 'settings' | 'roleProblem'>;

const NOTHING_CHANGED = 'Nothing was changed.';

/** `/roles tiers list`: the thresholds and their roles (the defaults, without roles, until the server sets one). */
export async function answerTierList(context: Pick<GuildContext, 'db'>): Promise<CommandAnswer> {
	const { tiers, defaults } = await context.db.roleTiers.list();
	if (tiers.length === 0) return { content: 'This server has no watch-time tiers. `/roles tiers set <minutes> <role>` adds one.' };
	const lines = tiers.map((tier) => `• ${formatMinutes(tier.minutes)}: ${tier.roleId === null ? 'no role yet' : `<@&${tier.roleId}>`}`);
	const head = defaults ? 'Watch-time tiers (the defaults; none has a role yet):' : 'Watch-time tiers: members who watched this long get the role.';
	return { content: [head, ...lines, 'Set a role with `/roles tiers set <minutes> <role>`, remove a tier with `/roles tiers remove <minutes>`.'].join('\n') };
}

/**
 * `/roles tiers set <minutes> <role>`: the tier at `minutes` gives `roleId`. Refused, changing
 * nothing: a role the bot could not give (@everyone, managed, above its highest role, no Manage
 * Roles), the linked or subscriber role, a role another tier gives, a 26th tier.
 */
export async function answerTierSet(context: TiersContext, minutes: number, roleId: string): Promise<CommandAnswer> {
	const refused = (why: string): CommandAnswer => ({ content: `${why} ${NOTHING_CHANGED}`, visibility: 'refusal' });
	if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TIER_MINUTES)
		return refused(`A tier is a whole number of minutes from 1 to ${MAX_TIER_MINUTES.toLocaleString('en-US')}.`);
	const problem = await context.roleProblem(roleId);
	if (problem !== null)
		return refused(`I can’t give <@&${roleId}>: ${problem.problem === 'server not here' ? problem.explanation : describeProblem(problem.problem)}`);
	if (roleId === context.settings.get('kick_linked_role_id')) return refused(`<@&${roleId}> is the linked role; a tier needs a role of its own.`);
	if (roleId === context.settings.get('kick_subscriber_role_id')) return refused(`<@&${roleId}> is the subscriber role; a tier needs a role of its own.`);
	const outcome = await context.db.roleTiers.set(minutes, roleId);
	switch (outcome.outcome) {
		case 'role taken':
			return refused(`<@&${roleId}> is already the role of the ${formatMinutes(outcome.byMinutes)} tier; a role belongs to one tier.`);
		case 'too many':
			return refused(`This server has ${MAX_TIERS} tiers, the most there can be. Remove one first.`);
		case 'set': {
			// A role the moderators just chose, which the bot can manage: whatever was noted about it is over.
			await context.db.roleProblems.clear(roleId);
			const before = outcome.previousRoleId === null || outcome.previousRoleId === roleId ? '' : ` instead of <@&${outcome.previousRoleId}>`;
			return {
				content: `Members who watched ${formatMinutes(minutes)} get <@&${roleId}>${before}. The next sync (within 10 minutes, or \`/roles sync\`) gives it.`
			};
		}
	}
}

/** `/roles tiers remove <minutes>`: the threshold goes; members keep its role unless `roles_remove_unqualified` is on. */
export async function answerTierRemove(context: Pick<GuildContext, 'db' | 'settings'>, minutes: number): Promise<CommandAnswer> {
	if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TIER_MINUTES)
		return {
			content: `A tier is a whole number of minutes from 1 to ${MAX_TIER_MINUTES.toLocaleString('en-US')}. ${NOTHING_CHANGED}`,
			visibility: 'refusal'
		};
	const removed = await context.db.roleTiers.remove(minutes);
	if (removed === null) return { content: `There is no ${formatMinutes(minutes)} tier. ${NOTHING_CHANGED}`, visibility: 'refusal' };
	const role =
		removed.roleId === null
			? ''
			: ` Its role <@&${removed.roleId}> ${context.settings.get('roles_remove_unqualified') ? 'is taken back at the next sync' : 'stays with the members who have it (`roles_remove_unqualified` is off)'}.`;
	return { content: `Removed the ${formatMinutes(minutes)} tier.${role}` };
}

/** `/roles status`: the roles the server gives, who qualifies, the changes waiting, and the roles the bot cannot manage. */
export async function answerRoleStatus(context: Pick<GuildContext, 'db' | 'settings' | 'roleProblem'>, now: Date): Promise<CommandAnswer> {
	const config = await loadRoleConfig(context);
	const { members, grants } = await loadMembers(context, now);
	const counts = qualifyingCounts(members, config);
	const qualify = (roleId: string) => {
		const count = counts.get(roleId) ?? 0;
		return `${count.toLocaleString('en-US')} linked ${count === 1 ? 'member qualifies' : 'members qualify'}`;
	};
	const roleLine = (label: string, roleId: string | null, key: string) =>
		roleId === null ? `${label}: not set (\`/settings set ${key} <role>\`)` : `${label}: <@&${roleId}> · ${qualify(roleId)}`;

	const problems = await problemsNow(context, config);
	const absent = await context.db.roleGrants.absentSince(new Date(now.getTime() - ABSENT_FOR_MS));
	const changes = planRoleChanges({ config, members, grants }).filter((change) => !problems.has(change.roleId) && !absent.has(change.memberId));
	const toGive = changes.filter((change) => change.action === 'grant').length;
	const toTake = changes.length - toGive;

	const tiers = config.tiers.map(
		(tier) => `• ${formatMinutes(tier.minutes)}: ${tier.roleId === null ? 'no role' : `<@&${tier.roleId}> · ${qualify(tier.roleId)}`}`
	);
	const lines = [
		`**Roles for the ${members.length.toLocaleString('en-US')} linked member${members.length === 1 ? '' : 's'} of this server**`,
		roleLine('Linked role', config.linkedRoleId, 'kick_linked_role_id'),
		roleLine('Subscriber role', config.subscriberRoleId, 'kick_subscriber_role_id'),
		`Watch-time tiers (${config.removeUnqualified ? 'taken back below the threshold' : 'kept below the threshold: `roles_remove_unqualified` is off'}):`,
		...(tiers.length === 0 ? ['• none'] : tiers),
		changes.length === 0
			? 'Nothing to change.'
			: `Waiting: ${toGive.toLocaleString('en-US')} to give, ${toTake.toLocaleString('en-US')} to take back, at most ${MAX_CHANGES_PER_SYNC} a sync (every 10 minutes, or \`/roles sync\`).`,
		...(problems.size === 0 ? [] : ['Problems (those roles are left alone until fixed):', ...problemLines([...problems.values()], config)])
	];
	return { content: lines.join('\n') };
}

/** `/roles sync`: roles with a problem tried again, then a sync of the whole server now, as the scheduled one does. */
export async function answerRoleSync(context: SyncContext, now: Date): Promise<CommandAnswer> {
	await context.db.roleProblems.probeAllSoon();
	const summary = await syncRoles(context, { now });
	if (summary.status === 'server not here') return { content: 'This bot process does not see the server’s roles just now; try again in a moment.' };
	const { granted, revoked, failed, pending, held } = summary;
	const problems = (await context.db.roleProblems.all()).length;
	const parts = [
		`Synced: ${granted.toLocaleString('en-US')} role${granted === 1 ? '' : 's'} given, ${revoked.toLocaleString('en-US')} taken back.`,
		failed === 0 ? null : `${failed} change${failed === 1 ? '' : 's'} failed on Discord’s side; the next sync tries again.`,
		pending === 0 ? null : `${pending.toLocaleString('en-US')} more wait for the next sync (at most ${MAX_CHANGES_PER_SYNC} changes a sync).`,
		held === 0 ? null : `${held.toLocaleString('en-US')} left alone: their role has a problem, or the member left.`,
		problems === 0 ? null : `${problems} role${problems === 1 ? '' : 's'} I can’t manage: \`/roles status\` says why.`
	];
	return { content: parts.filter((part) => part !== null).join(' ') };
}

/** The problems of the server's roles: those noted, and those the bot's cache shows now (no request to Discord). */
async function problemsNow(
	context: Pick<GuildContext, 'db' | 'roleProblem'>,
	config: RoleConfig
): Promise<Map<string, { roleId: string; problem: RoleChangeProblem }>> {
	const problems = new Map((await context.db.roleProblems.all()).map((record) => [record.roleId, { roleId: record.roleId, problem: record.problem }]));
	for (const roleId of configuredRoles(config)) {
		const seen = await context.roleProblem(roleId);
		if (seen !== null && seen.problem !== 'server not here') problems.set(roleId, { roleId, problem: seen.problem });
	}
	return problems;
}
