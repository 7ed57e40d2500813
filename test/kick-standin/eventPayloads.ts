import { randomUUID } from 'node:crypto';
import type { KickUserRecord } from './KickDirectory.js';

/** Webhook payloads shaped as Kick documents them (events/event-types.md, all version 1). */

export interface KickBadgePayload {
	readonly text: string;
	readonly type: string;
	readonly count?: number;
}

/** A user as most events describe one; `identity` only for chat senders. */
export interface KickEventUser {
	readonly is_anonymous: boolean;
	readonly user_id: number | null;
	readonly username: string | null;
	readonly is_verified: boolean | null;
	readonly profile_picture: string | null;
	readonly channel_slug: string | null;
	readonly identity: { readonly username_color: string; readonly badges: readonly KickBadgePayload[] } | null;
}

/** kicks.gifted and reward events describe users without `is_anonymous` and `identity`. */
export interface KickPlainEventUser {
	readonly user_id: number;
	readonly username: string;
	readonly is_verified: boolean;
	readonly profile_picture: string;
	readonly channel_slug: string;
}

function eventUser(user: KickUserRecord, identity: KickEventUser['identity'] = null): KickEventUser {
	return {
		is_anonymous: false,
		user_id: Number(user.userId),
		username: user.username,
		is_verified: user.verified,
		profile_picture: user.profilePicture,
		channel_slug: user.slug,
		identity
	};
}

/** A gifter who chose to stay anonymous: every field but `is_anonymous` is null. */
const ANONYMOUS_USER: KickEventUser = {
	is_anonymous: true,
	user_id: null,
	username: null,
	is_verified: null,
	profile_picture: null,
	channel_slug: null,
	identity: null
};

function plainUser(user: KickUserRecord): KickPlainEventUser {
	return { user_id: Number(user.userId), username: user.username, is_verified: user.verified, profile_picture: user.profilePicture, channel_slug: user.slug };
}

export interface ChatMessagePayloadInput {
	readonly broadcaster: KickUserRecord;
	readonly sender: KickUserRecord;
	/** Emotes inline as `[emote:<id>:<name>]`; `emotes` positions are computed from them. */
	readonly content: string;
	readonly badges?: readonly KickBadgePayload[];
	readonly repliesTo?: { readonly messageId: string; readonly content: string; readonly sender: KickUserRecord };
	readonly messageId?: string;
	readonly createdAt: Date;
}

export function chatMessagePayload(input: ChatMessagePayloadInput) {
	return {
		message_id: input.messageId ?? randomUUID(),
		replies_to:
			input.repliesTo === undefined
				? null
				: // Kick sends no identity for the sender of the message replied to.
					{ message_id: input.repliesTo.messageId, content: input.repliesTo.content, sender: eventUser(input.repliesTo.sender) },
		broadcaster: eventUser(input.broadcaster),
		sender: eventUser(input.sender, { username_color: usernameColor(input.sender.username), badges: input.badges ?? [] }),
		content: input.content,
		emotes: emotesOf(input.content),
		created_at: rfc3339(input.createdAt)
	};
}

export function followPayload(input: { readonly broadcaster: KickUserRecord; readonly follower: KickUserRecord }) {
	return { broadcaster: eventUser(input.broadcaster), follower: eventUser(input.follower) };
}

export interface SubscriptionPayloadInput {
	readonly broadcaster: KickUserRecord;
	readonly subscriber: KickUserRecord;
	/** Months subscribed in total. */
	readonly duration: number;
	readonly createdAt: Date;
	readonly expiresAt: Date;
}

/** channel.subscription.new and channel.subscription.renewal share this shape. */
export function subscriptionPayload(input: SubscriptionPayloadInput) {
	return {
		broadcaster: eventUser(input.broadcaster),
		subscriber: eventUser(input.subscriber),
		duration: input.duration,
		created_at: rfc3339(input.createdAt),
		expires_at: rfc3339(input.expiresAt)
	};
}

