import type { KickChatFailure } from '#lib/database/repositories/KickChatFailuresRepository';
import type { KickConnection } from '#lib/database/repositories/KickConnectionRepository';

export interface KickStatusFacts {
	readonly connection: KickConnection;
	readonly chatFailuresLastDay: number;
	readonly latestChatFailure: KickChatFailure | null;
	readonly pendingChat: number;
}

/** `/kick status`: what a moderator needs to see whether the link works, as embed fields. */
export function describeKickStatus(facts: KickStatusFacts): { name: string; value: string; inline?: boolean }[] {
	const { connection } = facts;
	const when = (date: Date | null) => (date === null ? 'never' : `<t:${Math.floor(date.getTime() / 1000)}:R>`);
	const live =
		connection.isLive === null ? 'not known yet' : connection.isLive ? `live${connection.liveSince ? ` since ${when(connection.liveSince)}` : ''}${connection.liveTitle ? ` — ${connection.liveTitle}` : ''}` : 'offline';
	const fields = [
		{ name: 'Channel', value: `[kick.com/${connection.channelSlug}](https://kick.com/${connection.channelSlug})`, inline: true },
		{ name: 'Stream', value: live, inline: true },
		{
			name: 'Authorisation',
			value:
				connection.needsReauthorizationSince === null
					? `working (linked ${when(connection.connectedAt)}${connection.connectedBy === null ? '' : ` by <@${connection.connectedBy}>`})`
					: `**needs /kick connect again** since ${when(connection.needsReauthorizationSince)}: ${connection.reauthorizationReason ?? 'Kick refused the tokens'}`
		},
		{
			name: 'Events',
			value: `via ${connection.eventsVia === 'webhook' ? 'signed webhooks' : 'the chat socket'}; subscriptions: ${connection.subscriptionState}${connection.subscriptionDetail ? ` (${connection.subscriptionDetail})` : ''}`
		},
		{ name: 'Last event', value: connection.lastEventAt === null ? 'none yet' : `${connection.lastEventType ?? 'event'} ${when(connection.lastEventAt)}`, inline: true },
		{
			name: 'Bot messages in chat',
			value:
				facts.chatFailuresLastDay === 0
					? `no failures in the last 24 h${facts.pendingChat > 0 ? `; ${facts.pendingChat} waiting` : ''}`
					: `**${facts.chatFailuresLastDay} not posted** in the last 24 h; latest ${when(facts.latestChatFailure?.failedAt ?? null)}: ${facts.latestChatFailure?.error ?? 'unknown error'}`,
			inline: true
		}
	];
	return fields;
}
