import type { KeyObject } from 'node:crypto';
import type { KickEventReceipts } from '#lib/database/KickEventReceipts';
import type { KickEvent } from '#lib/kick/events/KickEvent';
import { parseWebhookEvent } from '#lib/kick/webhooks/parseWebhookEvent';
import { kickEventsDuplicate, kickEventsReceived } from '#lib/metrics/metrics';
import { verifyKickWebhook } from '#lib/kick/webhooks/verifyKickWebhook';

/** The largest body taken: Kick's events are a few kilobytes. */
export const KICK_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;
/** How long Kick is asked to wait before retrying a delivery the bot could not record. */
export const KICK_WEBHOOK_RETRY_AFTER_SECONDS = 30;

export interface KickWebhookDelivery {
	/** Request headers with lower-case names, as Node gives them. */
	readonly headers: Readonly<Record<string, string | string[] | undefined>>;
	/** The body exactly as received. */
	readonly rawBody: Buffer;
}

export interface KickWebhookDependencies {
	readonly publicKey: KeyObject;
	/** How far Kick-Event-Message-Timestamp may lie from now, either way. */
	readonly maxAgeSeconds: number;
	readonly receipts: Pick<KickEventReceipts, 'claim'>;
	readonly logger: { warn(message: string): void; error(message: string, error: unknown): void };
	readonly now?: () => Date;
}

export type KickWebhookAnswerBody = { readonly status: 'accepted' | 'duplicate' | 'ignored' } | { readonly error: string };

/** What to answer Kick, and the event this delivery claimed, which the caller hands on after answering. */
export interface KickWebhookAnswer {
	/** 200 taken (or not one for the bot), 400 malformed, 401 not provably from Kick or stale, 413 too large, 503 not recorded: retry later. */
	readonly status: 200 | 400 | 401 | 413 | 503;
	readonly headers: Readonly<Record<string, string>>;
	readonly body: KickWebhookAnswerBody;
	readonly claimed: KickEvent | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What every delivery's answer shares, made once (each chat message gets one). */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const RETRY_LATER: Readonly<Record<string, string>> = Object.freeze({ 'Retry-After': String(KICK_WEBHOOK_RETRY_AFTER_SECONDS) });
const ACCEPTED: KickWebhookAnswerBody = Object.freeze({ status: 'accepted' });
const DUPLICATE: KickWebhookAnswerBody = Object.freeze({ status: 'duplicate' });

function answer(status: KickWebhookAnswer['status'], body: KickWebhookAnswerBody, claimed: KickEvent | null = null): KickWebhookAnswer {
	return { status, headers: status === 503 ? RETRY_LATER : NO_HEADERS, body, claimed };
}

/** The answer to a body over KICK_WEBHOOK_MAX_BODY_BYTES, whether it was read whole or cut off while streaming in. */
export function refuseTooLargeKickWebhook(logger: KickWebhookDependencies['logger']): KickWebhookAnswer {
	logger.warn(`Kick webhook refused (413): the body is over ${KICK_WEBHOOK_MAX_BODY_BYTES} bytes.`);
	return answer(413, { error: `the body is over ${KICK_WEBHOOK_MAX_BODY_BYTES} bytes` });
}

/**
 * One webhook delivery, from its headers and raw body to the answer; it never throws. Verified
 * on the raw body, parsed and checked field by field at this edge (ids within BIGINT, no text
 * the database refuses), then claimed by Kick-Event-Message-Id in one insert-if-absent. A
 * malformed signed delivery gets 400, which Kick does not retry; a failure to record it gets 503
 * with Retry-After and a generic body, which Kick retries. Internal errors go to the log only.
 */
export async function handleKickWebhook(delivery: KickWebhookDelivery, dependencies: KickWebhookDependencies): Promise<KickWebhookAnswer> {
	const { logger } = dependencies;
	const receivedAt = dependencies.now?.() ?? new Date();
	if (delivery.rawBody.length > KICK_WEBHOOK_MAX_BODY_BYTES) return refuseTooLargeKickWebhook(logger);
	const verified = verifyKickWebhook({
		headers: delivery.headers,
		rawBody: delivery.rawBody,
		publicKey: dependencies.publicKey,
		now: receivedAt,
		maxAgeSeconds: dependencies.maxAgeSeconds
	});
	if (!verified.ok) {
		logger.warn(`Kick webhook refused (${verified.status}): ${verified.reason}.`);
		return answer(verified.status, { error: verified.reason });
	}
	const refuse = (reason: string) => {
		logger.warn(`Kick webhook ${verified.messageId} (${verified.eventType} v${verified.eventVersion}) refused (400): ${reason}.`);
		return answer(400, { error: reason });
	};
	let body: unknown;
	try {
		body = JSON.parse(utf8.decode(delivery.rawBody));
	} catch {
		return refuse('the body is not JSON in UTF-8');
	}
	const parsed = parseWebhookEvent({
		eventType: verified.eventType,
		eventVersion: verified.eventVersion,
		messageId: verified.messageId,
		body,
		receivedAt
	});
	if (!parsed.ok) {
		if (parsed.reason !== 'unsupported') return refuse(parsed.reason);
		// An event type the bot did not ask for is acknowledged, so Kick does not retry it forever.
		logger.warn(`Kick webhook ${verified.messageId} (${verified.eventType} v${verified.eventVersion}) ignored: not an event the bot handles.`);
		return answer(200, { status: 'ignored' });
	}
	kickEventsReceived.inc('webhook');
	try {
		// One insert-if-absent records the delivery and the event (a chat message by its own id, so a resend under a new delivery id is caught too).
		const claimed = await dependencies.receipts.claim(parsed.event.eventKey, { event: parsed.event, deliveryKey: `webhook:${verified.messageId}` });
		if (!claimed) kickEventsDuplicate.inc();
		return claimed ? answer(200, ACCEPTED, parsed.event) : answer(200, DUPLICATE);
	} catch (error) {
		// The delivery was valid: not recording it is the bot's failure (the database is away), so Kick is asked to retry.
		logger.error(`Kick webhook ${verified.messageId} (${verified.eventType}) could not be recorded; answered 503 so Kick retries:`, error);
		return answer(503, { error: 'temporarily unavailable; retry later' });
	}
}
