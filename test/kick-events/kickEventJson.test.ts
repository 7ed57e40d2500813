import { expect } from 'chai';
import type { KickEvent } from '#lib/kick/events/KickEvent';
import { kickEventFromJson, kickEventToJson, withDatesAsText } from '#lib/kick/events/kickEventJson';

const EVENTS: readonly KickEvent[] = [
	{
		type: 'chat.message.sent',
		broadcasterUserId: '4242',
		eventKey: 'chat:m1',
		receivedVia: 'webhook',
		at: new Date('2026-03-01T12:00:00.123Z'),
		messageId: 'm1',
		sender: { userId: '5555', username: 'viewer_anna', channelSlug: null, badges: [{ text: 'Subscriber', type: 'subscriber', count: 3 }] },
		content: 'hello "chat" \\ 🎲',
		repliesTo: null
	},
	{
		type: 'livestream.status.updated',
		broadcasterUserId: '4242',
		eventKey: 'webhook:01JHFBQ9R6XKZ3N8W2V4T7Y5M1',
		receivedVia: 'webhook',
		at: new Date('2026-03-01T12:00:00Z'),
		isLive: false,
		title: null,
		startedAt: new Date('2026-03-01T10:00:00Z'),
		endedAt: new Date('2026-03-01T12:00:00Z')
	},
	{
		type: 'channel.subscription.new',
		broadcasterUserId: '4242',
		eventKey: 'webhook:01JHFBQ9R6XKZ3N8W2V4T7Y5M2',
		receivedVia: 'webhook',
		at: new Date('2026-03-01T12:00:00Z'),
		subscriber: { userId: '5555', username: 'viewer_anna', channelSlug: 'viewer_anna' },
		duration: 1,
		expiresAt: null
	}
];

describe('Kick events as stored with their receipts', () => {
	it('stores an event as JSON.stringify writes it, dates as text, and reads it back whole', () => {
		for (const event of EVENTS) {
			expect(kickEventToJson(event), event.type).to.equal(JSON.stringify(event));
			expect(JSON.stringify(withDatesAsText(event)), event.type).to.equal(JSON.stringify(event));
			expect(kickEventFromJson(kickEventToJson(event)), event.type).to.deep.equal(event);
		}
	});

	it('leaves the event itself as it was', () => {
		const [chat] = EVENTS;
		withDatesAsText(chat!);
		expect(chat!.at).to.be.an.instanceOf(Date);
	});
});
