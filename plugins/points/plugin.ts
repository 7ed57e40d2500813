import { definePlugin, setting } from '#core';
import { PointSettingsRepository } from './lib/PointSettingsRepository.js';
import { UserPointsRepository } from './lib/UserPointsRepository.js';
import { multiplierSetting } from './lib/multiplierSetting.js';
import { pointsChatVariables } from './lib/chatVariables.js';

export default definePlugin({
	name: 'points',
	description:
		'Points viewers earn per server from watch time and Kick subs, in an append-only ledger; /points, /leaderboard, !points, moderators add, remove, set and give to everyone in chat.',
	settings: {
		points_per_5min: setting.integer({ min: 0, max: 10_000 }, 1, 'Points for every 5 new minutes a viewer watched.'),
		points_sub_bonus: setting.integer({ min: 0, max: 1_000_000 }, 0, 'Points for a new Kick sub, to the subscriber (each Kick event once).'),
		points_renewal_bonus: setting.integer({ min: 0, max: 1_000_000 }, 0, 'Points for a renewed Kick sub, to the subscriber (each Kick event once).'),
		points_gift_bonus: setting.integer({ min: 0, max: 1_000_000 }, 0, 'Points for each gifted Kick sub, to the gifter (each Kick event once).'),
		points_sub_multiplier: multiplierSetting(1, 'Watch-time points are multiplied by this for Kick subscribers (rounded to whole points).')
	},
	repositories: { points: UserPointsRepository, pointSettings: PointSettingsRepository },
	chatVariables: pointsChatVariables,
	dependsOn: ['watchtime', 'linking']
});

declare module '#core' {
	interface PluginRepositories {
		points: UserPointsRepository;
		pointSettings: PointSettingsRepository;
	}
	interface SettingTypes {
		points_per_5min: number;
		points_sub_bonus: number;
		points_renewal_bonus: number;
		points_gift_bonus: number;
		points_sub_multiplier: number;
	}
}
