import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { openRound } from '../lib/roundActions.js';

const openData = z.object({});
type OpenData = z.infer<typeof openData>;

/** `dashboard:gtb` `open`: opens a round in the named server, as /gtb open does. */
@ApplyOptions<DashboardAction.Options>({ area: 'gtb', action: 'open', data: openData })
export class GtbOpen extends DashboardAction<OpenData> {
	public override async handle(_data: OpenData, context: GuildContext): Promise<void> {
		const answer = await openRound(context, null, (line) => this.container.logger.warn(line));
		this.container.logger.info(`Dashboard gtb open, server ${context.guildId}: ${answer.line}`);
	}
}
