import { definePlugin, setting } from '#core';
import { QuotesRepository } from './lib/QuotesRepository.js';

export default definePlugin({
	name: 'quotes',
	description: 'Quotes of the community, numbered per server: /quote and !quote in Discord, !quote in Kick chat, a quote of the day in Kick chat.',
	settings: {
		quotes_daily_in_chat: setting.boolean(false, 'Posts a random quote in Kick chat once a day, soon after the stream goes live.')
	},
	repositories: { quotes: QuotesRepository },
	dashboardAreas: ['quotes']
});

declare module '#core' {
	interface PluginRepositories {
		quotes: QuotesRepository;
	}
	interface SettingTypes {
		quotes_daily_in_chat: boolean;
	}
}
