import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';
import { KickAuthorizationError, parseKickOAuthCallback } from '#lib/kick/KickAuthorizations';
import { resultPage } from '#lib/kick/resultPage';

/** Where Kick sends the streamer's browser back after `/kick connect`: links the server the state was made for. */
@ApplyOptions<Route.Options>({ name: 'kickOAuthCallback', route: 'kick/oauth/callback', methods: ['GET'] })
export class KickOAuthCallbackRoute extends Route {
	public override async run(request: Route.Request, response: Route.Response): Promise<void> {
		const { kick, logger } = this.container;
		const authorizations = kick?.authorizations;
		if (kick === undefined || authorizations === undefined) {
			response.html(404, resultPage('Kick is not connected here', 'This bot has no Kick app configured.'));
			return;
		}
		const parsed = parseKickOAuthCallback(request.query);
		if (!parsed.ok) {
			logger.warn('Kick authorisation refused (400): the callback came with malformed parameters.');
			response.html(400, resultPage('The Kick channel was not linked', parsed.reason));
			return;
		}
		try {
			const completed = await authorizations.complete(parsed.callback, logger);
			await kick.linkServer(completed);
			response.html(
				200,
				resultPage(
					'Kick channel linked',
					`The Discord server is now linked to kick.com/${completed.channelSlug}. You can close this tab; /kick status in Discord shows the connection.`
				)
			);
		} catch (error) {
			if (error instanceof KickAuthorizationError) {
				logger.warn(`Kick authorisation refused (${error.status}): ${error.message}`);
				response.html(error.status, resultPage('The Kick channel was not linked', error.message));
				return;
			}
			logger.error('Kick authorisation failed:', error);
			response.html(
				500,
				resultPage('The Kick channel was not linked', 'Something failed on the bot’s side; nothing was changed. Try /kick connect again in a moment.')
			);
		}
	}
}
