import { ulid } from './ulid.js';

/** The webhook events Kick offers, all at version 1 (docs: events/event-types.md). */
export const KICK_EVENT_TYPES = [
	'chat.message.sent',
	'channel.followed',
	'channel.subscription.renewal',
	'channel.subscription.gifts',
	'channel.subscription.new',
	'channel.reward.redemption.updated',
	'livestream.status.updated',
	'livestream.metadata.updated',
	'moderation.banned',
	'kicks.gifted'
] as const;

export interface EventSubscription {
	readonly id: string;
	readonly appId: string;
	readonly broadcasterUserId: string;
	readonly event: string;
	readonly version: number;
	readonly method: 'webhook';
	readonly createdAt: Date;
}

/** Event subscriptions, per app and broadcaster, as `POST /events/subscriptions` creates them. */
export class SubscriptionStore {
	private readonly subscriptions: EventSubscription[] = [];

	public constructor(private readonly now: () => number) {}

	/** The existing subscription to the same app, broadcaster, event and version, or a new one. */
	public subscribe(appId: string, broadcasterUserId: string, event: string, version: number): EventSubscription {
		const existing = this.find(appId, broadcasterUserId, event, version);
		if (existing) return existing;
		const subscription: EventSubscription = {
			id: ulid(this.now()),
			appId,
			broadcasterUserId,
			event,
			version,
			method: 'webhook',
			createdAt: new Date(this.now())
		};
		this.subscriptions.push(subscription);
		return subscription;
	}

	public find(appId: string, broadcasterUserId: string, event: string, version = 1): EventSubscription | undefined {
		return this.list(appId, broadcasterUserId).find((subscription) => subscription.event === event && subscription.version === version);
	}

	public list(appId: string, broadcasterUserId?: string): EventSubscription[] {
		return this.subscriptions.filter(
			(subscription) => subscription.appId === appId && (broadcasterUserId === undefined || subscription.broadcasterUserId === broadcasterUserId)
		);
	}

	/** Deletes the app's subscriptions with these ids; other ids are ignored. */
	public delete(appId: string, ids: readonly string[]): void {
		for (let index = this.subscriptions.length - 1; index >= 0; index--) {
			const subscription = this.subscriptions[index]!;
			if (subscription.appId === appId && ids.includes(subscription.id)) this.subscriptions.splice(index, 1);
		}
	}
}
