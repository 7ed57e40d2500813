/** Previous and next under a leaderboard page: `raffle:leaderboard:<page>` (the page travels in the id, so it works after a restart, on any process). */
export const LEADERBOARD_PAGE_BUTTON = /^raffle:leaderboard:(\d{1,7})$/;

/** The custom id of page `page` of the leaderboard. */
export const leaderboardPageId = (page: number) => `raffle:leaderboard:${page}`;
