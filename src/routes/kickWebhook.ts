import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';
import { handleKickWebhook, KICK_WEBHOOK_MAX_BODY_BYTES, refuseTooLargeKickWebhook } from '#lib/kick/webhooks/handleKickWebhook';
import { dropRestOfBody, readBoundedBody } from '#lib/kick/webhooks/readBoundedBody';
import { InFlightLimit } from '#lib/http/InFlightLimit';
import { kickWebhookAnswers, kickWebhookShed, scrapeSources } from '#lib/metrics/metrics';

/** How long Kick is asked to wait when too many deliveries are in flight. */
const SHED_RETRY_AFTER_SECONDS = 5;

/**
 * Kick's signed webhooks (handleKickWebhook decides the answer): the body is read with a hard
 * cap as it streams in, the answer goes out at once, then the claimed event is routed to the
 * linked servers.
 */
@ApplyOptions<Route.Options>({ name: 'kickWebhook', route: 'kick/webhook', methods: ['POST'], maximumBodyLength: KICK_WEBHOOK_MAX_BODY_BYTES })
export class KickWebhookRoute extends Route {
	/** Deliveries this process is taking in, from the request until their event is handed over (KICK_WEBHOOK_MAX_IN_FLIGHT). */
	private readonly deliveries = new InFlightLimit(this.container.config.operations.maxWebhooksInFlight);

	public override onLoad(): unknown {
		scrapeSources.webhooksInFlight = () => this.deliveries.current;
		return super.onLoad();
	}

	public override async run(request: Route.Request, response: Route.Response): Promise<void> {
		// Past the bound Kick is asked to retry later (it does), instead of deliveries waiting in memory while the database or the listeners fall behind.
		if (!this.deliveries.tryEnter()) {
			kickWebhookShed.inc();
			response.setHeader('Retry-After', String(SHED_RETRY_AFTER_SECONDS));
			response.status(503).json({ error: 'too busy; retry later' });
			return;
		}
		try {
			await this.answer(request, response);
		} finally {
			this.deliveries.leave();
		}
	}

	private async answer(request: Route.Request, response: Route.Response): Promise<void> {
		const { kick, config, db, logger } = this.container;
		if (kick === undefined || kick.eventsVia !== 'webhook') {
			// The HTTP server listens for overlays too, with Kick off.
			kickWebhookAnswers.inc(404);
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
		for (const name in answer.headers) response.setHeader(name, answer.headers[name]!);
		kickWebhookAnswers.inc(answer.status);
		response.status(answer.status).json(answer.body);
		if (answer.claimed !== null) await kick.accept(answer.claimed, { claimed: true });
	}
}
