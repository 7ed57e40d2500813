import { definePlugin } from '#core';
import { TimedMessagesRepository } from './lib/TimedMessagesRepository.js';

export default definePlugin({
	name: 'timed-messages',
	description:
		'Timers that post one or several messages in turn in the server’s Kick chat (and a Discord channel) every N minutes, while live or always, after enough chat: /timer.',
	repositories: { timedMessages: TimedMessagesRepository },
	dashboardAreas: ['timed_messages']
});

declare module '#core' {
	interface PluginRepositories {
		timedMessages: TimedMessagesRepository;
	}
}
