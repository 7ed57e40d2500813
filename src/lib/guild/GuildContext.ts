import { container } from '@sapphire/framework';
import type { Guild } from 'discord.js';
import type { GuildId } from '#lib/database/GuildId';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import type { GuildSettings } from '#lib/settings/GuildSettings';

/** What a guild command works with: its server, that server's settings and that server's repositories. */
export interface GuildContext {
	readonly guildId: GuildId;
	/** Null when the bot is not in the server (an app a user installed). */
	readonly guild: Guild | null;
	readonly settings: GuildSettings;
	readonly db: GuildRepositories;
}

/** The event a command or handler runs for: an interaction or a message. */
type Source = object;

// Keyed by the interaction or message, so a context lives exactly as long as the event it was made for.
const contexts = new WeakMap<Source, GuildContext>();

/** Loads the context of one server (settings from the cache, repositories bound to it). */
export async function loadGuildContext(guildId: string, guild: Guild | null): Promise<GuildContext> {
	const settings = await container.settings.forGuild(guildId);
	return { guildId: settings.guildId, guild, settings, db: container.db.forGuild(settings.guildId) };
}

/** Binds a loaded context to the event it was loaded for (the GuildContext precondition does this). */
export function attachGuildContext(source: Source, context: GuildContext): void {
	contexts.set(source, context);
}

/**
 * The context of the server an interaction or message came from, as the GuildContext
 * precondition loaded it for this very event.
 * @throws {Error} when called for an event outside a server, or before the precondition ran.
 */
export function guildContext(source: Source): GuildContext {
	const context = contexts.get(source);
	if (context === undefined) {
		throw new Error('No GuildContext for this event: the command must run in a server (runIn: GuildAny) so the GuildContext precondition loads it.');
	}
	return context;
}
