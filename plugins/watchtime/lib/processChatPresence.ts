import { container } from '@sapphire/framework';
import { whenBotStops } from '#core';
import { ChatPresence } from './ChatPresence.js';

/** While Redis stays away, every flush fails: say so once a minute. */
const WARN_EVERY_MS = 60_000;
let lastWarning = Number.NEGATIVE_INFINITY;

/** This process's presence: the chat listener records into it, the tick flushes it first. */
export const chatPresence = new ChatPresence({
	onFlushError: (error) => {
		if (Date.now() - lastWarning < WARN_EVERY_MS) return;
		lastWarning = Date.now();
		container.logger.warn('Watch time: could not push chat presence to Redis; keeping it for the next try:', error);
	},
	onLinksError: (guildId, error) =>
		container.logger.warn(`Watch time: could not read the links of server ${guildId}; its chatters count as their Kick accounts for now:`, error)
});

// What was recorded since the last flush goes to Redis before the bot closes it.
whenBotStops(() => chatPresence.close());
