import { KICK_CHAT_MESSAGE_LIMIT } from '#core';

/** The word right after the prefix (no space between) and the text after it; null when the message calls no command or is longer than chat allows. */
export function commandWordOf(content: string, prefix: string): { word: string; rest: string } | null {
	// Longer than anyone can type in Kick (and than any response): not a call, and not worth lexing.
	if (!content.startsWith(prefix) || content.length > 2 * KICK_CHAT_MESSAGE_LIMIT) return null;
	const match = /^(\S+)([\s\S]*)$/u.exec(content.slice(prefix.length));
	return match === null ? null : { word: match[1]!, rest: match[2]! };
}
