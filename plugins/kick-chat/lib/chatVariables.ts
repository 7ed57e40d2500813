import type { ChatVariableProvider } from '#core';
import { formatDuration } from './describeUptime.js';

/** {uptime} and {title} for custom command replies, from the live status Kick reported: one statement for both. */
export const kickChatVariables: ChatVariableProvider = {
	variables: {
		uptime: 'how long the stream has been live, e.g. 2h 5m (offline when it is not)',
		title: 'the stream’s title while live (offline when it is not)'
	},
	async resolve(_request, context) {
		const connection = await context.db.kickConnection.get();
		if (connection?.isLive !== true) return { uptime: 'offline', title: 'offline' };
		return {
			uptime: connection.liveSince === null ? 'live' : formatDuration(Date.now() - connection.liveSince.getTime()),
			title: connection.liveTitle ?? 'untitled'
		};
	}
};
