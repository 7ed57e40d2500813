/**
 * The Kick events the bot acts on, the same whichever reader (signed webhook or chat socket)
 * received them. Ids are kept as strings of digits, whatever JSON type Kick used, so they compare and store as one thing.
 */

export interface KickBadge {
	readonly text: string;
	readonly type: string;
	readonly count?: number;
}

/** A Kick user as events describe them. */
export interface KickUser {
	readonly userId: string;
	readonly username: string;
	/** The user's own channel slug, when Kick sends it. */
	readonly channelSlug: string | null;
}

/** A chatter: a user with the badges they hold in this channel. */
export interface KickChatter extends KickUser {
	readonly badges: readonly KickBadge[];
}

interface KickEventBase {
	/** The Kick channel (broadcaster user id) the event belongs to. */
	readonly broadcasterUserId: string;
	/**
	 * Identifies this event across readers and deliveries, so it is processed once: the chat
	 * message id for chat, else Kick-Event-Message-Id (webhooks) or a key built from the socket event.
	 */
	readonly eventKey: string;
	readonly receivedVia: 'webhook' | 'socket';
	readonly at: Date;
}

export interface KickChatMessageEvent extends KickEventBase {
	readonly type: 'chat.message.sent';
	readonly messageId: string;
	readonly sender: KickChatter;
	/** As sent, emotes inline as `[emote:id:name]`. */
	readonly content: string;
	readonly repliesTo: { readonly messageId: string; readonly content: string; readonly sender: KickUser } | null;
}

export interface KickFollowEvent extends KickEventBase {
	readonly type: 'channel.followed';
	readonly follower: KickUser;
}

export interface KickNewSubscriptionEvent extends KickEventBase {
	readonly type: 'channel.subscription.new';
	readonly subscriber: KickUser;
	readonly duration: number;
	/** When this subscription ends unless renewed; null when Kick did not say. */
	readonly expiresAt: Date | null;
}

export interface KickSubscriptionRenewalEvent extends KickEventBase {
	readonly type: 'channel.subscription.renewal';
	readonly subscriber: KickUser;
	readonly duration: number;
	/** When this subscription ends unless renewed again; null when Kick did not say. */
	readonly expiresAt: Date | null;
}

export interface KickGiftedSubscriptionsEvent extends KickEventBase {
	readonly type: 'channel.subscription.gifts';
	/** Null when the gifter is anonymous. */
	readonly gifter: KickUser | null;
	readonly giftees: readonly KickUser[];
	/** When the gifted subscriptions end; null when Kick did not say. */
	readonly expiresAt: Date | null;
}

export interface KickLiveStatusEvent extends KickEventBase {
	readonly type: 'livestream.status.updated';
	readonly isLive: boolean;
	readonly title: string | null;
	readonly startedAt: Date | null;
	readonly endedAt: Date | null;
}

export interface KickBanEvent extends KickEventBase {
	readonly type: 'moderation.banned';
	readonly moderator: KickUser | null;
	readonly bannedUser: KickUser;
	readonly reason: string | null;
	/** Null for a permanent ban. */
	readonly expiresAt: Date | null;
}

export interface KickKicksGiftedEvent extends KickEventBase {
	readonly type: 'kicks.gifted';
	readonly sender: KickUser;
	readonly amount: number;
	readonly giftName: string | null;
	readonly message: string | null;
}

export type KickEvent =
	| KickChatMessageEvent
	| KickFollowEvent
	| KickNewSubscriptionEvent
	| KickSubscriptionRenewalEvent
	| KickGiftedSubscriptionsEvent
	| KickLiveStatusEvent
	| KickBanEvent
	| KickKicksGiftedEvent;

export type KickEventType = KickEvent['type'];

/** The webhook events the bot subscribes to for every connected channel (all version 1). */
export const SUBSCRIBED_EVENT_TYPES = [
	'chat.message.sent',
	'channel.followed',
	'channel.subscription.new',
	'channel.subscription.renewal',
	'channel.subscription.gifts',
	'livestream.status.updated',
	'moderation.banned',
	'kicks.gifted'
] as const satisfies readonly KickEventType[];
