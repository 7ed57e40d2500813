import { definePlugin, setting } from '#core';
import { slotOverlays } from './lib/overlays.js';
import { SlotCatalogueRepository } from './lib/SlotCatalogueRepository.js';
import { SlotHuntsRepository } from './lib/SlotHuntsRepository.js';
import { SlotRequestsRepository } from './lib/SlotRequestsRepository.js';

export default definePlugin({
	name: 'slot-requests',
	description:
		'Viewers’ slot requests per server: !sr in Kick chat checked against the catalogue, a moderators’ panel, fair picks anyone can verify, bonus hunts with their figures; /slots, /hunt, two OBS overlays.',
	settings: {
		slot_requests_enabled: setting.boolean(true, 'Whether viewers can request slots with !sr / !call (when requests are open).'),
		slot_max_requests_per_user: setting.integer({ min: 0, max: 1000 }, 0, 'Open requests one viewer may have at once (0: any number).'),
		slot_request_cooldown_seconds: setting.integer({ min: 0, max: 86_400 }, 30, 'Seconds a viewer waits between two !sr (moderators never wait).'),
		slot_prevent_duplicates: setting.boolean(false, 'Refuses a slot that is already in the open queue.'),
		slot_calls_channel_id: setting.textChannel('Where picks and results are announced (and guess-the-balance, unless it has a channel).')
	},
	repositories: { slotRequests: SlotRequestsRepository, slotCatalogue: SlotCatalogueRepository, slotHunts: SlotHuntsRepository },
	dashboardAreas: ['slot_requests'],
	overlays: slotOverlays
});

declare module '#core' {
	interface PluginRepositories {
		slotRequests: SlotRequestsRepository;
		slotCatalogue: SlotCatalogueRepository;
		slotHunts: SlotHuntsRepository;
	}
	interface SettingTypes {
		slot_requests_enabled: boolean;
		slot_max_requests_per_user: number;
		slot_request_cooldown_seconds: number;
		slot_prevent_duplicates: boolean;
		slot_calls_channel_id: string | null;
	}
}
