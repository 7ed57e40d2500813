import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';
import { loadGuildContext } from '#lib/guild/GuildContext';
import { answerKickOAuthCallback } from '#lib/kick/answerKickOAuthCallback';
import { resultPage } from '#lib/kick/resultPage';

/** Where Kick sends the browser back: after `/kick connect` the server is linked; after a member's sign-in, the feature that asked completes it. */
@ApplyOptions<Route.Options>({ name: 'kickOAuthCallback', route: 'kick/oauth/callback', methods: ['GET'] })
export class KickOAuthCallbackRoute extends Route {
	public override async run(request: Route.Request, response: Route.Response): Promise<void> {
		const { kick, logger, client, stores } = this.container;
		const authorizations = kick?.authorizations;
		if (kick === undefined || authorizations === undefined) {
			response.html(404, resultPage('Kick is not connected here', 'This bot has no Kick app configured.'));
			return;
		}
		const page = await answerKickOAuthCallback(request.query, {
			authorizations,
			linkServer: (completed) => kick.linkServer(completed),
			signInHandler: (purpose) => stores.get('kick-sign-ins').handlerFor(purpose),
			loadContext: (guildId) => loadGuildContext(guildId, client.guilds.cache.get(guildId.toString()) ?? null),
			logger
		});
		response.html(page.status, resultPage(page.title, page.message));
	}
}
