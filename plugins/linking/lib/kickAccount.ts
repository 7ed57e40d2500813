import { escapeMarkdown } from 'discord.js';

/** A Kick account as Discord shows it: its name, linking to its channel page. */
export function kickAccountLink(name: string): string {
	return `[${escapeMarkdown(name)}](<https://kick.com/${encodeURIComponent(name.toLowerCase())}>)`;
}

/** When a link was made, as Discord shows a date in each reader's own format (legacy rows may not know). */
export function linkedSince(linkedAt: Date | null): string {
	return linkedAt === null ? '' : ` since <t:${Math.floor(linkedAt.getTime() / 1000)}:D>`;
}

/** What `/whois` names: a member (a mention or an id) or a Kick account (its name, with or without @ or kick.com/). */
export type WhoisTarget = { readonly member: string } | { readonly kickName: string };

/** Reads what `/whois` was given; null when it is neither a member nor a Kick name. */
export function parseWhoisTarget(text: string): WhoisTarget | null {
	const trimmed = text.trim();
	const member = /^(?:<@!?(\d{17,20})>|(\d{17,20}))$/.exec(trimmed);
	if (member !== null) return { member: member[1] ?? member[2]! };
	const kick = /^(?:https?:\/\/)?(?:www\.)?(?:kick\.com\/|@)?([A-Za-z0-9_]{1,25})\/?$/.exec(trimmed);
	return kick === null ? null : { kickName: kick[1]! };
}
