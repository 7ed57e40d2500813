import { expect } from 'chai';
import type { KickConnection } from '#lib/database/repositories/KickConnectionRepository';
import { describeKickStatus, describeUnlinked, explainKickUnavailable, type KickStatusFacts } from '#lib/kick/describeKickStatus';

const AT = new Date('2030-01-01T12:00:00Z');
const TIMESTAMP = `<t:${AT.getTime() / 1000}:R>`;

const connection: KickConnection = {
	broadcasterUserId: 4242n,
	channelSlug: 'gamblerjoe',
	connectedBy: 300000000000000001n,
	connectedAt: AT,
	eventsVia: 'webhook',
	subscriptionState: 'subscribed',
	subscriptionDetail: null,
	subscriptionCheckedAt: AT,
	needsReauthorizationSince: null,
	reauthorizationReason: null,
	isLive: true,
	liveTitle: null,
	liveSince: AT,
	lastEventAt: AT,
	lastEventType: 'chat.message.sent'
};

const fieldsOf = (facts: Partial<KickStatusFacts>) =>
	Object.fromEntries(
		describeKickStatus({ connection, chat: { ended: {}, waiting: 0, latestUndelivered: null }, parked: { count: 0, latest: null }, ...facts }).map(
			(field) => [field.name, field.value]
		)
	);

describe('describeKickStatus', () => {
	it('says how many bot messages were posted and that none was lost, and shows no parked events when there are none', () => {
		const fields = fieldsOf({ chat: { ended: { sent: 12 }, waiting: 0, latestUndelivered: null } });
		expect(fields['Bot messages in chat']).to.equal('12 posted in the last 24 h, none lost');
		expect(fields).to.not.have.property('Parked events');
	});

	it('names every way a message was not posted, the latest one with its reason, and what waits', () => {
		const fields = fieldsOf({
			chat: {
				ended: { sent: 40, failed: 1, expired: 3, dropped: 2, interrupted: 1 },
				waiting: 5,
				latestUndelivered: { status: 'expired', error: 'not sent in time: the bot was stopped or too busy', at: AT, content: 'hi' }
			}
		});
		expect(fields['Bot messages in chat']).to.equal(
			'40 posted in the last 24 h; 5 waiting; **not posted: 1 refused by Kick, 3 expired (too late to be worth posting), 2 dropped (queue full), 1 cut short by a stop (maybe posted)**; ' +
				`latest ${TIMESTAMP}: not sent in time: the bot was stopped or too busy`
		);
	});

	it('shows the events of the channel that were parked, with the latest error', () => {
		const fields = fieldsOf({ parked: { count: 2, latest: { eventKey: 'chat:1', error: 'Error: a listener failed', at: AT } } });
		expect(fields['Parked events']).to.equal(
			`**2** in the last 24 h: handing them over failed again and again, so they were set aside; latest ${TIMESTAMP}: Error: a listener failed`
		);
	});

	it('shows first that Kick is off on the bot, for a link made while it was on', () => {
		const fields = describeKickStatus({
			connection,
			chat: { ended: {}, waiting: 0, latestUndelivered: null },
			parked: { count: 0, latest: null },
			unavailable: 'Kick is off.'
		});
		expect(fields[0]).to.deep.equal({ name: 'Kick on this bot', value: 'Kick is off.' });
		expect(fieldsOf({})).to.not.have.property('Kick on this bot');
	});
});

describe('explainKickUnavailable and describeUnlinked', () => {
	it('with Kick off, names every variable the operator sets', () => {
		const off = explainKickUnavailable(false);
		for (const variable of ['KICK_CLIENT_ID', 'KICK_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEY', 'PUBLIC_URL']) expect(off).to.contain(`\`${variable}\``);
		expect(explainKickUnavailable(true)).to.equal(
			'This bot has no public address for Kick to send the authorisation back to: its operator sets `PUBLIC_URL` and restarts it.'
		);
	});

	it('tells moderators to link the server only when the bot can, in the form of the command they used', () => {
		expect(describeUnlinked(undefined, '!kick connect <channel>')).to.equal(
			'This server is not linked to a Kick channel. A moderator links it with `!kick connect <channel>`.'
		);
		expect(describeUnlinked(explainKickUnavailable(false), '/kick connect <channel>')).to.equal(
			`This server is not linked to a Kick channel. ${explainKickUnavailable(false)}`
		);
	});
});
