import type { GuildId } from '#lib/database/GuildId';

/** What the core's overlay server offers features: a change of a server's overlay state. Implemented with the overlay routes. */
export interface OverlayHub {
	/** The state of overlay `name` of server `guildId` changed: its open pages, in every bot process, fetch it again. */
	changed(guildId: GuildId, name: string): void;
}
