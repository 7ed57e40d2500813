import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { refreshShop } from '../lib/shopActions.js';

const itemsChangedData = z.object({ item_id: z.number().int().min(1).max(2_147_483_647).optional() });
type ItemsChangedData = z.infer<typeof itemsChangedData>;

/** `dashboard:point_shop` `items_changed`: the dashboard changed items; the shop message shows them as they are now. */
@ApplyOptions<DashboardAction.Options>({ area: 'point_shop', action: 'items_changed', data: itemsChangedData })
export class ShopItemsChanged extends DashboardAction<ItemsChangedData> {
	public override async handle(_data: ItemsChangedData, context: GuildContext): Promise<void> {
		await refreshShop(context, (line) => this.container.logger.warn(line));
	}
}
