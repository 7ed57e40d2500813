import { z } from 'zod';
import { SUBSCRIBED_EVENT_TYPES, type KickBadge, type KickEvent, type KickUser } from '#lib/kick/events/KickEvent';
import { isStorableText, KICK_EVENT_ID, kickIdOf } from '#lib/kick/events/kickFieldRules';
import { readWebhookChatMessage } from '#lib/kick/events/readChatMessage';
import { parseRfc3339 } from '#lib/kick/webhooks/verifyKickWebhook';

export interface ParseWebhookEventOptions {
	/** Kick-Event-Type, Kick-Event-Version and Kick-Event-Message-Id of the verified delivery. */
	readonly eventType: string;
	readonly eventVersion: string;
	readonly messageId: string;
	/** The JSON-parsed body. */
	readonly body: unknown;
	readonly receivedAt: Date;
}

/** `reason` is exactly 'unsupported' for an event type or version the bot does not read, else it names the field that does not fit. */
export type ParsedWebhookEvent = { readonly ok: true; readonly event: KickEvent } | { readonly ok: false; readonly reason: string };

const KICK_ID_ERROR = 'expected an id (a whole number from 0 to 2^63 - 1, or a string of its digits)';

/**
 * A Kick id: a JSON number as Kick's webhooks send it (only exact integers), or a string of
 * digits; kept as canonical digits (no leading zeros), so two spellings of one id compare equal.
 */
export const kickIdSchema = z.union([z.number(), z.string()], { error: KICK_ID_ERROR }).transform((value, context) => {
	const id = kickIdOf(value);
	if (id === null) {
		context.addIssue({ code: 'custom', message: KICK_ID_ERROR });
		return z.NEVER;
	}
	return id;
});

/** Text the database can store: no NUL character and no lone surrogate (a delivery carrying one is refused rather than altered). */
export const kickTextSchema = z.string().refine(isStorableText, { error: 'contains a NUL character or a lone surrogate' });

/** The id of a chat message (or another event Kick names): 1 to 128 printable ASCII characters, so it fits a database key whatever Kick sends. */
export const kickEventIdSchema = z.string().regex(KICK_EVENT_ID, { error: 'expected an event id (1 to 128 printable ASCII characters)' });

/** A count Kick sends (months, kicks): a whole number that fits a PostgreSQL INTEGER. */
const kickCountSchema = z.number().int().min(0).max(2_147_483_647);

export const kickBadgeSchema = z
	.object({ text: kickTextSchema, type: kickTextSchema, count: kickCountSchema.nullish() })
	.transform(({ text, type, count }): KickBadge => (count === null || count === undefined ? { text, type } : { text, type, count }));

/** An RFC 3339 date-time, as a Date. */
const kickTimestampSchema = z.string().transform((text, context) => {
	const date = parseRfc3339(text);
	// The text is not quoted back: the reason goes into the answer and the log, and a hostile body could make it any length.
	if (date === null) context.addIssue({ code: 'custom', message: 'not an RFC 3339 date-time' });
	return date ?? z.NEVER;
});

const userFields = { user_id: kickIdSchema, username: kickTextSchema.min(1), channel_slug: kickTextSchema.nullish() };

function toUser(user: { user_id: string; username: string; channel_slug?: string | null | undefined }): KickUser {
	return { userId: user.user_id, username: user.username, channelSlug: user.channel_slug || null };
}

const userSchema = z.object(userFields).transform(toUser);
const broadcasterSchema = z.object({ user_id: kickIdSchema });

/** Kick nulls every field of an anonymous gifter: keep none of them. */
const gifterSchema = z
	.discriminatedUnion('is_anonymous', [
		z.object({ is_anonymous: z.literal(true) }).transform(() => null),
		z.object({ is_anonymous: z.literal(false), ...userFields }).transform(toUser)
	])
	.nullable();

type BaseKey = 'broadcasterUserId' | 'eventKey' | 'receivedVia' | 'at';
type SubscribedEventType = (typeof SUBSCRIBED_EVENT_TYPES)[number];
type EventOf<T extends SubscribedEventType> = Extract<KickEvent, { type: T }>;
/** An event without the common fields, member by member. */
type EventFields<E extends KickEvent> = E extends KickEvent ? Omit<E, BaseKey> : never;

/** What a body yields: the event's own fields plus what the common fields are built from. */
interface ParsedBody<E extends KickEvent> {
	readonly broadcasterUserId: string;
	/** When Kick says the event happened; null when the body does not say (receipt time is used). */
	readonly at: Date | null;
	/** Set for chat, whose key both readers must agree on. */
	readonly eventKey?: string;
	readonly fields: EventFields<E>;
}

