/*
 * The page buttons carry what their handler needs in their custom id (the page, and whose
 * history), so they keep working after a restart and on any bot process.
 */

/** Previous and next under the leaderboard: `watchtime:top:<page>`. */
export const TOP_PAGE_BUTTON = /^watchtime:top:(\d{1,7})$/;
/** Previous and next under a viewer's history: `watchtime:history:<Kick name>:<page>`. */
export const HISTORY_PAGE_BUTTON = /^watchtime:history:([a-z0-9_]{1,25}):(\d{1,7})$/;

export const topPageId = (page: number) => `watchtime:top:${page}`;

/** The custom ids of a history's pages, or null for a name a custom id cannot carry (a legacy name): that history has no buttons. */
export function historyPageIds(username: string): ((page: number) => string) | null {
	return /^[a-z0-9_]{1,25}$/.test(username) ? (page) => `watchtime:history:${username}:${page}` : null;
}
