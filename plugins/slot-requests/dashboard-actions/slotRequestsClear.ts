import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { clearQueue } from '../lib/slotActions.js';

const noData = z.object({}).passthrough();
type NoData = z.infer<typeof noData>;

/** `dashboard:slot_requests` `clear`: removes the named server's open requests. */
@ApplyOptions<DashboardAction.Options>({ area: 'slot_requests', action: 'clear', data: noData })
export class ClearSlotRequests extends DashboardAction<NoData> {
	public override async handle(_data: NoData, context: GuildContext): Promise<void> {
		const log = (line: string) => this.container.logger.warn(line);
		this.container.logger.info(`Slot requests: the dashboard's clear in server ${context.guildId}: ${await clearQueue(context, log)}`);
	}
}
