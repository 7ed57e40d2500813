import { cutText } from '@sapphire/utilities';
import { isJSONEncodable, type APIEmbed, type APIEmbedField, type JSONEncodable } from 'discord.js';

/**
 * What Discord takes in one message (docs: "Embed Limits", "Create Message"); Discord counts
 * code points, as `cutText` does. A payload over any of them is refused whole (400, 50035).
 */
export const DISCORD_LIMITS = {
	content: 2000,
	embeds: 10,
	title: 256,
	description: 4096,
	fields: 25,
	fieldName: 256,
	fieldValue: 1024,
	footer: 2048,
	author: 256,
	/** Titles, descriptions, field names and values, footers and authors of all embeds together. */
	embedsTotal: 6000
} as const;

/** Discord refuses a field without a name or value; a zero-width space is its usual blank. */
const BLANK_FIELD_TEXT = '\u200b';

/** The parts of a reply, edit or message that Discord limits; everything else passes through. */
export interface LimitedPayload {
	content?: string | null;
	embeds?: readonly (APIEmbed | JSONEncodable<APIEmbed>)[];
}

/**
 * Cuts a reply, edit or message to fit every limit Discord sets on it, marking cut text with "…"
 * (at a word boundary where there is one); every reply the bot sends goes through this.
 */
export function withinDiscordLimits<Payload extends LimitedPayload>(payload: Payload): Payload {
	const fitted: LimitedPayload = { ...payload };
	if (typeof payload.content === 'string') fitted.content = cutText(payload.content, DISCORD_LIMITS.content);
	if (payload.embeds !== undefined) fitted.embeds = fitEmbeds(payload.embeds.map((embed) => (isJSONEncodable(embed) ? embed.toJSON() : embed)));
	return fitted as Payload;
}

/** Fits each text to its own limit and to what is left of the 6,000 shared by all embeds, in reading order; drops what no longer fits. */
function fitEmbeds(embeds: readonly APIEmbed[]): APIEmbed[] {
	let left: number = DISCORD_LIMITS.embedsTotal;
	const take = (text: string, limit: number): string | undefined => {
		const room = Math.min(limit, left);
		// cutText needs room for at least its "…".
		if (room < 1) return undefined;
		const cut = cutText(text, room);
		left -= [...cut].length;
		return cut;
	};
	const fitted: APIEmbed[] = [];
	for (const embed of embeds.slice(0, DISCORD_LIMITS.embeds)) {
		if (left < 1) break;
		const { title, description, fields, footer, author, ...rest } = embed;
		const next: APIEmbed = { ...rest };
		const fittedTitle = title === undefined ? undefined : take(title, DISCORD_LIMITS.title);
		if (fittedTitle !== undefined) next.title = fittedTitle;
		const authorName = author === undefined ? undefined : take(author.name, DISCORD_LIMITS.author);
		if (author !== undefined && authorName !== undefined) next.author = { ...author, name: authorName };
		const fittedDescription = description === undefined ? undefined : take(description, DISCORD_LIMITS.description);
		if (fittedDescription !== undefined) next.description = fittedDescription;
		if (fields !== undefined) next.fields = fitFields(fields, take);
		const footerText = footer === undefined ? undefined : take(footer.text, DISCORD_LIMITS.footer);
		if (footer !== undefined && footerText !== undefined) next.footer = { ...footer, text: footerText };
		fitted.push(next);
	}
	return fitted;
}

function fitFields(fields: readonly APIEmbedField[], take: (text: string, limit: number) => string | undefined): APIEmbedField[] {
	const fitted: APIEmbedField[] = [];
	for (const field of fields.slice(0, DISCORD_LIMITS.fields)) {
		const name = take(field.name || BLANK_FIELD_TEXT, DISCORD_LIMITS.fieldName);
		const value = name === undefined ? undefined : take(field.value || BLANK_FIELD_TEXT, DISCORD_LIMITS.fieldValue);
		if (name === undefined || value === undefined) break;
		fitted.push({ ...field, name, value });
	}
	return fitted;
}
