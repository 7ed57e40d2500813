import type { GuildId } from '#lib/database/GuildId';

/** What the core's overlay server offers features: a change of a server's overlay state. Implemented with the overlay routes. */
export interface OverlayHub {
	/** The state of overlay `name` of server `guildId` changed: its open pages, in every bot process, fetch it again. */
	changed(guildId: GuildId, name: string): void;
	/** The server's overlay key is now the one with this SHA-256 (`/overlay rotate`): pages opened with another key close, in every bot process. */
	rotated(guildId: GuildId, keyHash: string): void;
}
