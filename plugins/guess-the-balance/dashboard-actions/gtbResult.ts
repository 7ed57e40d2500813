import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { enterResult } from '../lib/roundActions.js';

// The final balance as text ("1234.56", "$1,234.56") or a number of dollars with at most two decimals.
const resultData = z.object({ amount: z.union([z.string().max(30), z.number().finite()]) });
type ResultData = z.infer<typeof resultData>;

/** `dashboard:gtb` `result`: enters the final balance of the named server's closed round, once, as /gtb result does. */
@ApplyOptions<DashboardAction.Options>({ area: 'gtb', action: 'result', data: resultData })
export class GtbResult extends DashboardAction<ResultData> {
	public override async handle(data: ResultData, context: GuildContext): Promise<void> {
		const answer = await enterResult(context, String(data.amount), null, (line) => this.container.logger.warn(line));
		this.container.logger.info(`Dashboard gtb result, server ${context.guildId}: ${answer.line}`);
	}
}
