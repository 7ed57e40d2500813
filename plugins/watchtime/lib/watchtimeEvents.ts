import type { GuildContext } from '#core';

/**
 * The client event a counted minute becomes, for other plugins (raffles pays watch hours from it):
 * `run(tickAt, context)` in a listener, once per server and minute the tick counted (its viewers'
 * `last_active` is `tickAt`). It is said after the minute is stored; a listener's failure is its own.
 */
export const WatchtimeEvents = { MinuteCounted: 'watchtimeMinuteCounted' } as const;

declare module 'discord.js' {
	interface ClientEvents {
		watchtimeMinuteCounted: [tickAt: Date, context: GuildContext];
	}
}
