import type { ChatVariableProvider } from '#core';

const count = new Intl.NumberFormat('en-US');

/** {points} and {points_rank} for custom command replies: one statement for both. */
export const pointsChatVariables: ChatVariableProvider = {
	variables: {
		points: 'the viewer’s points here, e.g. 1,250 (their linked account’s when they linked one)',
		points_rank: 'the viewer’s place on the points leaderboard, e.g. #3 (unranked without points)'
	},
	async resolve({ viewer }, context) {
		const standing = await context.db.points.standingOfViewer(viewer);
		if (standing.name === null) return { points: 'not linked', points_rank: 'not linked' };
		const balance = standing.balance ?? 0;
		// A row at 0 (watch time counted before the first points) is no place on the leaderboard.
		return { points: count.format(balance), points_rank: standing.rank === null || balance <= 0 ? 'unranked' : `#${count.format(standing.rank)}` };
	}
};
