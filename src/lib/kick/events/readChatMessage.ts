import type { KickBadge, KickChatMessageEvent, KickChatter, KickUser } from '#lib/kick/events/KickEvent';
import { isKickCount, isStorableText, KICK_EVENT_ID, kickIdOf } from '#lib/kick/events/kickFieldRules';
import { parseRfc3339 } from '#lib/kick/webhooks/verifyKickWebhook';

/*
 * The readers' fast paths for chat messages, most of what either reader receives: a message that
 * plainly fits is read here in one pass, to the very event the reader's zod schema would give.
 * Anything else (a field missing, of another type, out of range) gives null, and the schema
 * decides, with its reason for a refusal. test/kick-events/readChatMessage.property.test.ts holds
 * the two to the same answers.
 */

type JsonObject = Readonly<Record<string, unknown>>;

/** A JSON object (as z.object takes it), or null. */
function objectOf(value: unknown): JsonObject | null {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

function isText(value: unknown): value is string {
	return typeof value === 'string' && isStorableText(value);
}

function isEventId(value: unknown): value is string {
	return typeof value === 'string' && KICK_EVENT_ID.test(value);
}

/** Absent or null, as `.nullish()` takes it. */
function isAbsent(value: unknown): value is null | undefined {
	return value === undefined || value === null;
}

/** `badges` as kickBadgeSchema's array reads it (absent: none), or null when it does not plainly fit. */
function badgesOf(value: unknown): KickBadge[] | null {
	if (isAbsent(value)) return [];
	if (!Array.isArray(value)) return null;
	const badges: KickBadge[] = [];
	for (const item of value as readonly unknown[]) {
		const badge = objectOf(item);
		if (badge === null || !isText(badge.text) || !isText(badge.type)) return null;
		if (isAbsent(badge.count)) badges.push({ text: badge.text, type: badge.type });
		else if (isKickCount(badge.count)) badges.push({ text: badge.text, type: badge.type, count: badge.count });
		else return null;
	}
	return badges;
}

/** The badges of a sender's `identity` (absent: none), or null. */
function identityBadgesOf(value: unknown): KickBadge[] | null {
	if (isAbsent(value)) return [];
	const identity = objectOf(value);
	return identity === null ? null : badgesOf(identity.badges);
}

/** A user as the webhooks name one (`user_id`, `username`, `channel_slug`), or null. */
function webhookUserOf(value: unknown): KickUser | null {
	const user = objectOf(value);
	if (user === null || !isText(user.username) || user.username.length === 0) return null;
	const userId = kickIdOf(user.user_id);
	const slug = user.channel_slug;
	if (userId === null || !(isAbsent(slug) || isText(slug))) return null;
	return { userId, username: user.username, channelSlug: slug || null };
}

/** A `chat.message.sent` webhook body that plainly fits, as parseWebhookEvent's schema reads it, or null. */
export function readWebhookChatMessage(value: unknown, receivedAt: Date): KickChatMessageEvent | null {
	const body = objectOf(value);
	if (body === null || !isEventId(body.message_id) || !isText(body.content)) return null;
	const broadcaster = objectOf(body.broadcaster);
	const broadcasterUserId = broadcaster === null ? null : kickIdOf(broadcaster.user_id);
	const user = webhookUserOf(body.sender);
	const badges = user === null ? null : identityBadgesOf(objectOf(body.sender)?.identity);
	if (broadcasterUserId === null || user === null || badges === null) return null;
	let at: Date | null = null;
	if (!isAbsent(body.created_at)) {
		at = typeof body.created_at === 'string' ? parseRfc3339(body.created_at) : null;
		if (at === null) return null;
	}
	let repliesTo: KickChatMessageEvent['repliesTo'] = null;
	if (!isAbsent(body.replies_to)) {
		const reply = objectOf(body.replies_to);
		const sender = reply === null ? null : webhookUserOf(reply.sender);
		if (reply === null || sender === null || !isEventId(reply.message_id) || !isText(reply.content)) return null;
		repliesTo = { messageId: reply.message_id, content: reply.content, sender };
	}
	const sender: KickChatter = { userId: user.userId, username: user.username, channelSlug: user.channelSlug, badges };
	return {
		type: 'chat.message.sent',
		messageId: body.message_id,
		sender,
		content: body.content,
		repliesTo,
		broadcasterUserId,
		eventKey: `chat:${body.message_id}`,
		receivedVia: 'webhook',
		at: at ?? receivedAt
	};
}

/** The reply a socket message's `metadata` names, as the socket's schema reads it; undefined when it does not plainly fit. */
function socketReplyOf(value: unknown): KickChatMessageEvent['repliesTo'] | undefined {
	if (isAbsent(value)) return null;
	const metadata = objectOf(value);
	const sender = objectOf(metadata?.original_sender);
	const message = objectOf(metadata?.original_message);
	if (sender === null || message === null || !isText(sender.username) || sender.username.length === 0) return undefined;
	const userId = kickIdOf(sender.id);
	if (userId === null || !isEventId(message.id) || !isText(message.content)) return undefined;
	return { messageId: message.id, content: message.content, sender: { userId, username: sender.username, channelSlug: null } };
}

/** The `data` of a socket ChatMessageEvent that plainly fits, as readSocketEvent's schema reads it, or null. */
export function readSocketChatMessage(value: unknown, broadcasterUserId: string, receivedAt: Date): KickChatMessageEvent | null {
	const message = objectOf(value);
	if (message === null || !isEventId(message.id) || !isText(message.content)) return null;
	const sender = objectOf(message.sender);
	if (sender === null || !isText(sender.username) || sender.username.length === 0) return null;
	const userId = kickIdOf(sender.id);
	const slug = sender.slug;
	const badges = identityBadgesOf(sender.identity);
	const repliesTo = socketReplyOf(message.metadata);
	if (userId === null || !(isAbsent(slug) || isText(slug)) || badges === null || repliesTo === undefined) return null;
	const created = message.created_at;
	if (!(isAbsent(created) || typeof created === 'string')) return null;
	// Kick's socket writes ISO dates, and older payloads UTC without a zone; an unreadable one means "now".
	const at = created ? (parseRfc3339(created) ?? parseRfc3339(`${created}Z`)) : null;
	return {
		type: 'chat.message.sent',
		messageId: message.id,
		sender: { userId, username: sender.username, channelSlug: slug || null, badges },
		content: message.content,
		repliesTo,
		broadcasterUserId,
		eventKey: `chat:${message.id}`,
		receivedVia: 'socket',
		at: at ?? receivedAt
	};
}
