import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { slotsChanged } from '../lib/panel.js';

const noData = z.object({}).passthrough();
type NoData = z.infer<typeof noData>;

/** `dashboard:slot_requests` `reload`: the dashboard changed the named server's requests or catalogue itself; its panel and overlays show them again. */
@ApplyOptions<DashboardAction.Options>({ area: 'slot_requests', action: 'reload', data: noData })
export class ReloadSlotRequests extends DashboardAction<NoData> {
	public override handle(_data: NoData, context: GuildContext): Promise<void> {
		slotsChanged(context, (line) => this.container.logger.warn(line));
		return Promise.resolve();
	}
}
