import type { GuildContext } from '#lib/guild/GuildContext';
import type {
	KickBanEvent,
	KickChatMessageEvent,
	KickEventType,
	KickFollowEvent,
	KickGiftedSubscriptionsEvent,
	KickKicksGiftedEvent,
	KickLiveStatusEvent,
	KickNewSubscriptionEvent,
	KickSubscriptionRenewalEvent
} from '#lib/kick/events/KickEvent';

/** The Sapphire listener events a Kick event becomes, once per linked server: `run(event, context)`. */
export const KickListenerEvents = {
	ChatMessage: 'kickChatMessage',
	Follow: 'kickFollow',
	NewSubscription: 'kickNewSubscription',
	SubscriptionRenewal: 'kickSubscriptionRenewal',
	GiftedSubscriptions: 'kickGiftedSubscriptions',
	LiveStatus: 'kickLiveStatus',
	Ban: 'kickBan',
	KicksGifted: 'kickKicksGifted'
} as const;

export const LISTENER_EVENT_OF: Readonly<Record<KickEventType, (typeof KickListenerEvents)[keyof typeof KickListenerEvents]>> = {
	'chat.message.sent': KickListenerEvents.ChatMessage,
	'channel.followed': KickListenerEvents.Follow,
	'channel.subscription.new': KickListenerEvents.NewSubscription,
	'channel.subscription.renewal': KickListenerEvents.SubscriptionRenewal,
	'channel.subscription.gifts': KickListenerEvents.GiftedSubscriptions,
	'livestream.status.updated': KickListenerEvents.LiveStatus,
	'moderation.banned': KickListenerEvents.Ban,
	'kicks.gifted': KickListenerEvents.KicksGifted
};

declare module 'discord.js' {
	interface ClientEvents {
		kickChatMessage: [event: KickChatMessageEvent, context: GuildContext];
		kickFollow: [event: KickFollowEvent, context: GuildContext];
		kickNewSubscription: [event: KickNewSubscriptionEvent, context: GuildContext];
		kickSubscriptionRenewal: [event: KickSubscriptionRenewalEvent, context: GuildContext];
		kickGiftedSubscriptions: [event: KickGiftedSubscriptionsEvent, context: GuildContext];
		kickLiveStatus: [event: KickLiveStatusEvent, context: GuildContext];
		kickBan: [event: KickBanEvent, context: GuildContext];
		kickKicksGifted: [event: KickKicksGiftedEvent, context: GuildContext];
	}
}
