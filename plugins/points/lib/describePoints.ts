import { escapeMarkdown, time, TimestampStyles, type APIEmbed } from 'discord.js';
import type { LedgerEntry, PointsRecord } from './UserPointsRepository.js';

export const LINES_PER_PAGE = 10;

const count = new Intl.NumberFormat('en-US');

/** Points as people read them: `1 point`, `1,250 points`. */
export function describePoints(points: number): string {
	return `${count.format(points)} point${points === 1 ? '' : 's'}`;
}

/** Text from users (Kick names, reasons) as Discord shows it: no markdown, and no @ that could mention anyone. */
export function discordText(text: string): string {
	return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true }).replaceAll('@', '@\u200b');
}

/** One page of the server's leaderboard, with the caller's own standing under it. */
export function leaderboardEmbed(rows: readonly PointsRecord[], page: { readonly number: number; readonly first: number }, own: string): APIEmbed {
	return {
		title: 'Points: top viewers',
		description: rows.map((row, index) => `**#${page.first + index}** ${discordText(row.kickUsername)}: ${describePoints(row.points)}`).join('\n'),
		fields: [{ name: 'You', value: own }],
		footer: { text: `Page ${page.number} · this server only · ties share a rank in /points` }
	};
}

const SOURCES: Readonly<Record<string, string>> = {
	watch: 'watch time',
	sub: 'new sub',
	renewal: 'sub renewal',
	gift: 'gifted subs',
	award: 'awarded',
	add: 'added by a moderator',
	remove: 'removed by a moderator',
	set: 'set by a moderator',
	give_all: 'given to everyone in chat',
	shop: 'shop',
	refund: 'refund',
	legacy: 'before the ledger'
};

/** One page of a viewer's ledger, newest first. */
export function historyEmbed(
	name: string,
	entries: readonly LedgerEntry[],
	page: { readonly number: number; readonly pages: number; readonly rows: number }
): APIEmbed {
	return {
		title: `Points history of ${name}`,
		description: entries.map(describeEntry).join('\n'),
		footer: { text: `Page ${page.number} of ${page.pages} · ${count.format(page.rows)} changes, newest first` }
	};
}

function describeEntry(entry: LedgerEntry): string {
	const amount = entry.amount > 0 ? `+${count.format(entry.amount)}` : `−${count.format(-entry.amount)}`;
	const by = entry.actorDiscordId === null ? '' : ` by <@${entry.actorDiscordId}>`;
	return `${time(entry.createdAt, TimestampStyles.ShortDateTime)}: **${amount}** ${SOURCES[entry.source] ?? entry.source}${by}: ${discordText(entry.reason)}`;
}
