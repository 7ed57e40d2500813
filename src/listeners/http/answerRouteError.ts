import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { ServerEvent, type ApiRequest, type ApiResponse } from '@sapphire/plugin-api';
import { answerInternalError } from '#lib/http/answerInternalError';

/**
 * Replaces @sapphire/plugin-api's listener of the same name, which answers a route's error with
 * its message (a database error would tell any client where the database is).
 */
@ApplyOptions<Listener.Options>({ name: 'PluginRouteError', emitter: 'server', event: ServerEvent.RouteError })
export class AnswerRouteErrorListener extends Listener<typeof ServerEvent.RouteError> {
	public override run(error: Error, request: ApiRequest, response: ApiResponse): void {
		answerInternalError(error, request, response, 'its route');
	}
}
