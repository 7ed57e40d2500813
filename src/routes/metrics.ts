import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';
import { hasBearerToken } from '#lib/http/bearerToken';
import { metricsRegistry } from '#lib/metrics/metrics';

/** Prometheus metrics in the text format; with METRICS_TOKEN, only for `Authorization: Bearer <token>`. */
@ApplyOptions<Route.Options>({ name: 'metrics', route: 'metrics', methods: ['GET'] })
export class MetricsRoute extends Route {
	public override async run(request: Route.Request, response: Route.Response): Promise<void> {
		const token = this.container.config.operations.metricsToken;
		if (token !== undefined && !hasBearerToken(request.headers.authorization, token)) {
			response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
			response.status(401).json({ error: 'METRICS_TOKEN is set: send it as Authorization: Bearer <token>' });
			return;
		}
		const text = await metricsRegistry.metrics();
		response.setHeader('Cache-Control', 'no-store');
		response.setHeader('Content-Type', metricsRegistry.contentType);
		response.status(200).end(text);
	}
}
