import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadKickPublicKey, parseRfc3339, verifyKickWebhook, type KickWebhookVerification } from '#lib/kick/webhooks/verifyKickWebhook';
import { createSigningKeyPair, kickWebhookHeaders, signKickWebhook } from '#test/kick-standin/webhookSigning';

const MESSAGE_ID = '01JHFBQ9R6XKZ3N8W2V4T7Y5M0';
const SUBSCRIPTION_ID = '01JHFBPZ2C3D4E5F6G7H8J9K0M';
const TIMESTAMP = '2025-01-14T16:08:06Z';
const SENT_AT = Date.parse(TIMESTAMP);
const MAX_AGE_SECONDS = 300;
// Whitespace as a sender might write it, so re-serialising the parsed body changes the bytes.
const RAW_BODY = Buffer.from('{"message_id": "abc", "content": "héllo 🎲",\n "broadcaster": {"user_id": 123456789}}', 'utf8');

describe('verifyKickWebhook (Kick webhook signatures)', () => {
	const signer = createSigningKeyPair();
	const publicKey = loadKickPublicKey(signer.publicKeyPem);

	function headers(overrides: { privateKey?: KeyObject; timestamp?: string; rawBody?: Buffer } = {}): Record<string, string> {
		return kickWebhookHeaders({
			privateKey: overrides.privateKey ?? signer.privateKey,
			messageId: MESSAGE_ID,
			subscriptionId: SUBSCRIPTION_ID,
			eventType: 'chat.message.sent',
			timestamp: overrides.timestamp ?? TIMESTAMP,
			rawBody: overrides.rawBody ?? RAW_BODY
		});
	}

	function verify(
		options: { headers?: Record<string, string | string[] | undefined>; rawBody?: Buffer; key?: KeyObject; now?: number } = {}
	): KickWebhookVerification {
		return verifyKickWebhook({
			headers: options.headers ?? headers(),
			rawBody: options.rawBody ?? RAW_BODY,
			publicKey: options.key ?? publicKey,
			now: new Date(options.now ?? SENT_AT + 20_000),
			maxAgeSeconds: MAX_AGE_SECONDS
		});
	}

	function expectRejected(result: KickWebhookVerification, status: 400 | 401, reason: RegExp): void {
		expect(result.ok, JSON.stringify(result)).to.equal(false);
		if (result.ok) return;
		expect(result.status).to.equal(status);
		expect(result.reason).to.match(reason);
	}

	it('accepts a delivery signed over messageId.timestamp.rawBody and returns its headers', () => {
		expect(verify()).to.deep.equal({
			ok: true,
			messageId: MESSAGE_ID,
			subscriptionId: SUBSCRIPTION_ID,
			eventType: 'chat.message.sent',
			eventVersion: '1',
			timestamp: new Date(SENT_AT)
		});
	});

	it('rejects a body with one byte changed (401)', () => {
		const tampered = Buffer.from(RAW_BODY);
		tampered[tampered.indexOf('abc')] = 'x'.charCodeAt(0);
		expectRejected(verify({ rawBody: tampered }), 401, /signature/);
	});

	it('rejects a timestamp changed after signing, even a fresh one (401)', () => {
		const moved = { ...headers(), 'kick-event-message-timestamp': '2025-01-14T16:08:07Z' };
		expectRejected(verify({ headers: moved }), 401, /signature/);
	});

	it('rejects a changed message id (401)', () => {
		expectRejected(verify({ headers: { ...headers(), 'kick-event-message-id': '01JHFBQ9R6XKZ3N8W2V4T7Y5M1' } }), 401, /signature/);
	});

	it('rejects a signature made with another key (401)', () => {
		expectRejected(verify({ headers: headers({ privateKey: createSigningKeyPair().privateKey }) }), 401, /signature/);
	});

	const headerNames = [
		'Kick-Event-Message-Id',
		'Kick-Event-Subscription-Id',
		'Kick-Event-Signature',
		'Kick-Event-Message-Timestamp',
		'Kick-Event-Type',
		'Kick-Event-Version'
	];
	for (const name of headerNames) {
		it(`rejects a delivery without ${name} (400, naming it)`, () => {
			const without: Record<string, string> = { ...headers() };
			delete without[name.toLowerCase()];
			expectRejected(verify({ headers: without }), 400, new RegExp(`^missing header ${name}$`));
		});
	}

	it('names every missing header, and treats an empty one as missing', () => {
		const { 'kick-event-type': _type, ...rest } = headers();
		expectRejected(verify({ headers: { ...rest, 'kick-event-signature': ' ' } }), 400, /^missing headers Kick-Event-Signature, Kick-Event-Type$/);
	});

	it('rejects a Kick-Event-Message-Id over 128 characters or not printable ASCII (400), before any signature check', () => {
		for (const messageId of ['x'.repeat(129), 'x'.repeat(3000), 'id with space', 'idé', 'id\u0000']) {
			const signed = kickWebhookHeaders({
				privateKey: signer.privateKey,
				messageId,
				subscriptionId: SUBSCRIPTION_ID,
				eventType: 'chat.message.sent',
				timestamp: TIMESTAMP,
				rawBody: RAW_BODY
			});
			expectRejected(verify({ headers: signed }), 400, /^header Kick-Event-Message-Id is not 1 to 128 printable ASCII characters$/);
		}
		const longest = 'x'.repeat(128);
		const signed = kickWebhookHeaders({
			privateKey: signer.privateKey,
			messageId: longest,
			subscriptionId: SUBSCRIPTION_ID,
			eventType: 'chat.message.sent',
			timestamp: TIMESTAMP,
			rawBody: RAW_BODY
		});
		expect(verify({ headers: signed })).to.deep.include({ ok: true, messageId: longest });
	});

	it('bounds every other header too (400)', () => {
		const cases: [string, string, number][] = [
			['kick-event-subscription-id', 's'.repeat(129), 128],
			['kick-event-signature', 'A'.repeat(1028), 1024],
			['kick-event-message-timestamp', `${TIMESTAMP}${' '.repeat(10)}x`, 64],
			['kick-event-type', 't'.repeat(65), 64],
			['kick-event-version', '1'.repeat(17), 16]
		];
		for (const [name, value, maxLength] of cases) {
			expectRejected(verify({ headers: { ...headers(), [name]: value } }), 400, new RegExp(`is not 1 to ${maxLength} printable ASCII characters$`));
		}
	});

	it('rejects a header sent twice (400)', () => {
		expectRejected(
			verify({ headers: { ...headers(), 'kick-event-message-id': [MESSAGE_ID, MESSAGE_ID] } }),
			400,
			/Kick-Event-Message-Id given more than once/
		);
	});

	it('accepts a timestamp up to maxAgeSeconds away either way, and calls anything further stale (401)', () => {
		expect(verify({ now: SENT_AT + MAX_AGE_SECONDS * 1000 }).ok).to.equal(true);
		expect(verify({ now: SENT_AT - MAX_AGE_SECONDS * 1000 }).ok).to.equal(true);
		expectRejected(verify({ now: SENT_AT + MAX_AGE_SECONDS * 1000 + 1 }), 401, /^stale/);
		expectRejected(verify({ now: SENT_AT - MAX_AGE_SECONDS * 1000 - 1 }), 401, /^stale/);
	});

	it('rejects an unparseable timestamp (400), even when it is what was signed', () => {
		for (const timestamp of ['yesterday', '1736870886', '2025-01-14T16:08:06', '2025-02-30T16:08:06Z', '2025-01-14T24:00:00Z']) {
			expectRejected(verify({ headers: headers({ timestamp }) }), 400, /Kick-Event-Message-Timestamp is not an RFC 3339 date-time/);
		}
	});

	it('accepts other RFC 3339 forms Kick may write: offsets and nanoseconds', () => {
		const nanoseconds = '2025-01-14T16:08:06.123456789Z';
		const withOffset = '2025-01-15T03:08:06+11:00';
		for (const timestamp of [nanoseconds, withOffset]) {
			const result = verify({ headers: headers({ timestamp }) });
			expect(result.ok, `${timestamp}: ${JSON.stringify(result)}`).to.equal(true);
		}
		expect(parseRfc3339(nanoseconds)?.toISOString()).to.equal('2025-01-14T16:08:06.123Z');
		expect(parseRfc3339(withOffset)?.toISOString()).to.equal('2025-01-14T16:08:06.000Z');
		expect(parseRfc3339('2024-02-29T00:00:00-05:30')?.toISOString()).to.equal('2024-02-29T05:30:00.000Z');
		expect(parseRfc3339('2023-02-29T00:00:00Z')).to.equal(null);
	});

	it('rejects a signature that is not base64, or a cut one (401)', () => {
		expectRejected(verify({ headers: { ...headers(), 'kick-event-signature': 'not_base64!' } }), 401, /not base64/);
		const signature = Buffer.from(headers()['kick-event-signature']!, 'base64');
		for (const wrong of [signature.subarray(0, 30), Buffer.concat([signature, Buffer.from([0])]), Buffer.alloc(signature.length)]) {
			expectRejected(verify({ headers: { ...headers(), 'kick-event-signature': wrong.toString('base64') } }), 401, /signature does not match/);
		}
	});

	it('checks the raw bytes: the same JSON re-serialised fails', () => {
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(RAW_BODY.toString('utf8'))), 'utf8');
		expect(reserialised.equals(RAW_BODY)).to.equal(false);
		expect(JSON.parse(reserialised.toString('utf8'))).to.deep.equal(JSON.parse(RAW_BODY.toString('utf8')));
		expect(verify().ok).to.equal(true);
		expectRejected(verify({ rawBody: reserialised }), 401, /signature/);
	});

	it('signs what signKickWebhook is given, as text or bytes alike', () => {
		const fromText = signKickWebhook({ privateKey: signer.privateKey, messageId: MESSAGE_ID, timestamp: TIMESTAMP, rawBody: RAW_BODY.toString('utf8') });
		expect(fromText).to.equal(headers()['kick-event-signature']);
	});

	describe('loadKickPublicKey', () => {
		it('loads the bundled Kick key (RSA 2048), which verifies nothing signed by another key', () => {
			const kickKey = loadKickPublicKey();
			expect(kickKey.asymmetricKeyType).to.equal('rsa');
			expect(kickKey.asymmetricKeyDetails?.modulusLength).to.equal(2048);
			expect(kickKey.export({ type: 'spki', format: 'pem' }).toString()).to.contain('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAq/+l1WnlRrGSolDMA+A8');
			expectRejected(verify({ key: kickKey }), 401, /signature/);
		});

		it('loads a PEM file by path', () => {
			const directory = mkdtempSync(join(tmpdir(), 'kick-key-'));
			try {
				const path = join(directory, 'public.pem');
				writeFileSync(path, signer.publicKeyPem);
				expect(verify({ key: loadKickPublicKey(path) }).ok).to.equal(true);
			} finally {
				rmSync(directory, { recursive: true, force: true });
			}
		});

		it('refuses a key that is not RSA', () => {
			const { publicKey: ed25519 } = generateKeyPairSync('ed25519');
			expect(() => loadKickPublicKey(ed25519.export({ type: 'spki', format: 'pem' }).toString())).to.throw(/RSA public key, got ed25519/);
		});
	});
});
