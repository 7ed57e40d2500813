import type { Message } from 'discord.js';
import type { GuildContext } from '#lib/guild/GuildContext';

/** Discord events the core hands plugins with the server's context: `run(payload, context)`. */
export const GuildListenerEvents = {
	/** A message in a server starts with its prefix and a word no Discord command answers to (a server's own commands may). */
	UnknownPrefixCommand: 'guildUnknownPrefixCommand'
} as const;

export interface UnknownPrefixCommand {
	readonly message: Message<true>;
	/** The word after the prefix, as typed. */
	readonly commandName: string;
	/** The text after the word. */
	readonly rest: string;
	/** Whether the author is one of the server's moderators (Manage Server or its moderator role). */
	readonly byModerator: boolean;
}

declare module 'discord.js' {
	interface ClientEvents {
		guildUnknownPrefixCommand: [command: UnknownPrefixCommand, context: GuildContext];
	}
}
