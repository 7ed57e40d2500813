import { container } from '@sapphire/framework';
import { whenBotStops } from '#core';
import { ChatLineCounter } from './ChatLineCounter.js';

/** While Redis stays away, every flush fails: say so once a minute. */
const WARN_EVERY_MS = 60_000;
let lastWarning = Number.NEGATIVE_INFINITY;

/** This process's chat line counts: the chat listener records into it, the tick flushes it first. */
export const chatLines = new ChatLineCounter({
	onFlushError: (error) => {
		if (Date.now() - lastWarning < WARN_EVERY_MS) return;
		lastWarning = Date.now();
		container.logger.warn('Timed messages: could not add chat lines to Redis; keeping them for the next try:', error);
	}
});

// Lines counted since the last flush go to Redis before the bot closes it.
whenBotStops(() => chatLines.close());
