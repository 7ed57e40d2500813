import type { ChatVariableProvider } from '#core';
import { chance } from './describeRaffle.js';

/** {tickets} and {raffle_chance} for custom command replies: one statement for both. */
export const raffleChatVariables: ChatVariableProvider = {
	variables: {
		tickets: 'the viewer’s tickets in the running raffle, e.g. 12 (no raffle when none is running)',
		raffle_chance: 'the viewer’s chance to win the running raffle, e.g. 12.5%'
	},
	async resolve({ viewer }, context) {
		const standing = await context.db.raffles.activeTicketsOfViewer(viewer);
		if (standing === null) return { tickets: 'no raffle', raffle_chance: 'no raffle' };
		return { tickets: standing.tickets.toLocaleString('en-US'), raffle_chance: chance(standing.tickets, standing.total) };
	}
};
