import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';
import { handleKickWebhook, KICK_WEBHOOK_MAX_BODY_BYTES, refuseTooLargeKickWebhook } from '#lib/kick/webhooks/handleKickWebhook';
import { dropRestOfBody, readBoundedBody } from '#lib/kick/webhooks/readBoundedBody';

/**
 * Kick's signed webhooks (handleKickWebhook decides the answer): the body is read with a hard
 * cap as it streams in, the answer goes out at once, then the claimed event is routed to the
 * linked servers.
 */
@ApplyOptions<Route.Options>({ name: 'kickWebhook', route: 'kick/webhook', methods: ['POST'], maximumBodyLength: KICK_WEBHOOK_MAX_BODY_BYTES })
export class KickWebhookRoute extends Route {
	public override async run(request: Route.Request, response: Route.Response): Promise<void> {
		const { kick, config, db, logger } = this.container;
		if (kick === undefined || kick.eventsVia !== 'webhook') {
			// The HTTP server listens for overlays too, with Kick off.
			response.status(404).json({
				error: kick === undefined ? 'This bot has no Kick app configured.' : 'This bot does not take Kick webhooks (KICK_EVENTS_VIA is socket).'
			});
			return;
		}
		const read = await readBoundedBody(request, KICK_WEBHOOK_MAX_BODY_BYTES);
		// The client went away: there is nobody to answer.
		if (read.kind === 'aborted') return;
		const answer =
			read.kind === 'too-large'
				? refuseTooLargeKickWebhook(logger)
				: await handleKickWebhook(
						{ headers: request.headers, rawBody: read.body },
						{ publicKey: kick.webhookPublicKey, maxAgeSeconds: config.kick!.webhookMaxAgeSeconds, receipts: db.kickEventReceipts, logger }
					);
		if (read.kind === 'too-large') dropRestOfBody(request, response);
		for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
		response.status(answer.status).json(answer.body);
		if (answer.claimed !== null) await kick.accept(answer.claimed, { claimed: true });
	}
}
