import type { ChatVariableProvider } from '#core';
import { formatDuration } from './describeUptime.js';

/** {uptime} and {title} for custom command replies, from the live status Kick reported (as !uptime reads it): one statement for both. */
export const kickChatVariables: ChatVariableProvider = {
	variables: {
		uptime: 'how long the stream has been live, e.g. 2h 5m (offline, or not live yet before Kick first said)',
		title: 'the stream’s title while live (offline when it is not)'
	},
	async resolve(_request, context) {
		const connection = await context.db.kickConnection.get();
		if (connection?.isLive !== true) return { uptime: connection?.isLive === null ? 'not live yet' : 'offline', title: 'offline' };
		return {
			uptime: connection.liveSince === null ? 'live' : formatDuration(Date.now() - connection.liveSince.getTime()),
			title: connection.liveTitle ?? 'untitled'
		};
	}
};
