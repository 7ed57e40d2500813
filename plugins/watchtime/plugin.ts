import { definePlugin, setting } from '#core';
import { WatchtimeRepository } from './lib/WatchtimeRepository.js';
import { watchtimeChatVariables } from './lib/chatVariables.js';

export default definePlugin({
	name: 'watchtime',
	description: 'Watch time estimated from Kick chat presence while live, per server: /watchtime, its leaderboard and history, !watchtime in Kick chat.',
	settings: {
		tracking_enabled: setting.boolean(
			true,
			'Counts watch time: every minute the stream is live, each viewer who chatted in the last 2 minutes gains a minute.'
		),
		tracking_force_override: setting.boolean(false, 'Counts watch time as if the stream were live, whatever Kick or the chat says.'),
		watchtime_daily_cap_minutes: setting.integer({ min: 0, max: 1440 }, 0, 'The most minutes a viewer gains per day (UTC) in this server; 0 for no cap.')
	},
	repositories: { watchtime: WatchtimeRepository },
	chatVariables: watchtimeChatVariables,
	dependsOn: ['linking']
});

declare module '#core' {
	interface PluginRepositories {
		watchtime: WatchtimeRepository;
	}
	interface SettingTypes {
		tracking_enabled: boolean;
		tracking_force_override: boolean;
		watchtime_daily_cap_minutes: number;
	}
}
