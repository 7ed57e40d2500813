import type { KickBadge } from '#core';
import type { CommandAccess } from './CustomCommandsRepository.js';

/** What a caller is, for custom commands: from Kick badges in chat, from the moderator rule in Discord. */
export type CallerLevel = 'everyone' | 'subscriber' | 'vip' | 'moderator' | 'broadcaster';

const RANK: Readonly<Record<CallerLevel, number>> = { everyone: 0, subscriber: 1, vip: 2, moderator: 3, broadcaster: 4 };
const REQUIRED: Readonly<Record<CommandAccess, number>> = { everyone: 0, subscribers: 1, vips: 2, moderators: 3, broadcaster: 4 };

// Founders are a channel's first subscribers; og, verified, staff and sub_gifter say nothing about this channel.
const BADGE_LEVEL = new Map<string, CallerLevel>([
	['broadcaster', 'broadcaster'],
	['moderator', 'moderator'],
	['vip', 'vip'],
	['founder', 'subscriber'],
	['subscriber', 'subscriber']
]);

/** A chatter's level from their badges; the channel's owner is the broadcaster whatever the badges say. */
export function kickCallerLevel(badges: readonly KickBadge[], isChannelOwner: boolean): CallerLevel {
	if (isChannelOwner) return 'broadcaster';
	let level: CallerLevel = 'everyone';
	for (const badge of badges) {
		const given = BADGE_LEVEL.get(badge.type);
		if (given !== undefined && RANK[given] > RANK[level]) level = given;
	}
	return level;
}

/** In Discord nobody carries Kick badges: the server's moderators may use every command, everyone else those open to everyone. */
export function discordCallerLevel(byModerator: boolean): CallerLevel {
	return byModerator ? 'broadcaster' : 'everyone';
}

/** Whether a caller of `level` may use a command open to `access` (subscribers admits VIPs, as Nightbot does). */
export function admits(access: CommandAccess, level: CallerLevel): boolean {
	return RANK[level] >= REQUIRED[access];
}

/** Moderators and the broadcaster are never held by cooldowns. */
export function bypassesCooldowns(level: CallerLevel): boolean {
	return RANK[level] >= RANK.moderator;
}
