import type { ChatVariableProvider } from '#core';
import { describeMinutes } from './describeWatchtime.js';

/** {watchtime} and {watchtime_rank} for custom command replies: one statement for both. */
export const watchtimeChatVariables: ChatVariableProvider = {
	variables: {
		watchtime: 'how long the viewer watched here, e.g. 2 h 5 min (their linked account’s when they linked one)',
		watchtime_rank: 'the viewer’s place on the watch-time leaderboard, e.g. #3 (unranked without watch time)'
	},
	async resolve({ viewer }, context) {
		const standing = await context.db.watchtime.standingOfViewer(viewer);
		if (standing.name === null) return { watchtime: 'not linked', watchtime_rank: 'not linked' };
		return {
			watchtime: describeMinutes(standing.minutes),
			watchtime_rank: standing.rank === null ? 'unranked' : `#${standing.rank.toLocaleString('en-US')}`
		};
	}
};
