import { pageButtons, parseViewerTarget, type CommandAnswer, type GuildContext, type ViewerTarget } from '#core';
import { describePoints, discordText, historyEmbed, leaderboardEmbed, LINES_PER_PAGE } from './describePoints.js';
import { historyPageIds, leaderboardPageId } from './pointsButtons.js';
import { presentViewers } from './presentViewers.js';
import { MAX_BALANCE, MAX_POINTS_CHANGE } from './UserPointsRepository.js';

/*
 * What /points, /leaderboard (both forms) and their buttons answer in Discord, from one server's
 * points. A viewer is named by a member (through the Kick account they linked here) or a Kick name.
 */

export type PointsContext = Pick<GuildContext, 'db'>;

export const REASON_MAX_LENGTH = 200;

const UNREADABLE = 'Name a member (a mention or an id) or a Kick username (letters, digits and _).';

/** The Kick account whose points a target means, and how to name it; or the refusal to give. */
async function accountOf(context: PointsContext, target: ViewerTarget, self: boolean): Promise<{ name: string; label: string } | CommandAnswer> {
	if ('kickName' in target) return { name: target.kickName.toLowerCase(), label: discordText(target.kickName.toLowerCase()) };
	const name = await context.db.points.kickNameOfMember(BigInt(target.member));
	if (name !== null) return { name, label: self ? 'You' : `<@${target.member}> (${discordText(name)})` };
	return {
		content: self
			? 'You have not linked a Kick account in this server, so you have no points here. Link it on the server’s link panel or with /link start.'
			: `<@${target.member}> has not linked a Kick account in this server, so they have no points here.`,
		visibility: 'refusal'
	};
}

/** `/points [who]`: the named viewer's balance and rank, or the caller's own. */
export async function answerShow(context: PointsContext, who: string | null, callerId: string): Promise<CommandAnswer> {
	const target = who === null ? { member: callerId } : parseViewerTarget(who);
	if (target === null) return { content: UNREADABLE, visibility: 'refusal' };
	const account = await accountOf(context, target, who === null);
	if (!('name' in account)) return account;
	const [balance, rank] = await Promise.all([context.db.points.balanceOf(account.name), context.db.points.rankOf(account.name)]);
	const has = who === null ? 'have' : 'has';
	if (rank === null) return { content: `${account.label} ${has} no points in this server yet.` };
	return { content: `${account.label} ${has} ${describePoints(balance)} in this server (#${rank} on \`/leaderboard\`).` };
}

/** `/leaderboard [page]` and its buttons: ten to a page (from 1), and the caller's own rank. */
export async function answerLeaderboard(context: PointsContext, page: number, callerId: string): Promise<CommandAnswer> {
	const current = Math.max(1, Math.trunc(page));
	// One row more than a page says whether there is a next one, without counting every viewer.
	const rows = await context.db.points.leaderboard({ limit: LINES_PER_PAGE + 1, offset: (current - 1) * LINES_PER_PAGE });
	if (rows.length === 0)
		return {
			content:
				current === 1
					? 'Nobody has points in this server yet: they come from watching the stream and Kick subs.'
					: `The leaderboard has no page ${current}.`,
			visibility: 'refusal'
		};
	const name = await context.db.points.kickNameOfMember(BigInt(callerId));
	let own = 'Link your Kick account with /link start to earn points here.';
	if (name !== null) {
		const [balance, rank] = await Promise.all([context.db.points.balanceOf(name), context.db.points.rankOf(name)]);
		own = rank === null ? `${discordText(name)}: no points yet.` : `#${rank} · ${discordText(name)}: ${describePoints(balance)}`;
	}
	const shown = rows.slice(0, LINES_PER_PAGE);
	return {
		embeds: [leaderboardEmbed(shown, { number: current, first: (current - 1) * LINES_PER_PAGE + 1 }, own)],
		components: pageButtons(leaderboardPageId, current, rows.length > LINES_PER_PAGE),
		visibility: 'channel'
	};
}

/** `/points history <who> [page]` and its buttons: the viewer's ledger, newest first. */
export async function answerHistory(context: PointsContext, who: string, page: number): Promise<CommandAnswer> {
	const target = parseViewerTarget(who);
	if (target === null) return { content: UNREADABLE, visibility: 'refusal' };
	const account = await accountOf(context, target, false);
	if (!('name' in account)) return account;
	return answerHistoryOf(context, account.name, page);
}

/** One page of the ledger of a Kick account here. */
export async function answerHistoryOf(context: PointsContext, name: string, page: number): Promise<CommandAnswer> {
	const rows = await context.db.points.historyCount(name);
	if (rows === 0) return { content: `${discordText(name)} has no points history in this server.`, visibility: 'refusal' };
	const pages = Math.ceil(rows / LINES_PER_PAGE);
	const current = Math.min(Math.max(Math.trunc(page), 1), pages);
	const entries = await context.db.points.history(name, { limit: LINES_PER_PAGE, offset: (current - 1) * LINES_PER_PAGE });
	const ids = historyPageIds(name);
	return {
		embeds: [historyEmbed(discordText(name), entries, { number: current, pages, rows })],
		components: ids === null ? [] : pageButtons(ids, current, current < pages)
	};
}

