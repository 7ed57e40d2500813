import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { setRequestsOpen } from '../lib/slotActions.js';

const noData = z.object({}).passthrough();
type NoData = z.infer<typeof noData>;

/** `dashboard:slot_requests` `open`: opens the named server's slot requests, as the panel's button does. */
@ApplyOptions<DashboardAction.Options>({ area: 'slot_requests', action: 'open', data: noData })
export class OpenSlotRequests extends DashboardAction<NoData> {
	public override async handle(_data: NoData, context: GuildContext): Promise<void> {
		const log = (line: string) => this.container.logger.warn(line);
		this.container.logger.info(`Slot requests: the dashboard's open in server ${context.guildId}: ${await setRequestsOpen(context, true, log)}`);
	}
}
