import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { closeRound } from '../lib/roundActions.js';

const closeData = z.object({});
type CloseData = z.infer<typeof closeData>;

/** `dashboard:gtb` `close`: closes the named server's open round and publishes its commitment, as /gtb close does. */
@ApplyOptions<DashboardAction.Options>({ area: 'gtb', action: 'close', data: closeData })
export class GtbClose extends DashboardAction<CloseData> {
	public override async handle(_data: CloseData, context: GuildContext): Promise<void> {
		const answer = await closeRound(context, (line) => this.container.logger.warn(line));
		this.container.logger.info(`Dashboard gtb close, server ${context.guildId}: ${answer.line}`);
	}
}
