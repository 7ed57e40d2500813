import { definePlugin, setting } from '#core';
import { GtbRepository } from './lib/GtbRepository.js';
import { gtbOverlay } from './lib/gtbOverlay.js';

export default definePlugin({
	name: 'guess-the-balance',
	description:
		'Guess the balance per server: moderators open a round, viewers guess with !gtb 1234.56 in Kick chat, closing commits to the guess list (sha256), the final balance names the closest; /gtb and a panel.',
	settings: {
		gtb_winners: setting.integer({ min: 1, max: 10 }, 3, 'How many of the closest guesses win a round.'),
		gtb_channel_id: setting.textChannel(
			'Where guess the balance posts its commitments and winners in Discord (the slot calls channel when unset, if there is one).'
		)
	},
	repositories: { gtb: GtbRepository },
	dashboardAreas: ['gtb'],
	overlays: { gtb: gtbOverlay },
	dependsOn: ['linking']
});

declare module '#core' {
	interface PluginRepositories {
		gtb: GtbRepository;
	}
	interface SettingTypes {
		gtb_winners: number;
		gtb_channel_id: string | null;
	}
}
