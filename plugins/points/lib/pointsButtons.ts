/*
 * The page buttons carry what their handler needs in their custom id (the page, and whose
 * history), so they keep working after a restart and on any bot process; the handler reads the
 * server from the interaction, never from the id.
 */

/** Previous and next under the leaderboard: `points:leaderboard:<page>`. */
export const LEADERBOARD_PAGE_BUTTON = /^points:leaderboard:(\d{1,7})$/;
/** Previous and next under a viewer's history: `points:history:<Kick name>:<page>`. */
export const HISTORY_PAGE_BUTTON = /^points:history:([a-z0-9_]{1,25}):(\d{1,7})$/;

export const leaderboardPageId = (page: number) => `points:leaderboard:${page}`;

/** The custom ids of a history's pages, or null for a name a custom id cannot carry (a legacy name): that history has no buttons. */
export function historyPageIds(name: string): ((page: number) => string) | null {
	return /^[a-z0-9_]{1,25}$/.test(name) ? (page) => `points:history:${name}:${page}` : null;
}
