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
const HEADER_ENTRIES = Object.entries(KICK_WEBHOOK_HEADERS) as [KickWebhookHeader, (typeof KICK_WEBHOOK_HEADERS)[KickWebhookHeader]][];

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

/**
 * Checks a webhook delivery as Kick specifies (events/webhook-security.md): an RSA PKCS#1 v1.5
 * SHA-256 signature, base64 in Kick-Event-Signature, over `${messageId}.${timestamp}.${rawBody}`.
 * No secret is compared here (the key is public), so there is no timing side channel to close.
 */
export function verifyKickWebhook(options: VerifyKickWebhookOptions): KickWebhookVerification {
	const values = {} as Record<KickWebhookHeader, string>;
	let missing: string[] | undefined;
	for (const [field, header] of HEADER_ENTRIES) {
		const value = options.headers[header.name];
		if (Array.isArray(value)) return { ok: false, status: 400, reason: `header ${header.display} given more than once` };
		const text = value?.trim() ?? '';
		if (text === '') (missing ??= []).push(header.display);
		else if (text.length > header.maxLength || !PRINTABLE_ASCII.test(text)) {
			return { ok: false, status: 400, reason: `header ${header.display} is not 1 to ${header.maxLength} printable ASCII characters` };
		} else values[field] = text;
	}
	if (missing !== undefined) return { ok: false, status: 400, reason: `missing header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };

	const timestamp = parseRfc3339(values.timestamp);
	if (timestamp === null) return { ok: false, status: 400, reason: `${KICK_WEBHOOK_HEADERS.timestamp.display} is not an RFC 3339 date-time` };

	if (!isBase64(values.signature)) return { ok: false, status: 401, reason: `${KICK_WEBHOOK_HEADERS.signature.display} is not base64` };
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

/** Any character base64 never has. */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const EQUALS = 0x3d;

/**
 * Whether the text is padded base64 (`A-Z a-z 0-9 + /` in groups of four, the last one maybe
 * ending in `=` or `==`), as /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
 * says: a length that is a multiple of four says as much as the groups, and a search for a
 * character outside the alphabet, then for where `=` starts, takes a seventh of the time an
 * anchored pattern takes over Kick's 344-character signature (V8 backtracks on its `*`).
 */
export function isBase64(text: string): boolean {
	if (text.length % 4 !== 0 || NOT_BASE64.test(text)) return false;
	const padding = text.indexOf('=');
	return padding === -1 || padding === text.length - 1 || (padding === text.length - 2 && text.charCodeAt(text.length - 1) === EQUALS);
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

/**
 * An RFC 3339 date-time (any fraction precision, as Go's RFC3339Nano writes), or null when it is
 * not one or names no real date. Read character by character: it runs for every chat message
 * (the delivery's timestamp and the message's own), and a regular expression's match allocates.
 * The format: `YYYY-MM-DD` `T`, `t` or a space `hh:mm:ss`, an optional `.` and digits, then `Z`, `z` or `±hh:mm`.
 */
export function parseRfc3339(text: string): Date | null {
	const year = digitsAt(text, 0, 4);
	const month = digitsAt(text, 5, 2);
	const day = digitsAt(text, 8, 2);
	const hour = digitsAt(text, 11, 2);
	const minute = digitsAt(text, 14, 2);
	const second = digitsAt(text, 17, 2);
	const separator = text.charCodeAt(10);
	if (
		year < 0 ||
		month < 0 ||
		day < 0 ||
		hour < 0 ||
		minute < 0 ||
		second < 0 ||
		text.charCodeAt(4) !== DASH ||
		text.charCodeAt(7) !== DASH ||
		(separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE) ||
		text.charCodeAt(13) !== COLON ||
		text.charCodeAt(16) !== COLON
	)
		return null;
	let index = 19;
	let milliseconds = 0;
	if (text.charCodeAt(index) === DOT) {
		const first = ++index;
		for (let digit = digitAt(text, index); digit >= 0; digit = digitAt(text, ++index))
			if (index - first < 3) milliseconds += digit * 10 ** (2 - (index - first));
		if (index === first) return null;
	}
	const zone = text.charCodeAt(index);
	let offset = 0;
	if (zone === UPPER_Z || zone === LOWER_Z) {
		if (index + 1 !== text.length) return null;
	} else if (zone === PLUS || zone === MINUS) {
		const offsetHours = digitsAt(text, index + 1, 2);
		const offsetMinutes = digitsAt(text, index + 4, 2);
		if (index + 6 !== text.length || text.charCodeAt(index + 3) !== COLON || offsetHours < 0 || offsetMinutes < 0) return null;
		if (offsetHours > 23 || offsetMinutes > 59) return null;
		offset = (zone === MINUS ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
	} else return null;
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
	return new Date(Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offset * 60_000);
}

const [DASH, COLON, DOT, SPACE, PLUS, MINUS, UPPER_T, LOWER_T, UPPER_Z, LOWER_Z, ZERO] = [...'-:. +-TtZz0'].map((character) => character.charCodeAt(0)) as [
	number,
	number,
	number,
	number,
	number,
	number,
	number,
	number,
	number,
	number,
	number
];

/** The ASCII digit at `index` (0 to 9), or -1. */
function digitAt(text: string, index: number): number {
	const digit = text.charCodeAt(index) - ZERO;
	return digit >= 0 && digit <= 9 ? digit : -1;
}

/** The number written by `count` ASCII digits at `start`, or -1 when one is no digit. */
function digitsAt(text: string, start: number, count: number): number {
	let value = 0;
	for (let index = start; index < start + count; index++) {
		const digit = digitAt(text, index);
		if (digit < 0) return -1;
		value = value * 10 + digit;
	}
	return value;
}

/** The days of a month, for the year Date.UTC takes the digits for (0 to 99 are 1900 to 1999 there). */
function daysInMonth(year: number, month: number): number {
	if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
	const utcYear = year <= 99 ? 1900 + year : year;
	return (utcYear % 4 === 0 && utcYear % 100 !== 0) || utcYear % 400 === 0 ? 29 : 28;
}
