import { definePlugin } from '#core';
import { PointSettingsRepository } from './lib/PointSettingsRepository.js';
import { UserPointsRepository } from './lib/UserPointsRepository.js';

export default definePlugin({
	name: 'points',
	description:
		'Points viewers earn per server: balances and point settings (the data layer; earning, /points and the leaderboard come with the points feature).',
	repositories: { points: UserPointsRepository, pointSettings: PointSettingsRepository }
});

declare module '#core' {
	interface PluginRepositories {
		points: UserPointsRepository;
		pointSettings: PointSettingsRepository;
	}
}
