import { definePlugin } from '#core';
import { SlotRequestsRepository } from './lib/SlotRequestsRepository.js';

export default definePlugin({
	name: 'slot-requests',
	description: 'Viewers’ slot requests per server (the data layer; !sr and the moderators’ panel come with the slot requests feature).',
	repositories: { slotRequests: SlotRequestsRepository },
	dashboardAreas: ['slot_requests']
});

declare module '#core' {
	interface PluginRepositories {
		slotRequests: SlotRequestsRepository;
	}
}
