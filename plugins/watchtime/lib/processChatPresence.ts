import { container } from '@sapphire/framework';
import { ChatPresence } from './ChatPresence.js';

/** While Redis stays away, the flush fails every second: say so once a minute. */
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
