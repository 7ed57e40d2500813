import { InvalidInputError } from '#core';

/** Kick's chat takes 500 characters a message. */
export const MESSAGE_MAX_LENGTH = 500;
/** The messages one timer cycles. */
export const MAX_MESSAGES = 10;
/** A week: the longest interval. */
export const MAX_INTERVAL_MINUTES = 10_080;
export const MAX_MIN_CHAT_LINES = 100_000;
/** Timers a server may have (checked when one is added). */
export const MAX_TIMERS = 50;

/** What a timer is made of, as a command or the dashboard sets it; absent fields stay as they are. */
export interface TimerFields {
	readonly messages?: readonly string[];
	readonly intervalMinutes?: number;
	readonly enabled?: boolean;
	readonly liveOnly?: boolean;
	readonly minChatLines?: number;
	/** A Discord channel of the server it posts to as well; null for Kick chat only. */
	readonly discordChannelId?: string | null;
}

/** Characters as people count them (an emoji is one), as Kick counts its 500. */
export function characterCount(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

/**
 * The messages of a timer from what a moderator typed: one per line of a form, trimmed, empty
 * lines left out.
 */
export function messagesFromLines(text: string): string[] {
	return text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line !== '');
}

/**
 * Checks fields before anything is written.
 * @throws {InvalidInputError} with the sentence to show.
 */
export function checkTimerFields(fields: TimerFields): void {
	const { messages, intervalMinutes, minChatLines, discordChannelId } = fields;
	if (messages !== undefined) {
		if (messages.length === 0 || messages.length > MAX_MESSAGES) throw new InvalidInputError(`A timer has 1 to ${MAX_MESSAGES} messages`);
		messages.forEach((message, index) => {
			const which = messages.length === 1 ? 'The message' : `Message ${index + 1}`;
			if (message.trim() === '') throw new InvalidInputError(`${which} is empty`);
			const length = characterCount(message);
			if (length > MESSAGE_MAX_LENGTH) throw new InvalidInputError(`${which} is ${length} characters; Kick chat takes ${MESSAGE_MAX_LENGTH} at most`);
			if (message.includes('\0')) throw new InvalidInputError(`${which} holds a character Kick chat cannot show`);
		});
	}
	if (intervalMinutes !== undefined && (!Number.isSafeInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > MAX_INTERVAL_MINUTES))
		throw new InvalidInputError(`An interval is a whole number of minutes from 1 to ${MAX_INTERVAL_MINUTES} (a week)`);
	if (minChatLines !== undefined && (!Number.isSafeInteger(minChatLines) || minChatLines < 0 || minChatLines > MAX_MIN_CHAT_LINES))
		throw new InvalidInputError(`A minimum of chat lines is a whole number from 0 to ${MAX_MIN_CHAT_LINES}`);
	if (discordChannelId !== undefined && discordChannelId !== null && !/^\d{17,20}$/.test(discordChannelId))
		throw new InvalidInputError('A channel is one of this server’s text channels');
}
