import { pageButtons, parseViewerTarget, type CommandAnswer, type GuildContext, type ViewerTarget } from '#core';
import { describeMinutes, discordText, historyEmbed, leaderboardEmbed, LINES_PER_PAGE, pageCount } from './describeWatchtime.js';
import { historyPageIds, topPageId } from './watchtimeButtons.js';
import { CHANGE_MAX_MINUTES, REASON_MAX_LENGTH, type WatchtimeRepository } from './WatchtimeRepository.js';

/*
 * What /watchtime (both forms) and its buttons answer in Discord, from one server's watch time.
 * A viewer is named by a member (their linked Kick account) or a Kick name.
 */

export type WatchtimeContext = Pick<GuildContext, 'db'>;

const UNREADABLE = '`who` takes a member (a mention or an id) or a Kick username (letters, digits and _).';

/** The Kick account whose minutes a target means, and how to name it; or the refusal to give. */
async function accountOf(context: WatchtimeContext, target: ViewerTarget, self: boolean): Promise<{ username: string; label: string } | CommandAnswer> {
	if ('kickName' in target) return { username: target.kickName.toLowerCase(), label: discordText(target.kickName) };
	const link = await context.db.links.ofMember(BigInt(target.member));
	if (link !== null) return { username: link.kickName.toLowerCase(), label: self ? 'You' : `<@${target.member}> (${discordText(link.kickName)})` };
	return {
		content: self
			? 'You have not linked a Kick account in this server, so your watch time is not counted here. Link it on the server’s link panel or with /link start.'
			: `<@${target.member}> has not linked a Kick account in this server, so they have no watch time here.`,
		visibility: 'refusal'
	};
}

/** `show`: the named viewer's minutes and rank, or the caller's own. */
export async function answerShow(context: WatchtimeContext, who: string | null, callerId: string): Promise<CommandAnswer> {
	const target = who === null ? { member: callerId } : parseViewerTarget(who);
	if (target === null) return { content: UNREADABLE, visibility: 'refusal' };
	const account = await accountOf(context, target, who === null);
	if (!('username' in account)) return account;
	const [minutes, rank] = await Promise.all([context.db.watchtime.minutesOf(account.username), context.db.watchtime.rankOf(account.username)]);
	const has = who === null ? 'have' : 'has';
	if (minutes === 0) return { content: `${account.label} ${has} no watch time in this server yet.` };
	return { content: `${account.label} ${has} watched ${describeMinutes(minutes)} in this server (#${rank} on \`/watchtime top\`).` };
}

/** `top` and its page buttons: one page of the leaderboard (from 1; past the end shows the last page). */
export async function answerTop(watchtime: WatchtimeRepository, page: number): Promise<CommandAnswer> {
	const viewers = await watchtime.viewerCount();
	if (viewers === 0)
		return { content: 'Nobody has watch time in this server yet: it counts while the stream is live, from Kick chat.', visibility: 'refusal' };
	const pages = pageCount(viewers);
	const current = Math.min(Math.max(page, 1), pages);
	const standings = await watchtime.top((current - 1) * LINES_PER_PAGE, LINES_PER_PAGE);
	return {
		embeds: [leaderboardEmbed(standings, { number: current, viewers })],
		components: pageButtons(topPageId, current, current < pages),
		visibility: 'channel'
	};
}

/** `add` and `remove` (moderators): changes a viewer's minutes and logs who, how many and why. */
export async function answerChange(
	context: WatchtimeContext,
	change: { readonly who: string; readonly minutes: number; readonly reason: string; readonly direction: 'add' | 'remove'; readonly byDiscordId: string }
): Promise<CommandAnswer> {
	const target = parseViewerTarget(change.who);
	if (target === null) return { content: `${UNREADABLE} Nothing was changed.`, visibility: 'refusal' };
	if (!Number.isSafeInteger(change.minutes) || change.minutes < 1 || change.minutes > CHANGE_MAX_MINUTES)
		return { content: `\`minutes\` is a whole number from 1 to ${CHANGE_MAX_MINUTES}. Nothing was changed.`, visibility: 'refusal' };
	const reason = change.reason.trim();
	if (reason === '' || [...reason].length > REASON_MAX_LENGTH)
		return { content: `A reason is 1 to ${REASON_MAX_LENGTH} characters; it is kept in the history. Nothing was changed.`, visibility: 'refusal' };
	const account = await accountOf(context, target, false);
	if (!('username' in account)) return { ...account, content: `${account.content} Nothing was changed.` };
	const delta = change.direction === 'add' ? change.minutes : -change.minutes;
	const outcome = await context.db.watchtime.change(account.username, delta, reason, BigInt(change.byDiscordId));
	if (outcome === null) return { content: `${account.label} has no watch time in this server, so nothing was removed.`, visibility: 'refusal' };
	const did = outcome.delta > 0 ? `Added ${describeMinutes(outcome.delta)} to` : `Removed ${describeMinutes(-outcome.delta)} from`;
	return { content: `${did} ${account.label}: now ${describeMinutes(outcome.minutesAfter)}. Reason: ${discordText(reason)}` };
}

/** `history` (moderators) and its page buttons: the changes and days of watching of a viewer, newest first. */
export async function answerHistory(context: WatchtimeContext, who: string, page: number): Promise<CommandAnswer> {
	const target = parseViewerTarget(who);
	if (target === null) return { content: UNREADABLE, visibility: 'refusal' };
	const account = await accountOf(context, target, false);
	if (!('username' in account)) return account;
	return answerHistoryOf(context.db.watchtime, account.username, page);
}

/** One page of the history of a Kick account's minutes here. */
export async function answerHistoryOf(watchtime: WatchtimeRepository, username: string, page: number): Promise<CommandAnswer> {
	const lines = await watchtime.historyLength(username);
	if (lines === 0) return { content: `${discordText(username)} has no watch time history in this server.`, visibility: 'refusal' };
	const pages = pageCount(lines);
	const current = Math.min(Math.max(page, 1), pages);
	const entries = await watchtime.history(username, (current - 1) * LINES_PER_PAGE, LINES_PER_PAGE);
	const ids = historyPageIds(username);
	return {
		embeds: [historyEmbed(discordText(username), entries, { number: current, lines })],
		components: ids === null ? [] : pageButtons(ids, current, current < pages)
	};
}

/** The refusal of a moderator subcommand to a member who is not one, worded as the core's Moderator check words it. */
export function onlyModerators(what: string, moderatorRoleId: string | null): CommandAnswer {
	const needs = moderatorRoleId === null ? 'the Manage Server permission' : `the Manage Server permission or the <@&${moderatorRoleId}> role`;
	return { content: `Only moderators of this server can ${what}: it needs ${needs} here. Nothing was changed.`, visibility: 'refusal' };
}
