import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { ServerEvent, type ApiRequest, type ApiResponse } from '@sapphire/plugin-api';
import { answerInternalError } from '#lib/http/answerInternalError';

/** Replaces @sapphire/plugin-api's listener of the same name, which answers a middleware's error with its message. */
@ApplyOptions<Listener.Options>({ name: 'PluginServerMiddlewareError', emitter: 'server', event: ServerEvent.MiddlewareError })
export class AnswerMiddlewareErrorListener extends Listener<typeof ServerEvent.MiddlewareError> {
	public override run(error: Error, request: ApiRequest, response: ApiResponse): void {
		answerInternalError(error, request, response, 'a middleware');
	}
}
