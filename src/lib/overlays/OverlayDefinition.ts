import type { GuildContext } from '#lib/guild/GuildContext';

/**
 * A browser-source page for OBS that a plugin shows for a server's stream, declared in its
 * manifest's `overlays` by name (lower-case letters, digits and dashes, unique among all plugins).
 * The core serves it at `/overlays/<server's secret key>/<name>`, sends the page the overlay's
 * state when it opens and again after each `context.overlayChanged(name)`, and shows "offline"
 * while the bot cannot be reached.
 */
export interface OverlayDefinition {
	/** What moderators see in `/overlay urls`, e.g. "Slot requests: the queue and the current pick". */
	readonly title: string;
	/** The overlay's state for the server now, as JSON-able data; a few queries at most (it runs per change, not per page). */
	state(context: GuildContext): Promise<unknown>;
	/**
	 * Browser script (plain JavaScript, no imports) that defines `function render(state, root)`,
	 * drawing `state` into `root` (a `<div>` it owns; called again on each change). Text goes in
	 * with `textContent`, never `innerHTML`, so nothing a viewer typed becomes markup.
	 */
	readonly script: string;
	/** CSS for the overlay, after the core's default (transparent background, clean sans-serif, light text with a shadow). */
	readonly style?: string;
}

/** A name an overlay may have. */
export const OVERLAY_NAME = /^[a-z][a-z0-9-]{0,31}$/;
