import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { pickRequest } from '../lib/slotActions.js';

const noData = z.object({}).passthrough();
type NoData = z.infer<typeof noData>;

/** `dashboard:slot_requests` `pick`: picks a random open request of the named server, fairly, and announces it. */
@ApplyOptions<DashboardAction.Options>({ area: 'slot_requests', action: 'pick', data: noData })
export class PickSlotRequest extends DashboardAction<NoData> {
	public override async handle(_data: NoData, context: GuildContext): Promise<void> {
		const log = (line: string) => this.container.logger.warn(line);
		this.container.logger.info(`Slot requests: the dashboard's pick in server ${context.guildId}: ${await pickRequest(context, null, log)}`);
	}
}
