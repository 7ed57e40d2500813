import { expect } from 'chai';
import * as fc from 'fast-check';
import { SUBSCRIBED_EVENT_TYPES, type KickEvent } from '#lib/kick/events/KickEvent';
import { readSocketEvent } from '#lib/kick/socket/KickChatSocket';
import { handleKickWebhook, type KickWebhookDependencies } from '#lib/kick/webhooks/handleKickWebhook';
import { parseWebhookEvent } from '#lib/kick/webhooks/parseWebhookEvent';
import { KICK_WEBHOOK_HEADERS, loadKickPublicKey, verifyKickWebhook } from '#lib/kick/webhooks/verifyKickWebhook';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { selectRows } from '#test/kick/kickTestDatabase';
import { createSigningKeyPair, kickWebhookHeaders } from '#test/kick-standin/webhookSigning';
import { KICK_DOCS_WEBHOOK_PAYLOADS } from './fixtures/kickDocsWebhookPayloads.js';

/*
 * Every parser of Kick input the bot owns, fed arbitrary and adversarial input: each returns a
 * value or a refusal and never throws past its boundary, and whatever it lets through is
 * something the database can store (ids within BIGINT, no NUL, no lone surrogate, bounded keys).
 */

const NUM_RUNS = 300;
const MAX_BIGINT = 2n ** 63n - 1n;
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;
/** What a failing database says; an answer must never carry it. */
const DATABASE_FAILURE = "Can't reach database server at secret-db.internal:5432";

/** Any UTF-16 text, lone surrogates and NUL included. */
const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units));

/** Strings an attacker would try. */
const hostileText = fc.oneof(
	anyText,
	fc.string(),
	fc.constantFrom(
		'',
		'\u0000',
		'a\u0000b',
		'\ud800',
		'x\udc00y',
		'🎲',
		'__proto__',
		'constructor',
		'<script>',
		'x'.repeat(3000),
		'9'.repeat(30),
		'9223372036854775808',
		'-1',
		'00042',
		' 42',
		'4.2e3'
	)
);

/** Numbers an attacker would try, JSON-safe. */
const hostileNumber = fc.oneof(
	fc.integer(),
	fc.double({ noNaN: true, noDefaultInfinity: true }),
	fc.constantFrom(2 ** 53, 2 ** 63, 1e300, -1, 0, 0.5, Number.MAX_SAFE_INTEGER)
);

/** A value nested `depth` levels deep. */
function nested(depth: number, leaf: unknown = 1): unknown {
	let value = leaf;
	for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { a: value };
	return value;
}

/** JSON values with hostile leaves, wrong types everywhere, and some very deep nesting. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		hostileText,
		hostileNumber,
		fc.boolean(),
		fc.constant(null),
		// Deeper still in the raw bodies below: JSON.stringify, which builds these, overflows past ~5,000 levels.
		fc.integer({ min: 1_000, max: 4_000 }).map((depth) => nested(depth)),
		fc.array(tie('value'), { maxLength: 4 }),
		fc.dictionary(hostileText, tie('value'), { maxKeys: 4 })
	)
})).value;

type Path = readonly (string | number)[];

/** Every place in a value: the value itself, and each object field and array element within. */
function pathsOf(value: unknown, path: Path = []): Path[] {
	const inside = Array.isArray(value)
		? value.flatMap((element, index) => pathsOf(element, [...path, index]))
		: typeof value === 'object' && value !== null
			? Object.entries(value).flatMap(([key, field]) => pathsOf(field, [...path, key]))
			: [];
	return [path, ...inside];
}

function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
	if (path.length === 0) return replacement;
	const [step, ...rest] = path;
	const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
	copy[step!] = replaceAt(copy[step!], rest, replacement);
	return copy;
}

