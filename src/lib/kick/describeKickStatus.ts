import type { ParkedKickEvents } from '#lib/database/KickEventReceipts';
import type { KickConnection } from '#lib/database/repositories/KickConnectionRepository';
import type { OutboxSummary } from '#lib/database/repositories/OutboxRepository';
import { UNDELIVERED_STATUSES } from '#lib/outbox/OutboxMessage';

export interface KickStatusFacts {
	readonly connection: KickConnection;
	/** The server's Kick chat messages of the last 24 hours. */
	readonly chat: OutboxSummary;
	/** Its channel's events parked in the last 24 hours. */
	readonly parked: ParkedKickEvents;
	/** What the operator must set first (see explainKickUnavailable): a link made earlier then receives nothing. */
	readonly unavailable?: string;
}

/** Why this bot cannot link a server to Kick yet, as its operator fixes it: Kick is off, or Kick is on without a PUBLIC_URL. */
export function explainKickUnavailable(kickOn: boolean): string {
	if (!kickOn) {
		return 'The Kick connection is off on this bot: its operator sets `KICK_CLIENT_ID` and `KICK_CLIENT_SECRET` (a Kick app), `TOKEN_ENCRYPTION_KEY` and `PUBLIC_URL`, and restarts it.';
	}
	return 'This bot has no public address for Kick to send the authorisation back to: its operator sets `PUBLIC_URL` and restarts it.';
}

/** `/kick status` of a server without a link: how a moderator makes one, or, when `unavailable` says why they cannot, that. */
export function describeUnlinked(unavailable: string | undefined, connectCommand: string): string {
	return `This server is not linked to a Kick channel. ${unavailable ?? `A moderator links it with \`${connectCommand}\`.`}`;
}

const UNDELIVERED_WORDS: Readonly<Record<(typeof UNDELIVERED_STATUSES)[number], string>> = {
	failed: 'refused by Kick',
	expired: 'expired (too late to be worth posting)',
	dropped: 'dropped (queue full)',
	interrupted: 'cut short by a stop (maybe posted)'
};

/** `/kick status`: what a moderator needs to see whether the link works, as embed fields. */
export function describeKickStatus(facts: KickStatusFacts): { name: string; value: string; inline?: boolean }[] {
	const { connection } = facts;
	const when = (date: Date | null) => (date === null ? 'never' : `<t:${Math.floor(date.getTime() / 1000)}:R>`);
	const live =
		connection.isLive === null
			? 'not known yet'
			: connection.isLive
				? `live${connection.liveSince ? ` since ${when(connection.liveSince)}` : ''}${connection.liveTitle ? ` — ${connection.liveTitle}` : ''}`
				: 'offline';
	const fields = [
		...(facts.unavailable === undefined ? [] : [{ name: 'Kick on this bot', value: facts.unavailable }]),
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
		{
			name: 'Last event',
			value: connection.lastEventAt === null ? 'none yet' : `${connection.lastEventType ?? 'event'} ${when(connection.lastEventAt)}`,
			inline: true
		},
		{ name: 'Bot messages in chat', value: describeChat(facts.chat, when), inline: true },
		...(facts.parked.count === 0
			? []
			: [
					{
						name: 'Parked events',
						value: `**${facts.parked.count}** in the last 24 h: handing them over failed again and again, so they were set aside; latest ${when(facts.parked.latest?.at ?? null)}: ${facts.parked.latest?.error ?? 'unknown error'}`
					}
				])
	];
	return fields;
}

/** Sent, waiting and not posted (by why) in the last 24 hours, with the latest problem. */
function describeChat(chat: OutboxSummary, when: (date: Date | null) => string): string {
	const sent = chat.ended.sent ?? 0;
	const waiting = chat.waiting > 0 ? `; ${chat.waiting} waiting` : '';
	const problems = UNDELIVERED_STATUSES.flatMap((status) => ((chat.ended[status] ?? 0) > 0 ? [`${chat.ended[status]} ${UNDELIVERED_WORDS[status]}`] : []));
	if (problems.length === 0) return `${sent} posted in the last 24 h, none lost${waiting}`;
	const latest = chat.latestUndelivered;
	const detail = latest === null ? '' : `; latest ${when(latest.at)}: ${latest.error ?? latest.status}`;
	return `${sent} posted in the last 24 h${waiting}; **not posted: ${problems.join(', ')}**${detail}`;
}
