import { escapeMarkdown } from 'discord.js';

/** A Kick account as Discord shows it: its name, linking to its channel page. */
export function kickAccountLink(name: string): string {
	return `[${escapeMarkdown(name)}](<https://kick.com/${encodeURIComponent(name.toLowerCase())}>)`;
}

/** When a link was made, as Discord shows a date in each reader's own format (legacy rows may not know). */
export function linkedSince(linkedAt: Date | null): string {
	return linkedAt === null ? '' : ` since <t:${Math.floor(linkedAt.getTime() / 1000)}:D>`;
}
