import { definePlugin, setting } from '#core';
import { ShopRepository } from './lib/ShopRepository.js';

export default definePlugin({
	name: 'shop',
	description:
		'The point shop per server: items bought with points (stock, per-user limits, requirements, a question), a shop message, a queue of orders for moderators, raffle ticket items, !shop and !redeem in Kick chat.',
	settings: {
		shop_orders_channel_id: setting.textChannel('Where new shop orders are posted for the moderators who fulfil them.')
	},
	repositories: { shop: ShopRepository },
	dashboardAreas: ['point_shop'],
	dependsOn: ['points', 'linking', 'watchtime', 'raffles']
});

declare module '#core' {
	interface PluginRepositories {
		shop: ShopRepository;
	}
	interface SettingTypes {
		shop_orders_channel_id: string | null;
	}
}
