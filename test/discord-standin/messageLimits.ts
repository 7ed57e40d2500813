import type { APIEmbed } from 'discord-api-types/v10';
import type { MessageBody } from './messagePayloads.js';
import { RestError } from './Router.js';

/** Discord's limits on a message a bot sends or edits; lengths count code points, as Discord's API does. */
export const MESSAGE_LIMITS = {
	content: 2000,
	embeds: 10,
	title: 256,
	description: 4096,
	fields: 25,
	fieldName: 256,
	fieldValue: 1024,
	footer: 2048,
	author: 256,
	embedsTotal: 6000
} as const;

/** One node of Discord's `errors` tree: `{ _errors: [...] }` at a leaf, keyed by field name or index above. */
export interface FormErrors {
	[key: string]: FormErrors | { code: string; message: string }[];
}

export function codePoints(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

const tooLong = (limit: number) => ({ _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` }] });
const required = () => ({ _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] });

/**
 * What Discord says about a message body that breaks its limits: the `errors` tree of its
 * 400 "Invalid Form Body" (code 50035) answer, or undefined when the body fits.
 */
export function messageLimitErrors(body: MessageBody): FormErrors | undefined {
	const errors: FormErrors = {};
	if (typeof body.content === 'string' && codePoints(body.content) > MESSAGE_LIMITS.content) errors.content = tooLong(MESSAGE_LIMITS.content);
	const embeds = body.embeds ?? [];
	if (embeds.length > MESSAGE_LIMITS.embeds) errors.embeds = tooLong(MESSAGE_LIMITS.embeds);
	else {
		const embedErrors: FormErrors = {};
		for (const [index, embed] of embeds.entries()) {
			const found = embedLimitErrors(embed);
			if (found) embedErrors[index] = found;
		}
		if (Object.keys(embedErrors).length > 0) errors.embeds = embedErrors;
		else if (embeds.reduce((sum, embed) => sum + embedLength(embed), 0) > MESSAGE_LIMITS.embedsTotal) {
			errors.embeds = { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${MESSAGE_LIMITS.embedsTotal}` }] };
		}
	}
	return Object.keys(errors).length > 0 ? errors : undefined;
}

function embedLimitErrors(embed: APIEmbed): FormErrors | undefined {
	const errors: FormErrors = {};
	const check = (name: string, text: string | undefined, limit: number) => {
		if (text !== undefined && codePoints(text) > limit) errors[name] = tooLong(limit);
	};
	check('title', embed.title, MESSAGE_LIMITS.title);
	check('description', embed.description, MESSAGE_LIMITS.description);
	if (embed.footer) check('footer', embed.footer.text, MESSAGE_LIMITS.footer);
	if (embed.author) check('author', embed.author.name, MESSAGE_LIMITS.author);
	const fields = embed.fields ?? [];
	if (fields.length > MESSAGE_LIMITS.fields) errors.fields = tooLong(MESSAGE_LIMITS.fields);
	else {
		const fieldErrors: FormErrors = {};
		for (const [index, field] of fields.entries()) {
			const found: FormErrors = {};
			if (!field.name) found.name = required();
			else if (codePoints(field.name) > MESSAGE_LIMITS.fieldName) found.name = tooLong(MESSAGE_LIMITS.fieldName);
			if (!field.value) found.value = required();
			else if (codePoints(field.value) > MESSAGE_LIMITS.fieldValue) found.value = tooLong(MESSAGE_LIMITS.fieldValue);
			if (Object.keys(found).length > 0) fieldErrors[index] = found;
		}
		if (Object.keys(fieldErrors).length > 0) errors.fields = fieldErrors;
	}
	return Object.keys(errors).length > 0 ? errors : undefined;
}

/** The characters Discord counts towards the 6,000 of all embeds of a message. */
export function embedLength(embed: APIEmbed): number {
	const texts = [
		embed.title,
		embed.description,
		embed.footer?.text,
		embed.author?.name,
		...(embed.fields ?? []).flatMap((field) => [field.name, field.value])
	];
	return texts.reduce((sum, text) => sum + (typeof text === 'string' ? codePoints(text) : 0), 0);
}

/**
 * Refuses a body as Discord does: 400 "Invalid Form Body" (50035) naming what is too long.
 * `under` nests the errors as Discord does for interaction callbacks (`data`).
 */
export function requireWithinLimits(body: MessageBody, under?: string): void {
	const errors = messageLimitErrors(body);
	if (errors) throw new RestError(400, 50035, 'Invalid Form Body', under === undefined ? errors : { [under]: errors });
}

/** What a message shows, to tell an empty one. */
export interface MessageParts {
	readonly content?: string | null;
	readonly embeds?: readonly unknown[] | null;
	readonly components?: readonly unknown[] | null;
	readonly attachments?: readonly unknown[] | null;
}

/** A message with nothing to show (no content, embed, component or file): Discord refuses to send it or to edit a message into it. */
export function requireNotEmpty(message: MessageParts): void {
	if (!message.content && !message.embeds?.length && !message.components?.length && !message.attachments?.length) {
		throw new RestError(400, 50006, 'Cannot send an empty message');
	}
}
