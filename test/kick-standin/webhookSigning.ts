// Signs webhook deliveries as Kick does (events/webhook-security.md), with a test's own key pair.
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface SigningKeyPair {
	readonly privateKey: KeyObject;
	/** Give this to loadKickPublicKey (or the bot's configuration) in place of Kick's key. */
	readonly publicKeyPem: string;
}

export function createSigningKeyPair(): SigningKeyPair {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export interface SignKickWebhookOptions {
	readonly privateKey: KeyObject;
	readonly messageId: string;
	/** The Kick-Event-Message-Timestamp header text, signed as written. */
	readonly timestamp: string;
	readonly rawBody: Buffer | string;
}

/** The Kick-Event-Signature value: RSA PKCS#1 v1.5 SHA-256 over `${messageId}.${timestamp}.${rawBody}`, base64. */
export function signKickWebhook(options: SignKickWebhookOptions): string {
	const rawBody = typeof options.rawBody === 'string' ? Buffer.from(options.rawBody, 'utf8') : options.rawBody;
	const signed = Buffer.concat([Buffer.from(`${options.messageId}.${options.timestamp}.`, 'utf8'), rawBody]);
	return sign('sha256', signed, { key: options.privateKey, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
}

export interface KickWebhookHeadersOptions extends Omit<SignKickWebhookOptions, 'timestamp'> {
	readonly subscriptionId: string;
	readonly eventType: string;
	/** '1' unless given. */
	readonly eventVersion?: string;
	/** A Date is written as RFC 3339 (`toISOString`). */
	readonly timestamp: Date | string;
}

/** The six headers of a signed delivery, with the lower-case names Node hands a server (any HTTP client sends them as well). */
export function kickWebhookHeaders(options: KickWebhookHeadersOptions): Record<string, string> {
	const timestamp = typeof options.timestamp === 'string' ? options.timestamp : options.timestamp.toISOString();
	return {
		'kick-event-message-id': options.messageId,
		'kick-event-subscription-id': options.subscriptionId,
		'kick-event-signature': signKickWebhook({ privateKey: options.privateKey, messageId: options.messageId, timestamp, rawBody: options.rawBody }),
		'kick-event-message-timestamp': timestamp,
		'kick-event-type': options.eventType,
		'kick-event-version': options.eventVersion ?? '1'
	};
}
