import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { MAX_WINNERS } from '../lib/drawRaffle.js';
import { answerDraw } from '../lib/raffleAnswers.js';

const drawData = z.object({ winners: z.number().int().min(1).max(MAX_WINNERS).default(1) });
type DrawData = z.infer<typeof drawData>;

/** `dashboard:raffle` `draw`: draws the named server's period (exactly once, whichever processes get the message) and announces it. */
@ApplyOptions<DashboardAction.Options>({ area: 'raffle', action: 'draw', data: drawData })
export class DrawRaffle extends DashboardAction<DrawData> {
	public override async handle(data: DrawData, context: GuildContext): Promise<void> {
		const answer = await answerDraw(context, data.winners, null, (line) => this.container.logger.warn(line));
		this.container.logger.info(`Raffles: the dashboard's draw in server ${context.guildId}: ${answer.content}`);
	}
}
