import { expect } from 'chai';
import { SUBSCRIBED_EVENT_TYPES, type KickEvent } from '#lib/kick/events/KickEvent';
import { parseWebhookEvent, type ParsedWebhookEvent } from '#lib/kick/webhooks/parseWebhookEvent';
import { KICK_DOCS_ANONYMOUS_GIFTS, KICK_DOCS_STREAM_ENDED, KICK_DOCS_WEBHOOK_PAYLOADS } from './fixtures/kickDocsWebhookPayloads.js';

const MESSAGE_ID = '01JHFBQ9R6XKZ3N8W2V4T7Y5M0';
const RECEIVED_AT = new Date('2025-01-14T16:08:07.250Z');

function parse(eventType: string, body: unknown, eventVersion = '1'): ParsedWebhookEvent {
	// Through JSON text, as a request body arrives.
	return parseWebhookEvent({ eventType, eventVersion, messageId: MESSAGE_ID, body: JSON.parse(JSON.stringify(body)), receivedAt: RECEIVED_AT });
}

function parsedEvent(eventType: string, body: unknown): KickEvent {
	const result = parse(eventType, body);
	if (!result.ok) throw new Error(`expected ${eventType} to parse, got: ${result.reason}`);
	return result.event;
}

const BROADCASTER = { broadcasterUserId: '123456789', receivedVia: 'webhook' } as const;

