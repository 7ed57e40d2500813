import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';

/**
 * Readiness: 200 when Discord is connected, the database and Redis answer and every migration
 * is applied; 503 naming what is not ready. Checked at most once a second, however often asked.
 */
@ApplyOptions<Route.Options>({ name: 'ready', route: 'ready', methods: ['GET', 'HEAD'] })
export class ReadyRoute extends Route {
	public override async run(_request: Route.Request, response: Route.Response): Promise<void> {
		const readiness = await this.container.readiness.check();
		response.setHeader('Cache-Control', 'no-store');
		response.status(readiness.ready ? 200 : 503).json(readiness);
	}
}
