import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { ServerEvent, type ApiRequest, type ApiResponse } from '@sapphire/plugin-api';

/**
 * Replaces @sapphire/plugin-api's listener of the same name, which answers a route's error with
 * its message (a database error would tell any client where the database is): the error goes to
 * the log, the client gets a generic 500.
 */
@ApplyOptions<Listener.Options>({ name: 'PluginRouteError', emitter: 'server', event: ServerEvent.RouteError })
export class AnswerRouteErrorListener extends Listener<typeof ServerEvent.RouteError> {
	public override run(error: Error, request: ApiRequest, response: ApiResponse): void {
		// The path only: a query can carry an OAuth code.
		this.container.logger.error(`HTTP: ${request.method} ${request.url?.split('?')[0]} failed in its route:`, error);
		if (!response.headersSent) response.status(500).json({ error: 'Internal Server Error' });
		else if (!response.writableEnded) response.end();
	}
}