describe("parseWebhookEvent (Kick's documented webhook payloads)", () => {
	it('has a documented example for every subscribed event type', () => {
		expect(Object.keys(KICK_DOCS_WEBHOOK_PAYLOADS)).to.have.members([...SUBSCRIBED_EVENT_TYPES]);
	});

	it('chat.message.sent: sender with badges, reply, content as sent, keyed by the chat message id', () => {
		expect(parsedEvent('chat.message.sent', KICK_DOCS_WEBHOOK_PAYLOADS['chat.message.sent'])).to.deep.equal({
			...BROADCASTER,
			type: 'chat.message.sent',
			eventKey: 'chat:unique_message_id_123',
			at: new Date('2025-01-14T16:08:06Z'),
			messageId: 'unique_message_id_123',
			sender: {
				userId: '987654321',
				username: 'sender_name',
				channelSlug: 'sender_channel',
				badges: [
					{ text: 'Moderator', type: 'moderator' },
					{ text: 'Sub Gifter', type: 'sub_gifter', count: 5 },
					{ text: 'Subscriber', type: 'subscriber', count: 3 }
				]
			},
			content: 'Hello [emote:4148074:HYPERCLAP] [emote:4148074:HYPERCLAP] [emote:37226:KEKW]',
			repliesTo: {
				messageId: 'unique_message_id_456',
				content: 'This is the parent message!',
				sender: { userId: '12345', username: 'parent_sender_name', channelSlug: 'parent_sender_channel' }
			}
		});
	});

	it('chat.message.sent without replies_to or identity: no reply, no badges', () => {
		const { replies_to: _reply, ...body } = KICK_DOCS_WEBHOOK_PAYLOADS['chat.message.sent'];
		const event = parsedEvent('chat.message.sent', { ...body, sender: { ...body.sender, identity: null } });
		expect(event).to.include({ type: 'chat.message.sent', repliesTo: null });
		expect(event.type === 'chat.message.sent' && event.sender.badges).to.deep.equal([]);
	});

	it('channel.followed: the follower, at the receipt time (the body has none)', () => {
		expect(parsedEvent('channel.followed', KICK_DOCS_WEBHOOK_PAYLOADS['channel.followed'])).to.deep.equal({
			...BROADCASTER,
			type: 'channel.followed',
			eventKey: `webhook:${MESSAGE_ID}`,
			at: RECEIVED_AT,
			follower: { userId: '987654321', username: 'follower_name', channelSlug: 'follower_channel' }
		});
	});

	it('channel.subscription.new and .renewal: subscriber, duration and when it expires', () => {
		for (const [type, duration] of [
			['channel.subscription.new', 1],
			['channel.subscription.renewal', 3]
		] as const) {
			expect(parsedEvent(type, KICK_DOCS_WEBHOOK_PAYLOADS[type])).to.deep.equal({
				...BROADCASTER,
				type,
				eventKey: `webhook:${MESSAGE_ID}`,
				at: new Date('2025-01-14T16:08:06Z'),
				subscriber: { userId: '987654321', username: 'subscriber_name', channelSlug: 'subscriber_channel' },
				duration,
				expiresAt: new Date('2025-02-14T16:08:06Z')
			});
		}
	});

	it('channel.subscription.gifts: gifter, giftees and when the gifts expire', () => {
		expect(parsedEvent('channel.subscription.gifts', KICK_DOCS_WEBHOOK_PAYLOADS['channel.subscription.gifts'])).to.deep.equal({
			...BROADCASTER,
			type: 'channel.subscription.gifts',
			eventKey: `webhook:${MESSAGE_ID}`,
			at: new Date('2025-01-14T16:08:06Z'),
			gifter: { userId: '987654321', username: 'gifter_name', channelSlug: 'gifter_channel' },
			giftees: [{ userId: '561654654', username: 'giftee_name', channelSlug: 'giftee_channel' }],
			expiresAt: new Date('2025-02-14T16:08:06Z')
		});
	});

	it('channel.subscription.gifts from an anonymous gifter: gifter null', () => {
		const event = parsedEvent('channel.subscription.gifts', KICK_DOCS_ANONYMOUS_GIFTS);
		expect(event).to.include({ type: 'channel.subscription.gifts', gifter: null });
		expect(event.type === 'channel.subscription.gifts' && event.giftees).to.have.length(1);
	});

	it('livestream.status.updated: started and ended, offsets kept as instants', () => {
		expect(parsedEvent('livestream.status.updated', KICK_DOCS_WEBHOOK_PAYLOADS['livestream.status.updated'])).to.deep.equal({
			...BROADCASTER,
			type: 'livestream.status.updated',
			eventKey: `webhook:${MESSAGE_ID}`,
			at: new Date('2025-01-01T00:00:00Z'),
			isLive: true,
			title: 'Stream Title',
			startedAt: new Date('2025-01-01T00:00:00Z'),
			endedAt: null
		});
		expect(parsedEvent('livestream.status.updated', KICK_DOCS_STREAM_ENDED)).to.deep.include({
			isLive: false,
			at: new Date('2025-01-01T04:00:00Z'),
			endedAt: new Date('2025-01-01T04:00:00Z')
		});
	});

	it('moderation.banned: moderator, banned user, reason and expiry (null when permanent)', () => {
		const body = KICK_DOCS_WEBHOOK_PAYLOADS['moderation.banned'];
		expect(parsedEvent('moderation.banned', body)).to.deep.equal({
			...BROADCASTER,
			type: 'moderation.banned',
			eventKey: `webhook:${MESSAGE_ID}`,
			at: new Date('2025-01-14T16:08:05Z'),
			moderator: { userId: '987654321', username: 'moderator_name', channelSlug: 'moderator_channel' },
			bannedUser: { userId: '135790135', username: 'banned_user_name', channelSlug: 'banned_user_channel' },
			reason: 'banned reason',
			expiresAt: new Date('2025-01-14T16:10:06Z')
		});
		const permanent = parsedEvent('moderation.banned', { ...body, metadata: { ...body.metadata, expires_at: null } });
		expect(permanent).to.include({ expiresAt: null });
	});

	it('kicks.gifted: sender, amount, gift name and message', () => {
		expect(parsedEvent('kicks.gifted', KICK_DOCS_WEBHOOK_PAYLOADS['kicks.gifted'])).to.deep.equal({
			...BROADCASTER,
			type: 'kicks.gifted',
			eventKey: `webhook:${MESSAGE_ID}`,
			at: new Date('2025-10-20T04:00:08.634Z'),
			sender: { userId: '987654321', username: 'gift_sender', channelSlug: 'gift_sender_channel' },
			amount: 500,
			giftName: 'Rage Quit',
			message: 'w'
		});
	});

	it('takes ids sent as strings of digits too', () => {
		const body = KICK_DOCS_WEBHOOK_PAYLOADS['channel.followed'];
		const event = parsedEvent('channel.followed', { broadcaster: { user_id: '123456789' }, follower: { ...body.follower, user_id: '987654321' } });
		expect(event).to.deep.include({
			broadcasterUserId: '123456789',
			follower: { userId: '987654321', username: 'follower_name', channelSlug: 'follower_channel' }
		});
	});

	it('calls an unknown event type, or another version, unsupported', () => {
		expect(parse('channel.reward.redemption.updated', {})).to.deep.equal({ ok: false, reason: 'unsupported' });
		expect(parse('livestream.metadata.updated', {})).to.deep.equal({ ok: false, reason: 'unsupported' });
		expect(parse('no.such.event', {})).to.deep.equal({ ok: false, reason: 'unsupported' });
		expect(parse('chat.message.sent', KICK_DOCS_WEBHOOK_PAYLOADS['chat.message.sent'], '2')).to.deep.equal({ ok: false, reason: 'unsupported' });
	});

	it('names the field a body misses or gets wrong', () => {
		const chat = KICK_DOCS_WEBHOOK_PAYLOADS['chat.message.sent'];
		const gifts = KICK_DOCS_WEBHOOK_PAYLOADS['channel.subscription.gifts'];
		const { message_id: _id, ...withoutId } = chat;
		const cases: [string, unknown, RegExp][] = [
			['chat.message.sent', withoutId, /^invalid field message_id: /],
			['chat.message.sent', { ...chat, sender: { ...chat.sender, user_id: undefined } }, /^invalid field sender\.user_id: /],
			['chat.message.sent', { ...chat, broadcaster: { user_id: 12.5 } }, /^invalid field broadcaster\.user_id: /],
			['chat.message.sent', { ...chat, created_at: 'soon' }, /^invalid field created_at: not an RFC 3339 date-time/],
			['channel.subscription.gifts', { ...gifts, giftees: [{ ...gifts.giftees[0], username: '' }] }, /^invalid field giftees\.0\.username: /],
			['channel.subscription.gifts', { ...gifts, gifter: { ...gifts.gifter, user_id: null } }, /^invalid field gifter\.user_id: /],
			['livestream.status.updated', { ...KICK_DOCS_WEBHOOK_PAYLOADS['livestream.status.updated'], is_live: 'yes' }, /^invalid field is_live: /],
			['kicks.gifted', { ...KICK_DOCS_WEBHOOK_PAYLOADS['kicks.gifted'], gift: {} }, /^invalid field gift\.amount: /],
			['channel.followed', [], /^invalid body: /]
		];
		for (const [type, body, reason] of cases) {
			const result = parse(type, body);
			expect(result.ok, `${type} ${JSON.stringify(body)}`).to.equal(false);
			if (!result.ok) expect(result.reason).to.match(reason);
		}
	});

	it('refuses a numeric id beyond the exact range of JSON numbers', () => {
		const result = parseWebhookEvent({
			eventType: 'channel.followed',
			eventVersion: '1',
			messageId: MESSAGE_ID,
			body: { broadcaster: { user_id: 2 ** 60 }, follower: { user_id: 1, username: 'x' } },
			receivedAt: RECEIVED_AT
		});
		expect(result).to.deep.include({ ok: false });
		expect(!result.ok && result.reason).to.match(/^invalid field broadcaster\.user_id: /);
	});

	describe('refuses at the edge what the database could not hold', () => {
		const chat = KICK_DOCS_WEBHOOK_PAYLOADS['chat.message.sent'];
		const refusal = (body: unknown) => {
			const result = parse('chat.message.sent', body);
			return result.ok ? 'parsed' : result.reason;
		};

		it('an id over PostgreSQL BIGINT (2^63 - 1), as digits or with leading zeros past 19 digits', () => {
			for (const userId of ['1'.repeat(30), '9223372036854775808', '00000000000000000001']) {
				expect(refusal({ ...chat, broadcaster: { user_id: userId } }), userId).to.match(/^invalid field broadcaster\.user_id: expected an id/);
			}
			expect(refusal({ ...chat, sender: { ...chat.sender, user_id: '99999999999999999999' } })).to.match(/^invalid field sender\.user_id: /);
			expect(refusal({ ...chat, broadcaster: { user_id: -1 } })).to.match(/^invalid field broadcaster\.user_id: /);
		});

		it('takes the largest BIGINT, and writes an id with leading zeros as its canonical digits', () => {
			const largest = parsedEvent('chat.message.sent', {
				...chat,
				broadcaster: { user_id: '9223372036854775807' },
				sender: { ...chat.sender, user_id: '000042' }
			});
			expect(largest).to.deep.include({ broadcasterUserId: '9223372036854775807' });
			expect(largest.type === 'chat.message.sent' && largest.sender.userId).to.equal('42');
		});

		it('a NUL character or a lone surrogate in any text, naming the field', () => {
			const cases: [unknown, RegExp][] = [
				[{ ...chat, content: 'hi\u0000there' }, /^invalid field content: contains a NUL character or a lone surrogate$/],
				[{ ...chat, content: 'broken \ud83d pair' }, /^invalid field content: /],
				[{ ...chat, sender: { ...chat.sender, username: 'vic\udc00' } }, /^invalid field sender\.username: /],
				[
					{ ...chat, sender: { ...chat.sender, identity: { badges: [{ text: 'Mod\u0000', type: 'moderator' }] } } },
					/^invalid field sender\.identity\.badges\.0\.text: /
				],
				[{ ...chat, replies_to: { ...chat.replies_to, content: '\u0000' } }, /^invalid field replies_to\.content: /]
			];
			for (const [body, reason] of cases) expect(refusal(body)).to.match(reason);
			expect(refusal({ ...chat, content: 'a well-formed pair 🎲 stays' }), 'a surrogate pair is one character').to.equal('parsed');
		});

		it('a chat message id over 128 characters, or with characters other than printable ASCII', () => {
			for (const messageId of ['m'.repeat(129), 'id with spaces', 'idé', '']) {
				expect(refusal({ ...chat, message_id: messageId }), messageId.slice(0, 20)).to.match(/^invalid field message_id: expected an event id/);
			}
			expect(refusal({ ...chat, replies_to: { ...chat.replies_to, message_id: 'r'.repeat(3000) } })).to.match(/^invalid field replies_to\.message_id: /);
			expect(refusal({ ...chat, message_id: 'm'.repeat(128) })).to.equal('parsed');
		});

		it('a count beyond a PostgreSQL INTEGER', () => {
			const renewal = KICK_DOCS_WEBHOOK_PAYLOADS['channel.subscription.renewal'];
			const result = parse('channel.subscription.renewal', { ...renewal, duration: 2 ** 31 });
			expect(!result.ok && result.reason).to.match(/^invalid field duration: /);
		});

		it('does not quote a bad timestamp back (the reason goes into the answer and the log)', () => {
			expect(refusal({ ...chat, created_at: 'x'.repeat(10_000) })).to.equal('invalid field created_at: not an RFC 3339 date-time');
		});
	});
});
