import { cutText } from '@sapphire/utilities';
import { inlineCode } from 'discord.js';

/** How much of a user's text a reply repeats: enough to recognise it, never a wall. */
export const ECHO_LENGTH = 100;

/** Control, invisible and direction-changing characters, line breaks and lone surrogates: they could hide or reorder the reply around the echo. */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/**
 * User text repeated in a reply, as a code span, in which Discord renders no markdown, link or
 * mention: backticks (which would close it) become ˋ, unseen characters �, and it is cut to
 * `maxLength` characters, marked with "…".
 */
export function echoUserText(text: string, maxLength: number = ECHO_LENGTH): string {
	const shown = cutText(text, maxLength).replaceAll('`', 'ˋ').replace(UNSEEN, '\uFFFD');
	// An empty code span would show its backticks instead.
	return inlineCode(shown || ' ');
}
