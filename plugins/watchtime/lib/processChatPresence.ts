import { container } from '@sapphire/framework';
import { ChatPresence } from './ChatPresence.js';

/** This process's presence: the chat listener records into it, the tick flushes it first. */
export const chatPresence = new ChatPresence({
	onFlushError: (error) => container.logger.warn('Watch time: could not push chat presence to Redis; keeping it for the next try:', error),
	onLinksError: (guildId, error) =>
		container.logger.warn(`Watch time: could not read the links of server ${guildId}; its chatters count as their Kick accounts for now:`, error)
});
