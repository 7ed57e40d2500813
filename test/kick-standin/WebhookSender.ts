import type { KeyObject } from 'node:crypto';
import { createSigningKeyPair, kickWebhookHeaders, signKickWebhook, type SigningKeyPair } from './webhookSigning.js';

/**
 * How a delivery is spoiled, to test the bot's verification: `body` changes the body after signing,
 * `timestamp` the timestamp header, `signature` sends a signature of other bytes, `key` signs with a
 * key Kick does not publish.
 */
export type WebhookTamper = 'body' | 'timestamp' | 'signature' | 'key';

export interface WebhookDelivery {
	readonly url: string;
	readonly type: string;
	readonly messageId: string;
	readonly subscriptionId: string;
	readonly timestamp: string;
	/** The raw body, exactly as sent. */
	readonly body: string;
	readonly headers: Readonly<Record<string, string>>;
	readonly tamper: WebhookTamper | null;
	readonly status: number;
	readonly responseHeaders: Readonly<Record<string, string>>;
	readonly responseBody: string;
}

export interface WebhookRequest {
	readonly url: string;
	readonly type: string;
	readonly version: number;
	readonly messageId: string;
	readonly subscriptionId: string;
	readonly timestamp: string;
	readonly body: string;
	readonly tamper: WebhookTamper | null;
	readonly timeoutMs: number;
}

/** Signs and POSTs webhook events as Kick does, with a key pair of its own made at start. */
export class WebhookSender {
	private readonly keys: SigningKeyPair = createSigningKeyPair();
	private strangerKey: KeyObject | null = null;

	public get publicKeyPem(): string {
		return this.keys.publicKeyPem;
	}

	public async send(request: WebhookRequest): Promise<WebhookDelivery> {
		const signed = kickWebhookHeaders({
			privateKey: request.tamper === 'key' ? this.otherKey() : this.keys.privateKey,
			messageId: request.messageId,
			subscriptionId: request.subscriptionId,
			eventType: request.type,
			eventVersion: String(request.version),
			timestamp: request.timestamp,
			rawBody: request.body
		});
		const body = request.tamper === 'body' ? JSON.stringify({ ...(JSON.parse(request.body) as object), tampered: true }) : request.body;
		const timestamp = request.tamper === 'timestamp' ? new Date(Date.parse(request.timestamp) + 1000).toISOString() : request.timestamp;
		const signature =
			request.tamper === 'signature'
				? signKickWebhook({ privateKey: this.keys.privateKey, messageId: request.messageId, timestamp: request.timestamp, rawBody: '{}' })
				: signed['kick-event-signature']!;
		const headers = { 'content-type': 'application/json', ...signed, 'kick-event-signature': signature, 'kick-event-message-timestamp': timestamp };
		const response = await fetch(request.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(request.timeoutMs) });
		return {
			url: request.url,
			type: request.type,
			messageId: request.messageId,
			subscriptionId: request.subscriptionId,
			timestamp,
			body,
			headers,
			tamper: request.tamper,
			status: response.status,
			responseHeaders: Object.fromEntries(response.headers),
			responseBody: await response.text()
		};
	}

	private otherKey(): KeyObject {
		this.strangerKey ??= createSigningKeyPair().privateKey;
		return this.strangerKey;
	}
}
