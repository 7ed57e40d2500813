import { escapeMarkdown, time, TimestampStyles, type APIEmbed } from 'discord.js';
import type { WatchtimeChange, WatchtimeStanding } from './WatchtimeRepository.js';

/** Lines per page of the leaderboard and of a history. */
export const LINES_PER_PAGE = 10;

const count = new Intl.NumberFormat('en-US');

/** Minutes as people read them: `45 min`, `2 h 5 min`, `1,204 h`. */
export function describeMinutes(minutes: number): string {
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	return rest === 0 ? `${count.format(hours)} h` : `${count.format(hours)} h ${rest} min`;
}

/** Text from users (Kick names, reasons) as Discord shows it: no markdown, and no @ that could mention anyone. */
export function discordText(text: string): string {
	return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true }).replaceAll('@', '@\u200b');
}

/** The number of pages `total` lines fill (one, when there are none). */
export function pageCount(total: number): number {
	return Math.max(1, Math.ceil(total / LINES_PER_PAGE));
}

/** One page of the server's leaderboard. */
export function leaderboardEmbed(standings: readonly WatchtimeStanding[], page: { readonly number: number; readonly viewers: number }): APIEmbed {
	return {
		title: 'Watch time: top viewers',
		description: standings.map((standing) => `**#${standing.rank}** ${discordText(standing.username)}: ${describeMinutes(standing.minutes)}`).join('\n'),
		footer: { text: `Page ${page.number} of ${pageCount(page.viewers)} · ${count.format(page.viewers)} viewers · from Kick chat while live` }
	};
}

/** One page of a viewer's history: moderators' changes, newest first. */
export function historyEmbed(username: string, changes: readonly WatchtimeChange[], page: { readonly number: number; readonly lines: number }): APIEmbed {
	return {
		title: `Watch time history of ${username}`,
		description: changes.map(describeChange).join('\n'),
		footer: { text: `Page ${page.number} of ${pageCount(page.lines)} · changes by moderators; minutes from chat are not listed one by one` }
	};
}

function describeChange(entry: WatchtimeChange): string {
	const change = entry.delta > 0 ? `+${describeMinutes(entry.delta)}` : `−${describeMinutes(-entry.delta)}`;
	return `${time(entry.at, TimestampStyles.ShortDateTime)}: **${change}** by <@${entry.byDiscordId}>, ${discordText(entry.reason)} (then ${describeMinutes(entry.minutesAfter)})`;
}
