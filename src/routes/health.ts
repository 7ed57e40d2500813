import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';

/** Liveness: the process is up and its HTTP server answers (what a container's HEALTHCHECK asks). It checks nothing else, so a busy database never restarts the bot. */
@ApplyOptions<Route.Options>({ name: 'health', route: 'health', methods: ['GET', 'HEAD'] })
export class HealthRoute extends Route {
	public override run(_request: Route.Request, response: Route.Response): void {
		response.setHeader('Cache-Control', 'no-store');
		response.status(200).json({ status: 'ok' });
	}
}
