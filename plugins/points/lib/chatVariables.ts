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
		return { points: count.format(standing.balance ?? 0), points_rank: standing.rank === null ? 'unranked' : `#${count.format(standing.rank)}` };
	}
};