const bodySchemas: { readonly [T in SubscribedEventType]: z.ZodType<ParsedBody<EventOf<T>>, unknown> } = {
	'chat.message.sent': z
		.object({
			message_id: kickEventIdSchema,
			broadcaster: broadcasterSchema,
			sender: z.object({ ...userFields, identity: z.object({ badges: z.array(kickBadgeSchema).nullish() }).nullish() }),
			content: kickTextSchema,
			replies_to: z.object({ message_id: kickEventIdSchema, content: kickTextSchema, sender: userSchema }).nullish(),
			created_at: kickTimestampSchema.nullish()
		})
		.transform((body) => ({
			broadcasterUserId: body.broadcaster.user_id,
			at: body.created_at ?? null,
			eventKey: `chat:${body.message_id}`,
			fields: {
				type: 'chat.message.sent' as const,
				messageId: body.message_id,
				sender: { ...toUser(body.sender), badges: body.sender.identity?.badges ?? [] },
				content: body.content,
				repliesTo: body.replies_to ? { messageId: body.replies_to.message_id, content: body.replies_to.content, sender: body.replies_to.sender } : null
			}
		})),
	'channel.followed': z.object({ broadcaster: broadcasterSchema, follower: userSchema }).transform((body) => ({
		broadcasterUserId: body.broadcaster.user_id,
		at: null,
		fields: { type: 'channel.followed' as const, follower: body.follower }
	})),
	'channel.subscription.new': z
		.object({
			broadcaster: broadcasterSchema,
			subscriber: userSchema,
			duration: kickCountSchema.min(1),
			created_at: kickTimestampSchema.nullish(),
			expires_at: kickTimestampSchema.nullish()
		})
		.transform((body) => ({
			broadcasterUserId: body.broadcaster.user_id,
			at: body.created_at ?? null,
			fields: { type: 'channel.subscription.new' as const, subscriber: body.subscriber, duration: body.duration, expiresAt: body.expires_at ?? null }
		})),
	'channel.subscription.renewal': z
		.object({
			broadcaster: broadcasterSchema,
			subscriber: userSchema,
			duration: kickCountSchema.min(1),
			created_at: kickTimestampSchema.nullish(),
			expires_at: kickTimestampSchema.nullish()
		})
		.transform((body) => ({
			broadcasterUserId: body.broadcaster.user_id,
			at: body.created_at ?? null,
			fields: { type: 'channel.subscription.renewal' as const, subscriber: body.subscriber, duration: body.duration, expiresAt: body.expires_at ?? null }
		})),
	'channel.subscription.gifts': z
		.object({
			broadcaster: broadcasterSchema,
			gifter: gifterSchema,
			giftees: z.array(userSchema),
			created_at: kickTimestampSchema.nullish(),
			expires_at: kickTimestampSchema.nullish()
		})
		.transform((body) => ({
			broadcasterUserId: body.broadcaster.user_id,
			at: body.created_at ?? null,
			fields: { type: 'channel.subscription.gifts' as const, gifter: body.gifter, giftees: body.giftees, expiresAt: body.expires_at ?? null }
		})),
	'livestream.status.updated': z
		.object({
			broadcaster: broadcasterSchema,
			is_live: z.boolean(),
			title: kickTextSchema.nullish(),
			started_at: kickTimestampSchema.nullish(),
			ended_at: kickTimestampSchema.nullish()
		})
		.transform((body) => ({
			broadcasterUserId: body.broadcaster.user_id,
			at: (body.is_live ? body.started_at : body.ended_at) ?? null,
			fields: {
				type: 'livestream.status.updated' as const,
				isLive: body.is_live,
				title: body.title ?? null,
				startedAt: body.started_at ?? null,
				endedAt: body.ended_at ?? null
			}
		})),
	'moderation.banned': z
		.object({
			broadcaster: broadcasterSchema,
			moderator: userSchema.nullish(),
			banned_user: userSchema,
			metadata: z.object({ reason: kickTextSchema.nullish(), created_at: kickTimestampSchema.nullish(), expires_at: kickTimestampSchema.nullish() })
		})
		.transform((body) => ({
			broadcasterUserId: body.broadcaster.user_id,
			at: body.metadata.created_at ?? null,
			fields: {
				type: 'moderation.banned' as const,
				moderator: body.moderator ?? null,
				bannedUser: body.banned_user,
				reason: body.metadata.reason || null,
				expiresAt: body.metadata.expires_at ?? null
			}
		})),
	'kicks.gifted': z
		.object({
			broadcaster: broadcasterSchema,
			sender: userSchema,
			gift: z.object({ amount: kickCountSchema, name: kickTextSchema.nullish(), message: kickTextSchema.nullish() }),
			created_at: kickTimestampSchema.nullish()
		})
		.transform((body) => ({
			broadcasterUserId: body.broadcaster.user_id,
			at: body.created_at ?? null,
			fields: {
				type: 'kicks.gifted' as const,
				sender: body.sender,
				amount: body.gift.amount,
				giftName: body.gift.name || null,
				message: body.gift.message || null
			}
		}))
};

function isSubscribed(eventType: string): eventType is SubscribedEventType {
	return (SUBSCRIBED_EVENT_TYPES as readonly string[]).includes(eventType);
}

/** Turns a verified webhook delivery into the bot's typed event (events/event-types.md, all version 1). */
export function parseWebhookEvent(options: ParseWebhookEventOptions): ParsedWebhookEvent {
	// Most events are chat messages: one that plainly fits is read without the schema, which would read it alike.
	if (options.eventType === 'chat.message.sent' && options.eventVersion === '1') {
		const event = readWebhookChatMessage(options.body, options.receivedAt);
		if (event !== null) return { ok: true, event };
	}
	return parseWebhookEventBySchema(options);
}

/** What the schemas alone make of a delivery: every event but a plainly fitting chat message is read so. */
export function parseWebhookEventBySchema(options: ParseWebhookEventOptions): ParsedWebhookEvent {
	if (!isSubscribed(options.eventType) || options.eventVersion !== '1') return { ok: false, reason: 'unsupported' };
	const parsed = bodySchemas[options.eventType].safeParse(options.body);
	if (!parsed.success) return { ok: false, reason: describeIssue(parsed.error) };
	const { broadcasterUserId, at, eventKey, fields } = parsed.data;
	const event: KickEvent = {
		...fields,
		broadcasterUserId,
		eventKey: eventKey ?? `webhook:${options.messageId}`,
		receivedVia: 'webhook',
		at: at ?? options.receivedAt
	};
	return { ok: true, event };
}

/** The first problem, named by its path in the body (`giftees.0.user_id`). */
export function describeIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	if (issue === undefined) return 'invalid body';
	const path = issue.path.map(String).join('.');
	return path === '' ? `invalid body: ${issue.message}` : `invalid field ${path}: ${issue.message}`;
}
