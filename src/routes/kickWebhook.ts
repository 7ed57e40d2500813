import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';
import { parseWebhookEvent } from '#lib/kick/webhooks/parseWebhookEvent';
import { verifyKickWebhook } from '#lib/kick/webhooks/verifyKickWebhook';

/**
 * Kick's signed webhooks: verified on the raw body, claimed by Kick-Event-Message-Id in one
 * insert-if-absent, answered 200 at once, then routed to the linked servers. Nothing changes
 * for a bad signature (401), a stale timestamp (401), a malformed body (400) or a duplicate.
 */
@ApplyOptions<Route.Options>({ name: 'kickWebhook', route: 'kick/webhook', methods: ['POST'], maximumBodyLength: 1024 * 1024 })
export class KickWebhookRoute extends Route {
	public override async run(request: Route.Request, response: Route.Response): Promise<void> {
		const { kick, config, db, logger } = this.container;
		if (kick === undefined || kick.eventsVia !== 'webhook') {
			response.status(404).json({ error: 'This bot does not take Kick webhooks (KICK_EVENTS_VIA is socket).' });
			return;
		}
		const rawBody = Buffer.from(await request.readBodyArrayBuffer());
		const verified = verifyKickWebhook({
			headers: request.headers,
			rawBody,
			publicKey: kick.webhookPublicKey,
			now: new Date(),
			maxAgeSeconds: config.kick!.webhookMaxAgeSeconds
		});
		if (!verified.ok) {
			logger.warn(`Kick webhook refused (${verified.status}): ${verified.reason}.`);
			response.status(verified.status).json({ error: verified.reason });
			return;
		}
		let body: unknown;
		try {
			body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			logger.warn(`Kick webhook ${verified.messageId} refused (400): the body is not JSON.`);
			response.status(400).json({ error: 'the body is not JSON' });
			return;
		}
		const parsed = parseWebhookEvent({ eventType: verified.eventType, eventVersion: verified.eventVersion, messageId: verified.messageId, body, receivedAt: new Date() });
		if (!parsed.ok) {
			// An event type the bot did not ask for is acknowledged, so Kick does not retry it forever.
			const unsupported = parsed.reason === 'unsupported';
			logger.warn(`Kick webhook ${verified.messageId} (${verified.eventType} v${verified.eventVersion}) ${unsupported ? 'ignored: not an event the bot handles' : `refused (400): ${parsed.reason}`}.`);
			response.status(unsupported ? 200 : 400).json(unsupported ? { status: 'ignored' } : { error: parsed.reason });
			return;
		}
		// One insert-if-absent records the delivery and the event (a chat message by its own id, so a resend under a new delivery id is caught too).
		const claimed = await db.kickEventReceipts.claim(parsed.event.eventKey, { event: parsed.event, deliveryKey: `webhook:${verified.messageId}` });
		if (!claimed) {
			response.status(200).json({ status: 'duplicate' });
			return;
		}
		response.status(200).json({ status: 'accepted' });
		await kick.accept(parsed.event, { claimed: true });
	}
}
