import type { GuildContext } from '#core';

/**
 * Tells the server's moderators in its `link_log_channel_id`, through the outbox (`key` names the
 * event, so it is posted once). False when no channel is set, or the one set is gone.
 */
export async function postToLinkLog(context: Pick<GuildContext, 'settings' | 'postInChannel'>, content: string, key: string): Promise<boolean> {
	const channelId = context.settings.get('link_log_channel_id');
	if (channelId === null) return false;
	try {
		await context.postInChannel(channelId, { content }, { key: `linking:log:${key}`, kind: 'alert' });
		return true;
	} catch (error) {
		// postInChannel refuses a channel that is not (any more) one of this server's.
		if (error instanceof TypeError) return false;
		throw error;
	}
}
