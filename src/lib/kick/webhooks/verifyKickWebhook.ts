import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KICK_PUBLIC_KEY_PEM } from '#lib/kick/webhooks/kickPublicKey';

/**
 * Kick's webhook headers, lower-case as Node hands them over, with the name Kick documents and the
 * longest value taken (all are printable ASCII without spaces). The message id becomes a database
 * key, so it is bounded well below what a key can hold; Kick sends a 26-character ULID.
 */
export const KICK_WEBHOOK_HEADERS = {
	messageId: { name: 'kick-event-message-id', display: 'Kick-Event-Message-Id', maxLength: 128 },
	subscriptionId: { name: 'kick-event-subscription-id', display: 'Kick-Event-Subscription-Id', maxLength: 128 },
	// Base64 of an RSA signature: 344 characters for Kick's 2048-bit key, 684 for a 4096-bit one.
	signature: { name: 'kick-event-signature', display: 'Kick-Event-Signature', maxLength: 1024 },
	timestamp: { name: 'kick-event-message-timestamp', display: 'Kick-Event-Message-Timestamp', maxLength: 64 },
	eventType: { name: 'kick-event-type', display: 'Kick-Event-Type', maxLength: 64 },
	eventVersion: { name: 'kick-event-version', display: 'Kick-Event-Version', maxLength: 16 }
} as const;

const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;

type KickWebhookHeader = keyof typeof KICK_WEBHOOK_HEADERS;

export interface VerifyKickWebhookOptions {
	/** Request headers with lower-case names, as Node gives them. */
	readonly headers: Readonly<Record<string, string | string[] | undefined>>;
	/** The body exactly as received: the signature covers these bytes, not any re-serialised JSON. */
	readonly rawBody: Buffer;
	readonly publicKey: KeyObject;
	readonly now: Date;
	/** How far Kick-Event-Message-Timestamp may lie from `now`, either way, before the delivery counts as stale. */
	readonly maxAgeSeconds: number;
}

export interface VerifiedKickWebhook {
	readonly ok: true;
	readonly messageId: string;
	readonly subscriptionId: string;
	readonly eventType: string;
	readonly eventVersion: string;
	readonly timestamp: Date;
}

export interface RejectedKickWebhook {
	readonly ok: false;
	/** 400: the request is malformed; 401: it is not provably from Kick, or too old/new to trust. */
	readonly status: 400 | 401;
	readonly reason: string;
}

export type KickWebhookVerification = VerifiedKickWebhook | RejectedKickWebhook;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks a webhook delivery as Kick specifies (events/webhook-security.md): an RSA PKCS#1 v1.5
 * SHA-256 signature, base64 in Kick-Event-Signature, over `${messageId}.${timestamp}.${rawBody}`.
 * No secret is compared here (the key is public), so there is no timing side channel to close.
 */
export function verifyKickWebhook(options: VerifyKickWebhookOptions): KickWebhookVerification {
	const values = {} as Record<KickWebhookHeader, string>;
	const missing: string[] = [];
	for (const [field, header] of Object.entries(KICK_WEBHOOK_HEADERS) as [KickWebhookHeader, (typeof KICK_WEBHOOK_HEADERS)[KickWebhookHeader]][]) {
		const value = options.headers[header.name];
		if (Array.isArray(value)) return { ok: false, status: 400, reason: `header ${header.display} given more than once` };
		const text = value?.trim() ?? '';
		if (text === '') missing.push(header.display);
		else if (text.length > header.maxLength || !PRINTABLE_ASCII.test(text)) {
			return { ok: false, status: 400, reason: `header ${header.display} is not 1 to ${header.maxLength} printable ASCII characters` };
		} else values[field] = text;
	}
	if (missing.length > 0) return { ok: false, status: 400, reason: `missing header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };

	const timestamp = parseRfc3339(values.timestamp);
	if (timestamp === null) return { ok: false, status: 400, reason: `${KICK_WEBHOOK_HEADERS.timestamp.display} is not an RFC 3339 date-time` };

	if (!BASE64.test(values.signature)) return { ok: false, status: 401, reason: `${KICK_WEBHOOK_HEADERS.signature.display} is not base64` };
	// Checked before the signature so a replayed old delivery costs no RSA verification.
	if (Math.abs(options.now.getTime() - timestamp.getTime()) > options.maxAgeSeconds * 1000) {
		return { ok: false, status: 401, reason: `stale: ${KICK_WEBHOOK_HEADERS.timestamp.display} is more than ${options.maxAgeSeconds} s from now` };
	}

	// The timestamp is signed as the header text, not as the parsed date.
	const signed = Buffer.concat([Buffer.from(`${values.messageId}.${values.timestamp}.`, 'utf8'), options.rawBody]);
	let valid: boolean;
	try {
		valid = verify('sha256', signed, { key: options.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(values.signature, 'base64'));
	} catch {
		valid = false;
	}
	if (!valid) return { ok: false, status: 401, reason: 'signature does not match' };

	return {
		ok: true,
		messageId: values.messageId,
		subscriptionId: values.subscriptionId,
		eventType: values.eventType,
		eventVersion: values.eventVersion,
		timestamp
	};
}

/**
 * Kick's public key: the one bundled from Kick's docs by default, else a PEM given as text or
 * the path of a PEM file (tests sign with their own key pair). Throws when it is no RSA public key.
 */
export function loadKickPublicKey(pemOrPath?: string): KeyObject {
	const pem = pemOrPath === undefined ? KICK_PUBLIC_KEY_PEM : pemOrPath.includes('-----BEGIN') ? pemOrPath : readFileSync(pemOrPath, 'utf8');
	const key = createPublicKey(pem);
	if (key.asymmetricKeyType !== 'rsa') throw new Error(`Kick's webhook key must be an RSA public key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`);
	return key;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time (any fraction precision, as Go's RFC3339Nano writes), or null when it is not one or names no real date. */
export function parseRfc3339(text: string): Date | null {
	const match = RFC3339.exec(text);
	if (match === null) return null;
	const year = Number(match[1]);
	const month = Number(match[2]);
	const day = Number(match[3]);
	const hour = Number(match[4]);
	const minute = Number(match[5]);
	const second = Number(match[6]);
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
	const offsetHours = match[10] === undefined ? 0 : Number(match[10]);
	const offsetMinutes = match[11] === undefined ? 0 : Number(match[11]);
	if (offsetHours > 23 || offsetMinutes > 59) return null;
	const offset = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
	const fraction = match[7];
	const milliseconds = fraction === undefined ? 0 : Number(fraction.length >= 3 ? fraction.slice(0, 3) : fraction.padEnd(3, '0'));
	return new Date(Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offset * 60_000);
}

/** The days of a month, for the year Date.UTC takes the digits for (0 to 99 are 1900 to 1999 there). */
function daysInMonth(year: number, month: number): number {
	if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
	const utcYear = year <= 99 ? 1900 + year : year;
	return (utcYear % 4 === 0 && utcYear % 100 !== 0) || utcYear % 400 === 0 ? 29 : 28;
}
