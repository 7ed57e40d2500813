import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { saleStatusFromDashboard } from '../lib/shopActions.js';

const saleStatusData = z.object({ sale_id: z.number().int().min(1).max(2_147_483_647), status: z.enum(['completed', 'cancelled']) });
type SaleStatusData = z.infer<typeof saleStatusData>;

/** `dashboard:point_shop` `sale_status` `{ sale_id, status }`: a sale completed or cancelled from the dashboard; the buyer is told, a cancel refunded. */
@ApplyOptions<DashboardAction.Options>({ area: 'point_shop', action: 'sale_status', data: saleStatusData })
export class ShopSaleStatus extends DashboardAction<SaleStatusData> {
	public override async handle(data: SaleStatusData, context: GuildContext): Promise<void> {
		const outcome = await saleStatusFromDashboard(context, data.sale_id, data.status, (line) => this.container.logger.warn(line));
		if (outcome === 'no such sale' || outcome.startsWith('already'))
			this.container.logger.warn(`Shop: the dashboard set sale #${data.sale_id} of server ${context.guildId} to ${data.status}, but it is ${outcome}.`);
	}
}
