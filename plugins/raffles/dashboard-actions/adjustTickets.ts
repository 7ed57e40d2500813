import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { answerAdjust } from '../lib/raffleAnswers.js';

const adjustData = z.object({
	/** A member's id or a Kick username. */
	who: z.string().min(1).max(100),
	source: z.enum(['bonus', 'wager']),
	/** Tickets for bonus, dollars for wager. */
	amount: z.string().min(1).max(20),
	direction: z.enum(['give', 'remove']).default('give'),
	reason: z.string().min(1).max(200),
	/** The dashboard's id for this request: every bot process gets the message, and the ticket log counts the id once. */
	id: z.string().min(1).max(100)
});
type AdjustData = z.infer<typeof adjustData>;

/** `dashboard:raffle` `adjust`: gives or removes bonus tickets, or enters a wager, in the named server's active period, once per request id. */
@ApplyOptions<DashboardAction.Options>({ area: 'raffle', action: 'adjust', data: adjustData })
export class AdjustRaffleTickets extends DashboardAction<AdjustData> {
	public override async handle(data: AdjustData, context: GuildContext): Promise<void> {
		const answer = await answerAdjust(context, {
			who: data.who,
			source: data.source,
			amount: data.amount,
			reason: data.reason,
			direction: data.direction === 'give' ? 1 : -1,
			byDiscordId: null,
			eventId: `dashboard:${data.id}`
		});
		if (answer.visibility === 'refusal') this.container.logger.warn(`Raffles: the dashboard's adjust in server ${context.guildId}: ${answer.content}`);
	}
}
