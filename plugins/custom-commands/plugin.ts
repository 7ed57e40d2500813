import { definePlugin } from '#core';
import { CustomCommandsRepository } from './lib/CustomCommandsRepository.js';

export default definePlugin({
	name: 'custom-commands',
	description: 'Each server’s own !commands (the data layer, shared with the dashboard; running them in chat comes with the custom commands feature).',
	repositories: { customCommands: CustomCommandsRepository },
	dashboardAreas: ['commands']
});

declare module '#core' {
	interface PluginRepositories {
		customCommands: CustomCommandsRepository;
	}
}