export type ChangeKind = 'add' | 'remove' | 'set';

/** Reads an amount typed by a moderator: a whole number in range, else the refusal. */
function readAmount(amount: number | null, kind: ChangeKind | 'give-all'): number | string {
	const [min, max] = kind === 'set' ? [0, MAX_BALANCE] : [1, MAX_POINTS_CHANGE];
	if (amount === null || !Number.isSafeInteger(amount) || amount < min || amount > max)
		return `\`amount\` is a whole number from ${min} to ${max.toLocaleString('en-US')}. Nothing was changed.`;
	return amount;
}

function readReason(reason: string): string | null {
	const trimmed = reason.trim();
	return trimmed === '' || [...trimmed].length > REASON_MAX_LENGTH ? null : trimmed;
}

const BAD_REASON = `A reason is 1 to ${REASON_MAX_LENGTH} characters; it is kept in the history. Nothing was changed.`;

/** `/points add|remove|set` (moderators): one ledger row with who, how many and why. */
export async function answerChange(
	context: PointsContext,
	change: { readonly kind: ChangeKind; readonly who: string; readonly amount: number | null; readonly reason: string; readonly byDiscordId: string }
): Promise<CommandAnswer> {
	const target = parseViewerTarget(change.who);
	if (target === null) return { content: `${UNREADABLE} Nothing was changed.`, visibility: 'refusal' };
	const amount = readAmount(change.amount, change.kind);
	if (typeof amount === 'string') return { content: amount, visibility: 'refusal' };
	const reason = readReason(change.reason);
	if (reason === null) return { content: BAD_REASON, visibility: 'refusal' };
	const account = await accountOf(context, target, false);
	if (!('name' in account)) return { ...account, content: `${account.content} Nothing was changed.` };
	const actorDiscordId = BigInt(change.byDiscordId);
	switch (change.kind) {
		case 'add': {
			const outcome = await context.db.points.credit(account.name, { amount, source: 'add', reason, actorDiscordId });
			return { content: `Added ${describePoints(amount)} to ${account.label}: now ${describePoints(outcome.balance)}. Reason: ${discordText(reason)}` };
		}
		case 'remove': {
			const outcome = await context.db.points.remove(account.name, { amount, source: 'remove', reason, actorDiscordId });
			if (outcome.removed === 0) return { content: `${account.label} has no points in this server, so nothing was removed.`, visibility: 'refusal' };
			return {
				content: `Removed ${describePoints(outcome.removed)} from ${account.label}: now ${describePoints(outcome.balance)}. Reason: ${discordText(reason)}`
			};
		}
		case 'set': {
			const outcome = await context.db.points.set(account.name, { balance: amount, reason, actorDiscordId });
			if (outcome.delta === 0) return { content: `${account.label} already has ${describePoints(amount)}: nothing changed.` };
			return {
				content: `Set ${account.label} to ${describePoints(amount)} (${outcome.delta > 0 ? '+' : '−'}${Math.abs(outcome.delta).toLocaleString('en-US')}). Reason: ${discordText(reason)}`
			};
		}
	}
}

/** `/points give-all` (moderators): the amount to everyone present in Kick chat now (a message in the last 2 minutes), in one statement. */
export async function answerGiveAll(
	context: Pick<GuildContext, 'db' | 'shared'>,
	give: { readonly amount: number | null; readonly reason: string; readonly byDiscordId: string; readonly now: number }
): Promise<CommandAnswer> {
	const amount = readAmount(give.amount, 'give-all');
	if (typeof amount === 'string') return { content: amount, visibility: 'refusal' };
	const reason = readReason(give.reason);
	if (reason === null) return { content: BAD_REASON, visibility: 'refusal' };
	const present = await presentViewers(context, give.now);
	if (present.length === 0)
		return { content: 'Nobody is in Kick chat now (nobody chatted in the last 2 minutes). Nothing was changed.', visibility: 'refusal' };
	const credited = await context.db.points.creditMany(present, { amount, source: 'give_all', reason, actorDiscordId: BigInt(give.byDiscordId) });
	return {
		content: `Gave ${describePoints(amount)} to ${credited.toLocaleString('en-US')} viewer${credited === 1 ? '' : 's'} in Kick chat. Reason: ${discordText(reason)}`,
		visibility: 'channel'
	};
}

/** The refusal of a moderator subcommand to a member who is not one, worded as the core's Moderator check words it. */
export function onlyModerators(what: string, moderatorRoleId: string | null): CommandAnswer {
	const needs = moderatorRoleId === null ? 'the Manage Server permission' : `the Manage Server permission or the <@&${moderatorRoleId}> role`;
	return { content: `Only moderators of this server can ${what}: it needs ${needs} here. Nothing was changed.`, visibility: 'refusal' };
}
