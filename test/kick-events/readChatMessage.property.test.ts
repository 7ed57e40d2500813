import { expect } from 'chai';
import * as fc from 'fast-check';
import { readSocketChatMessage, readWebhookChatMessage } from '#lib/kick/events/readChatMessage';
import { readSocketEvent, readSocketEventBySchema } from '#lib/kick/socket/KickChatSocket';
import { parseWebhookEvent, parseWebhookEventBySchema } from '#lib/kick/webhooks/parseWebhookEvent';
import { KICK_DOCS_WEBHOOK_PAYLOADS } from './fixtures/kickDocsWebhookPayloads.js';

/*
 * The readers' fast paths for chat messages against their schemas: whatever a fast path reads is
 * exactly the event the schema gives, and a payload it does not plainly fit is left to the
 * schema. Documented payloads are fed with fields replaced by values near and far from what fits.
 */

const NUM_RUNS = 2000;
const RECEIVED_AT = new Date('2026-03-01T12:00:00Z');
const BROADCASTER = '4242';

/** Kick's socket ChatMessageEvent data, a reply with a subscriber's badge. */
const SOCKET_CHAT_MESSAGE = {
	id: '9c0e2c8c-2f64-4e4b-9b4a-0a8c8f0e3f11',
	chatroom_id: 668,
	content: 'that was close [emote:37226:KEKW]',
	type: 'reply',
	created_at: '2026-03-01T11:59:58+00:00',
	sender: {
		id: 987654321,
		username: 'viewer_anna',
		slug: 'viewer-anna',
		identity: {
			color: '#75FD46',
			badges: [
				{ type: 'subscriber', text: 'Subscriber', count: 3 },
				{ type: 'og', text: 'OG' }
			]
		}
	},
	metadata: {
		original_sender: { id: '12345', username: 'parent_sender' },
		original_message: { id: 'b6a1f0a4-1e1c-4c1e-8f1d-3d5e7a9b0c2d', content: 'first!' }
	}
};

/** Values near what a field takes (other spellings, edge numbers) and far from it (other types, unstorable text). */
const replacement: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom(
		undefined,
		null,
		'',
		'0',
		'00042',
		'9223372036854775807',
		'9223372036854775808',
		'12345678901234567',
		' 42',
		'a\u0000b',
		'x\ud800',
		'🎲 ok',
		'2026-03-01T12:00:00Z',
		'2026-03-01 12:00:00',
		'2026-02-30T12:00:00Z',
		'not a date',
		'x'.repeat(129),
		0,
		-1,
		0.5,
		42,
		2 ** 53,
		2_147_483_647,
		2_147_483_648,
		true,
		[],
		{},
		[{ text: 'VIP', type: 'vip' }],
		[{ text: 'VIP', type: 'vip', count: null }],
		[{ text: 'VIP', type: 'vip', count: -1 }],
		[{ text: 'VIP' }],
		{ badges: null },
		{ user_id: 7, username: 'u' },
		{ id: 7, username: 'u' }
	),
	fc.string(),
	fc.integer(),
	fc.jsonValue({ maxDepth: 2 })
);

type Path = readonly (string | number)[];

function pathsOf(value: unknown, path: Path = []): Path[] {
	const inside = Array.isArray(value)
		? value.flatMap((element, index) => pathsOf(element, [...path, index]))
		: typeof value === 'object' && value !== null
			? Object.entries(value).flatMap(([key, field]) => pathsOf(field, [...path, key]))
			: [];
	return [path, ...inside];
}

function replaceAt(value: unknown, path: Path, by: unknown): unknown {
	if (path.length === 0) return by;
	const [step, ...rest] = path;
	const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
	copy[step!] = replaceAt(copy[step!], rest, by);
	return copy;
}

/** The payload with up to three fields replaced (or taken away). */
function mutated(payload: unknown): fc.Arbitrary<unknown> {
	return fc
		.array(fc.tuple(fc.constantFrom(...pathsOf(payload)), replacement), { maxLength: 3 })
		.map((changes) => changes.reduce((body, [path, by]) => replaceAt(body, path, by), payload));
}

describe('The fast paths for chat messages read exactly what the schemas read (fast-check)', () => {
	const webhook = (body: unknown) => ({
		eventType: 'chat.message.sent',
		eventVersion: '1',
		messageId: '01JHFBQ9R6XKZ3N8W2V4T7Y5M1',
		body,
		receivedAt: RECEIVED_AT
	});
	const frame = (data: unknown) => ({ eventName: 'App\\Events\\ChatMessageEvent', data, broadcasterUserId: BROADCASTER, receivedAt: RECEIVED_AT });

	it('reads the documented payloads on the fast path', () => {
		const documented = KICK_DOCS_WEBHOOK_PAYLOADS['chat.message.sent'];
		expect(readWebhookChatMessage(documented, RECEIVED_AT)).to.deep.equal((parseWebhookEventBySchema(webhook(documented)) as { event: unknown }).event);
		expect(readSocketChatMessage(SOCKET_CHAT_MESSAGE, BROADCASTER, RECEIVED_AT)).to.deep.equal(
			(readSocketEventBySchema(frame(SOCKET_CHAT_MESSAGE)) as { event: unknown }).event
		);
	});

	it('webhook: an event read on the fast path is the schema’s, and parseWebhookEvent answers as the schema does', () => {
		fc.assert(
			fc.property(mutated(KICK_DOCS_WEBHOOK_PAYLOADS['chat.message.sent']), (body) => {
				const bySchema = parseWebhookEventBySchema(webhook(body));
				const fast = readWebhookChatMessage(body, RECEIVED_AT);
				if (fast !== null) expect(bySchema).to.deep.equal({ ok: true, event: fast });
				expect(parseWebhookEvent(webhook(body))).to.deep.equal(bySchema);
			}),
			{ numRuns: NUM_RUNS }
		);
	});

	it('socket: an event read on the fast path is the schema’s, and readSocketEvent answers as the schema does, for parsed data and for its text', () => {
		fc.assert(
			fc.property(mutated(SOCKET_CHAT_MESSAGE), fc.boolean(), (data, asText) => {
				const sent = asText ? JSON.stringify(data) : data;
				const bySchema = readSocketEventBySchema(frame(sent));
				const fast = readSocketChatMessage(asText ? JSON.parse(JSON.stringify(data) ?? 'null') : data, BROADCASTER, RECEIVED_AT);
				if (fast !== null) expect(bySchema).to.deep.equal({ kind: 'event', event: fast });
				expect(readSocketEvent(frame(sent))).to.deep.equal(bySchema);
			}),
			{ numRuns: NUM_RUNS }
		);
	});
});
