import type { RoleChangeProblem } from '#core';
import type { RoleConfig } from './planRoleChanges.js';
import type { RoleProblemRecord } from './RoleProblemsRepository.js';

/** What a role is for in this server, e.g. "the subscriber role <@&1>" (a mention never pings: the bot's posts ping nobody). */
export function describeRoleUse(roleId: string, config: RoleConfig): string {
	const mention = `<@&${roleId}>`;
	if (roleId === config.linkedRoleId) return `the linked role ${mention}`;
	if (roleId === config.subscriberRoleId) return `the subscriber role ${mention}`;
	const tier = config.tiers.find((candidate) => candidate.roleId === roleId);
	if (tier !== undefined) return `the ${tier.minutes.toLocaleString('en-US')}-minute tier’s role ${mention}`;
	return `the role ${mention}, which the bot gave before`;
}

/** What the moderators do about a problem, after the role's use. */
export function describeProblem(problem: RoleChangeProblem): string {
	switch (problem) {
		case 'role too high':
			return 'it is not below my highest role. Move my role above it (Server Settings → Roles).';
		case 'managed role':
			return 'an integration manages it, so no bot can give it. Choose another role.';
		case 'everyone role':
			return 'every member has @everyone. Choose another role.';
		case 'no such role':
			return 'it no longer exists. Choose another role.';
		case 'no permission':
			return 'I lack the Manage Roles permission in this server. Give it to my role.';
		case 'server not here':
		case 'no such member':
			return 'Discord refused the change.';
	}
}

/** One line per problem role for moderators: its use and what to do. */
export function problemLines(problems: readonly Pick<RoleProblemRecord, 'roleId' | 'problem'>[], config: RoleConfig): string[] {
	return problems.map((problem) => `• I can’t give or take ${describeRoleUse(problem.roleId, config)}: ${describeProblem(problem.problem)}`);
}

/** Discord's message limit, less room for the closing line. */
const ALERT_LIMIT = 1900;

/** The alert that tells the moderators about roles the bot stopped trying, within one Discord message. */
export function problemAlert(problems: readonly Pick<RoleProblemRecord, 'roleId' | 'problem'>[], config: RoleConfig): string {
	const head =
		'Some roles I give in this server need you. I won’t try them again until this is fixed (`/roles status` lists them, `/roles sync` tries again now):';
	const lines = problemLines(problems, config);
	let text = head;
	for (const [index, line] of lines.entries()) {
		if (text.length + line.length + 1 > ALERT_LIMIT) return `${text}\n…and ${lines.length - index} more: see \`/roles status\`.`;
		text = `${text}\n${line}`;
	}
	return text;
}

/** Minutes as people read them: "120 minutes", "600 minutes (10 h)". */
export function formatMinutes(minutes: number): string {
	const count = `${minutes.toLocaleString('en-US')} minute${minutes === 1 ? '' : 's'}`;
	if (minutes < 60) return count;
	const hours = minutes / 60;
	return `${count} (${Number.isInteger(hours) ? hours : hours.toFixed(1)} h)`;
}
