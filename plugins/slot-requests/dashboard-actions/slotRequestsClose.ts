import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { setRequestsOpen } from '../lib/slotActions.js';

const noData = z.object({}).passthrough();
type NoData = z.infer<typeof noData>;

/** `dashboard:slot_requests` `close`: closes the named server's slot requests. */
@ApplyOptions<DashboardAction.Options>({ area: 'slot_requests', action: 'close', data: noData })
export class CloseSlotRequests extends DashboardAction<NoData> {
	public override async handle(_data: NoData, context: GuildContext): Promise<void> {
		const log = (line: string) => this.container.logger.warn(line);
		this.container.logger.info(`Slot requests: the dashboard's close in server ${context.guildId}: ${await setRequestsOpen(context, false, log)}`);
	}
}
