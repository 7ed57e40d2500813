import { definePlugin } from '#core';
import { TimedMessagesRepository } from './lib/TimedMessagesRepository.js';

export default definePlugin({
	name: 'timed-messages',
	description:
		'Messages each server posts in its Kick chat every N minutes (the data layer, shared with the dashboard; posting comes with the timed messages feature).',
	repositories: { timedMessages: TimedMessagesRepository },
	dashboardAreas: ['timed_messages']
});

declare module '#core' {
	interface PluginRepositories {
		timedMessages: TimedMessagesRepository;
	}
}