export interface SubscriptionGiftsPayloadInput {
	readonly broadcaster: KickUserRecord;
	/** Null for an anonymous gifter. */
	readonly gifter: KickUserRecord | null;
	readonly giftees: readonly KickUserRecord[];
	readonly createdAt: Date;
	readonly expiresAt: Date;
}

export function subscriptionGiftsPayload(input: SubscriptionGiftsPayloadInput) {
	return {
		broadcaster: eventUser(input.broadcaster),
		gifter: input.gifter === null ? ANONYMOUS_USER : eventUser(input.gifter),
		giftees: input.giftees.map((giftee) => eventUser(giftee)),
		created_at: rfc3339(input.createdAt),
		expires_at: rfc3339(input.expiresAt)
	};
}

export interface LivestreamStatusPayloadInput {
	readonly broadcaster: KickUserRecord;
	readonly isLive: boolean;
	readonly title: string;
	readonly startedAt: Date | null;
	/** Null while live. */
	readonly endedAt: Date | null;
}

export function livestreamStatusPayload(input: LivestreamStatusPayloadInput) {
	return {
		broadcaster: eventUser(input.broadcaster),
		is_live: input.isLive,
		title: input.title,
		started_at: input.startedAt === null ? null : rfc3339(input.startedAt),
		ended_at: input.endedAt === null ? null : rfc3339(input.endedAt)
	};
}

export interface ModerationBannedPayloadInput {
	readonly broadcaster: KickUserRecord;
	readonly moderator: KickUserRecord;
	readonly bannedUser: KickUserRecord;
	readonly reason: string;
	readonly createdAt: Date;
	/** Null for a permanent ban. */
	readonly expiresAt: Date | null;
}

export function moderationBannedPayload(input: ModerationBannedPayloadInput) {
	return {
		broadcaster: eventUser(input.broadcaster),
		moderator: eventUser(input.moderator),
		banned_user: eventUser(input.bannedUser),
		metadata: { reason: input.reason, created_at: rfc3339(input.createdAt), expires_at: input.expiresAt === null ? null : rfc3339(input.expiresAt) }
	};
}

export interface KicksGiftedPayloadInput {
	readonly broadcaster: KickUserRecord;
	readonly sender: KickUserRecord;
	readonly amount: number;
	readonly name: string;
	readonly type: string;
	readonly tier: string;
	readonly message: string;
	readonly pinnedTimeSeconds: number;
	readonly createdAt: Date;
}

export function kicksGiftedPayload(input: KicksGiftedPayloadInput) {
	return {
		broadcaster: plainUser(input.broadcaster),
		sender: plainUser(input.sender),
		gift: {
			amount: input.amount,
			name: input.name,
			type: input.type,
			tier: input.tier,
			message: input.message,
			pinned_time_seconds: input.pinnedTimeSeconds
		},
		// Kick's example of this event, unlike the others, has milliseconds.
		created_at: input.createdAt.toISOString()
	};
}

/** Kick's examples give whole seconds ("2025-01-14T16:08:06Z"). */
export function rfc3339(time: Date): string {
	return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `[emote:<id>:<name>]` occurrences as Kick lists them: per emote id, start and inclusive end offsets. */
function emotesOf(content: string): { emote_id: string; positions: { s: number; e: number }[] }[] {
	const emotes = new Map<string, { s: number; e: number }[]>();
	for (const match of content.matchAll(/\[emote:(\d+):[^\]]+\]/g)) {
		const positions = emotes.get(match[1]!) ?? [];
		positions.push({ s: match.index, e: match.index + match[0].length - 1 });
		emotes.set(match[1]!, positions);
	}
	return [...emotes].map(([emote_id, positions]) => ({ emote_id, positions }));
}

function usernameColor(username: string): string {
	const palette = ['#FF5733', '#75FD46', '#00BFFF', '#FFD700', '#BC66FF', '#FF69B4'];
	const sum = [...username].reduce((total, character) => total + character.charCodeAt(0), 0);
	return palette[sum % palette.length]!;
}