/** A documented payload with one to three of its fields (or whole objects) replaced by hostile values. */
const hostileDocumentedBody = fc.constantFrom(...SUBSCRIBED_EVENT_TYPES).chain((eventType) => {
	const payload: unknown = KICK_DOCS_WEBHOOK_PAYLOADS[eventType];
	const paths = pathsOf(payload);
	return fc
		.array(
			fc.tuple(
				fc.constantFrom(...paths),
				fc.oneof(
					{ arbitrary: hostileText, weight: 3 },
					{ arbitrary: hostileNumber, weight: 1 },
					{ arbitrary: hostileJson, weight: 1 },
					{ arbitrary: fc.constant(undefined), weight: 1 }
				)
			),
			{ minLength: 1, maxLength: 3 }
		)
		.map((replacements) => ({ eventType, body: replacements.reduce((body, [path, value]) => replaceAt(body, path, value), payload) }));
});

/** Asserts the event holds nothing the database would refuse or the bot would misread. */
function expectStorable(event: KickEvent): void {
	const walk = (value: unknown, key: string): void => {
		if (typeof value === 'string') {
			expect(UNSTORABLE.test(value), `${key} ${JSON.stringify(value)}`).to.equal(false);
			if (/userid$/i.test(key)) {
				expect(value, key).to.match(/^(0|[1-9]\d{0,18})$/);
				expect(BigInt(value) <= MAX_BIGINT, key).to.equal(true);
			}
			if (key === 'messageId') expect(value).to.match(/^[\x21-\x7E]{1,128}$/);
		} else if (typeof value === 'number') expect(Number.isSafeInteger(value) && value >= 0 && value <= 2_147_483_647, `${key} ${value}`).to.equal(true);
		else if (value instanceof Date) expect(Number.isNaN(value.getTime()), key).to.equal(false);
		else if (Array.isArray(value)) for (const element of value) walk(element, key);
		else if (typeof value === 'object' && value !== null) for (const [field, inner] of Object.entries(value)) walk(inner, field);
	};
	walk(event, 'event');
	expect(event.eventKey.length).to.be.at.most(150);
	// What the receipt stores: the event as JSON text, which jsonb takes only without \u0000 and lone surrogates.
	expect(JSON.stringify(event)).to.not.match(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
}

describe('Kick input parsers under arbitrary and adversarial input (fast-check)', () => {
	const signer = createSigningKeyPair();
	const publicKey = loadKickPublicKey(signer.publicKeyPem);
	const headerNames = Object.values(KICK_WEBHOOK_HEADERS).map((header) => header.name);
	const now = new Date();

	/** A delivery signed with the test's key, of any bytes and with any headers on top. */
	function signed(rawBody: Buffer, eventType: string, overrides: Record<string, string | string[] | undefined> = {}) {
		const headers = kickWebhookHeaders({
			privateKey: signer.privateKey,
			messageId: '01JHFBQ9R6XKZ3N8W2V4T7Y5M0',
			subscriptionId: 'sub',
			eventType,
			timestamp: now,
			rawBody
		});
		return { headers: { ...headers, ...overrides }, rawBody };
	}

	const hostileHeaders = fc.dictionary(
		fc.oneof(fc.constantFrom(...headerNames), hostileText),
		fc.oneof(hostileText, fc.array(hostileText, { maxLength: 3 }), fc.constant(undefined)),
		{
			maxKeys: 8
		}
	);
	const hostileRawBody = fc.oneof(
		fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
		hostileJson.map((value) => Buffer.from(JSON.stringify(value) ?? 'null', 'utf8')),
		fc.constantFrom(Buffer.from('['.repeat(200_000)), Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), Buffer.from('{"a":'.repeat(50_000)))
	);

	it('verifyKickWebhook: any headers and body give a verdict, never a throw; unsigned ones are refused with 400 or 401', () => {
		fc.assert(
			fc.property(hostileHeaders, hostileRawBody, (headers, rawBody) => {
				const result = verifyKickWebhook({ headers, rawBody, publicKey, now, maxAgeSeconds: 300 });
				expect(result.ok).to.equal(false);
				if (!result.ok) expect([400, 401]).to.include(result.status);
			}),
			{ numRuns: NUM_RUNS }
		);
	});

	it('verifyKickWebhook: a signed delivery with any header replaced is refused or verified, never a throw', () => {
		fc.assert(
			fc.property(
				hostileRawBody,
				fc.constantFrom(...headerNames),
				fc.oneof(hostileText, fc.array(hostileText, { maxLength: 2 })),
				(rawBody, name, value) => {
					const result = verifyKickWebhook({ ...signed(rawBody, 'chat.message.sent', { [name]: value }), publicKey, now, maxAgeSeconds: 300 });
					if (result.ok) expect(result.messageId).to.match(/^[\x21-\x7E]{1,128}$/);
					else expect([400, 401]).to.include(result.status);
				}
			),
			{ numRuns: NUM_RUNS }
		);
	});

	it('parseWebhookEvent: any JSON body of any event type gives an event the database can store, or a refusal', () => {
		fc.assert(
			fc.property(fc.oneof(fc.constantFrom(...SUBSCRIBED_EVENT_TYPES), hostileText), hostileJson, (eventType, body) => {
				const parsed = parseWebhookEvent({ eventType, eventVersion: '1', messageId: 'm', body, receivedAt: now });
				if (parsed.ok) expectStorable(parsed.event);
				else expect(parsed.reason).to.be.a('string').with.length.below(300);
			}),
			{ numRuns: NUM_RUNS }
		);
	});

	it('parseWebhookEvent: documented payloads with fields replaced by hostile values give a storable event, or a refusal', () => {
		fc.assert(
			fc.property(hostileDocumentedBody, ({ eventType, body }) => {
				const parsed = parseWebhookEvent({
					eventType,
					eventVersion: '1',
					messageId: 'm',
					body: JSON.parse(JSON.stringify(body) ?? 'null'),
					receivedAt: now
				});
				if (parsed.ok) expectStorable(parsed.event);
				else expect(parsed.reason).to.be.a('string').with.length.below(300);
			}),
			{ numRuns: NUM_RUNS }
		);
	});

	describe('handleKickWebhook', () => {
		let migrated: MigratedDatabase;

		before(async () => {
			migrated = await openMigratedDatabase(postgresEngine, 'kick_webhook_property');
		});

		after(async () => {
			await migrated?.close();
		});

		// Mostly correctly signed documented payloads made hostile: the deliveries that get past the signature.
		const hostileDelivery = fc.oneof(
			{
				arbitrary: hostileDocumentedBody.map(({ eventType, body }) => signed(Buffer.from(JSON.stringify(body) ?? 'null', 'utf8'), eventType)),
				weight: 4
			},
			{ arbitrary: fc.record({ headers: hostileHeaders, rawBody: hostileRawBody }), weight: 1 },
			{
				arbitrary: fc.tuple(hostileRawBody, fc.constantFrom(...SUBSCRIBED_EVENT_TYPES)).map(([rawBody, eventType]) => signed(rawBody, eventType)),
				weight: 1
			}
		);

		it('against PostgreSQL: answers 200, 400, 401 or 413, never 503 (nothing past the edge makes the database fail), and stores only what it accepted', async function () {
			// 200 deliveries of three statements each, every claim waiting out its 10 ms window: seconds on a quiet machine, more when the cores are shared.
			this.timeout(120_000);
			await fc.assert(
				fc.asyncProperty(hostileDelivery, async (delivery) => {
					await selectRows(migrated.database, 'TRUNCATE kick_event_receipts');
					const errors: unknown[] = [];
					const answer = await handleKickWebhook(delivery, {
						publicKey,
						maxAgeSeconds: 300,
						receipts: migrated.database.kickEventReceipts,
						logger: { warn: () => undefined, error: (_message, error) => void errors.push(error) }
					});
					expect(errors, String(errors[0])).to.deep.equal([]);
					expect([200, 400, 401, 413]).to.include(answer.status);
					const stored = await selectRows<{ n: string }>(migrated.database, 'SELECT count(*)::text AS n FROM kick_event_receipts');
					// A chat message is claimed by its own id and its delivery id; other events by the delivery id alone.
					expect(stored[0]!.n).to.equal(answer.claimed === null ? '0' : answer.claimed.type === 'chat.message.sent' ? '2' : '1');
					if (answer.claimed !== null) expectStorable(answer.claimed);
				}),
				{ numRuns: 200 }
			);
		});

		it('with any database outcome: the status is 200, 400, 401, 413 or 503 and the body never carries the database’s words', async () => {
			const outcome = fc.constantFrom('claimed', 'duplicate', 'fails');
			await fc.assert(
				fc.asyncProperty(hostileDelivery, outcome, async (delivery, claim) => {
					const receipts: KickWebhookDependencies['receipts'] = {
						claim: async (_key, options) => {
							if (options?.event !== undefined) expectStorable(options.event);
							if (claim === 'fails') throw new Error(DATABASE_FAILURE);
							return claim === 'claimed';
						}
					};
					const answer = await handleKickWebhook(delivery, {
						publicKey,
						maxAgeSeconds: 300,
						receipts,
						logger: { warn: () => undefined, error: () => undefined }
					});
					expect([200, 400, 401, 413, 503]).to.include(answer.status);
					expect(JSON.stringify(answer)).to.not.include('secret-db').and.not.include("Can't reach");
					if (answer.status === 503)
						expect(answer).to.deep.include({ headers: { 'Retry-After': '30' }, body: { error: 'temporarily unavailable; retry later' } });
				}),
				{ numRuns: NUM_RUNS }
			);
		});
	});

	describe('readSocketEvent (a Pusher frame from the network)', () => {
		const CHAT_DATA = {
			id: '0c7bca5b-7f9e-4a47-a5f1-36d5f2b0e4a1',
			chatroom_id: 668,
			content: 'hello',
			type: 'message',
			created_at: '2025-01-14T16:08:06+00:00',
			sender: { id: 987654321, username: 'Alice', slug: 'alice', identity: { color: '#FF5733', badges: [{ type: 'moderator', text: 'Moderator' }] } },
			metadata: { original_sender: { id: 12345, username: 'Bob' }, original_message: { id: '5b0e8c1a', content: 'hi' } }
		};
		const BAN_DATA = {
			id: '5b0e8c1a',
			user: { id: 42, username: 'Spammer', slug: 'spammer' },
			banned_by: { id: 7, username: 'Mod', slug: 'mod' },
			expires_at: '2025-01-14T16:18:06+00:00'
		};
		const LIVE_DATA = { livestream: { id: 9001, session_title: 'Bonus hunt', created_at: '2025-01-14 16:00:00' } };
		const documented = fc
			.constantFrom<[string, unknown]>(
				['App\\Events\\ChatMessageEvent', CHAT_DATA],
				['App\\Events\\UserBannedEvent', BAN_DATA],
				['App\\Events\\StreamerIsLive', LIVE_DATA],
				['App\\Events\\StopStreamBroadcast', LIVE_DATA]
			)
			.chain(([eventName, data]) =>
				fc
					.array(fc.tuple(fc.constantFrom(...pathsOf(data)), fc.oneof(hostileText, hostileNumber, hostileJson)), { minLength: 1, maxLength: 3 })
					.map((replacements) => ({
						eventName,
						data: replacements.reduce((value, [path, replacement]) => replaceAt(value, path, replacement), data)
					}))
			);

		it('any event name and data, parsed or as text, give an event the database can store, or are ignored or dropped', () => {
			const frame = fc.oneof(
				fc.record({
					eventName: fc.oneof(
						hostileText,
						fc.constantFrom('App\\Events\\ChatMessageEvent', 'ChatMessageEvent', 'App\\Events\\UserBannedEvent', 'StreamerIsLive')
					),
					data: hostileJson
				}),
				documented,
				documented.map(({ eventName, data }) => ({ eventName, data: JSON.stringify(data) ?? '' })),
				fc.record({ eventName: fc.constant('App\\Events\\ChatMessageEvent'), data: fc.oneof(hostileText, fc.constant('['.repeat(100_000))) })
			);
			fc.assert(
				fc.property(frame, ({ eventName, data }) => {
					const reading = readSocketEvent({ eventName, data, broadcasterUserId: '123456789', receivedAt: now });
					expect(['event', 'ignored', 'dropped']).to.include(reading.kind);
					if (reading.kind === 'event') expectStorable(reading.event);
				}),
				{ numRuns: NUM_RUNS }
			);
		});
	});
});
