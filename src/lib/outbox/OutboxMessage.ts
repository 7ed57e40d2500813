/** Where a message goes: a Kick channel's chat (target: its broadcaster user id), a Discord channel (target: its id) or a Discord user's DMs (target: the user id). */
export type OutboxDestination = 'kick_chat' | 'discord_channel' | 'discord_dm';

/** What a message is; each kind has its freshness window. */
export type OutboxKind = 'reply' | 'announcement' | 'alert';

/**
 * How long after the moment it is about a message of each kind is still worth sending: an
 * answer to a chat command minutes later is noise, an announcement an hour late still informs,
 * an alert to moderators stays true for a day. Kick replies take the server's `kick_reply_max_age_seconds`.
 */
export const FRESHNESS_MS: Readonly<Record<OutboxKind, number>> = {
	reply: 2 * 60_000,
	announcement: 60 * 60_000,
	alert: 24 * 60 * 60_000
};

/** pending → sending → sent or failed; or expired, dropped (queue full), interrupted (the bot stopped mid-send: maybe posted, never repeated). */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'expired' | 'dropped' | 'interrupted';

/** The statuses a message ends in without reaching its destination, which moderators see. */
export const UNDELIVERED_STATUSES = ['failed', 'expired', 'dropped', 'interrupted'] as const satisfies readonly OutboxStatus[];

/** A message as a feature hands it over. */
export interface NewOutboxMessage {
	readonly guildId: bigint;
	readonly destination: OutboxDestination;
	readonly targetId: bigint;
	readonly kind: OutboxKind;
	/** Names the work that produced the message, so doing that work again (a recovered event, a retried task) adds nothing. */
	readonly dedupeKey: string;
	readonly content: string;
	/** Discord only: embeds and the like, sent with the content. */
	readonly payload?: Readonly<Record<string, unknown>> | undefined;
	/** Kick only: the chat message this one answers. */
	readonly replyTo?: string | undefined;
	readonly expiresAt: Date;
}

/** A message recorded in the outbox. */
export interface OutboxRecord extends NewOutboxMessage {
	readonly id: bigint;
	readonly attempts: number;
}

/** What became of one message handed to a courier. */
export type DeliveryOutcome =
	| { readonly status: 'sent'; readonly messageIds: readonly string[]; readonly attempts: number }
	| { readonly status: 'failed'; readonly error: string; readonly attempts: number }
	| { readonly status: 'expired' }
	/** Another process took the message over (this one lost its lease): it is theirs to send. */
	| { readonly status: 'lost' }
	/** Not started (the bot is stopping, or the message could not be marked as being sent): it stays pending for a later take-over. */
	| { readonly status: 'released' };

/**
 * Sends the messages of one destination, in order per target. `claim` marks the message as being
 * sent and says whether this process still owns it; the courier awaits it right before its first
 * send, so a message is sent at most once.
 */
export interface OutboxCourier {
	readonly destination: OutboxDestination;
	deliver(message: OutboxRecord, claim: () => Promise<boolean>): Promise<DeliveryOutcome>;
	/** Messages queued for one target and not yet sent. */
	waiting(targetId: bigint): number;
	/** Sends under way finish; what waits is released after `graceMs` of draining. */
	close(graceMs: number): Promise<void>;
}
