import { definePlugin } from '#core';
import { RaffleRepository } from './lib/RaffleRepository.js';

export default definePlugin({
	name: 'raffles',
	description: 'Raffle periods, tickets and draws per server (the data layer; draws and commands come with the raffles feature).',
	repositories: { raffles: RaffleRepository },
	dashboardAreas: ['raffle']
});

declare module '#core' {
	interface PluginRepositories {
		raffles: RaffleRepository;
	}
}
