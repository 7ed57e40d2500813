import { BROADCASTER_PURPOSE, type PendingKickAuthorization } from '#lib/database/repositories/KickOAuthStatesRepository';
import type { GuildContext } from '#lib/guild/GuildContext';
import {
	KickAuthorizationError,
	parseKickOAuthCallback,
	type CompletedAuthorization,
	type KickAuthorizations,
	type KickOAuthCallback
} from '#lib/kick/KickAuthorizations';
import type { KickSignInHandler } from '#lib/kick/signIns/KickSignInHandler';

/** The page the browser shows after Kick sends it back to the bot. */
export interface KickOAuthCallbackPage {
	readonly status: number;
	readonly title: string;
	readonly message: string;
}

export interface KickOAuthCallbackDependencies {
	readonly authorizations: KickAuthorizations;
	/** Records a streamer's authorisation: the server is linked to the channel. */
	readonly linkServer: (completed: CompletedAuthorization) => Promise<void>;
	/** The handler that completes a feature's sign-ins, if one is loaded. */
	readonly signInHandler: (purpose: string) => Pick<KickSignInHandler, 'plugin' | 'startAgain' | 'complete'> | undefined;
	readonly loadContext: (guildId: bigint) => Promise<GuildContext>;
	readonly logger: { info(message: string): void; warn(message: string): void; error(message: string, error: unknown): void };
}

/** Before the state is read, the page cannot tell which authorisation it was about. */
const NOT_COMPLETED = 'The Kick authorisation did not complete';
const CHANNEL_NOT_LINKED = 'The Kick channel was not linked';
const SIGN_IN_NOT_COMPLETED = 'The Kick sign-in did not complete';

/**
 * Kick's redirect back to the bot (`GET /kick/oauth/callback`), whatever it was for: takes the
 * state once, then completes the streamer's authorisation (the server is linked), or a member's
 * sign-in, which the feature owning its purpose completes with the server's context. Refusals
 * are pages saying why in plain words; nothing is changed then.
 */
export async function answerKickOAuthCallback(
	query: Readonly<Record<string, unknown>>,
	dependencies: KickOAuthCallbackDependencies
): Promise<KickOAuthCallbackPage> {
	const { authorizations, logger } = dependencies;
	const parsed = parseKickOAuthCallback(query);
	if (!parsed.ok) {
		logger.warn('Kick authorisation refused (400): the callback came with malformed parameters.');
		return { status: 400, title: NOT_COMPLETED, message: parsed.reason };
	}
	let pending: PendingKickAuthorization;
	try {
		pending = await authorizations.take(parsed.callback);
	} catch (error) {
		return refusal(error, NOT_COMPLETED, 'Kick authorisation', logger);
	}
	return pending.purpose === BROADCASTER_PURPOSE
		? completeBroadcaster(pending, parsed.callback, dependencies)
		: completeSignIn(pending, parsed.callback, dependencies);
}

async function completeBroadcaster(
	pending: PendingKickAuthorization,
	callback: KickOAuthCallback,
	{ authorizations, linkServer, logger }: KickOAuthCallbackDependencies
): Promise<KickOAuthCallbackPage> {
	try {
		const completed = await authorizations.completeBroadcaster(pending, callback, logger);
		await linkServer(completed);
		return {
			status: 200,
			title: 'Kick channel linked',
			message: `The Discord server is now linked to kick.com/${completed.channelSlug}. You can close this tab; /kick status in Discord shows the connection.`
		};
	} catch (error) {
		return refusal(
			error,
			CHANNEL_NOT_LINKED,
			'Kick authorisation',
			logger,
			'Something failed on the bot’s side; nothing was changed. Try /kick connect again in a moment.'
		);
	}
}

async function completeSignIn(
	pending: PendingKickAuthorization,
	callback: KickOAuthCallback,
	dependencies: KickOAuthCallbackDependencies
): Promise<KickOAuthCallbackPage> {
	const { authorizations, logger } = dependencies;
	const what = `Kick sign-in (${pending.purpose}) of Discord user ${pending.discordUserId} in server ${pending.guildId}`;
	const handler = dependencies.signInHandler(pending.purpose);
	if (handler === undefined) {
		logger.warn(`${what} refused (410): no loaded plugin completes this purpose.`);
		return { status: 410, title: SIGN_IN_NOT_COMPLETED, message: 'This sign-in was for a feature this bot no longer runs. Nothing was changed.' };
	}
	try {
		// Before anything is asked of Kick: a feature switched off in that server does nothing there.
		const context = await dependencies.loadContext(pending.guildId);
		if (!context.pluginIsOn(handler.plugin)) {
			logger.warn(`${what} refused (403): plugin ${handler.plugin} is switched off there.`);
			return {
				status: 403,
				title: SIGN_IN_NOT_COMPLETED,
				message: `The ${handler.plugin} feature is switched off in that Discord server, so nothing was changed.`
			};
		}
		const signedIn = await authorizations.completeSignIn(pending, callback, logger);
		const page = await handler.complete({ discordUserId: signedIn.discordUserId.toString(), kick: signedIn.kick }, context);
		logger.info(`${what} completed as Kick user ${signedIn.kick.userId} (${signedIn.kick.name}): ${page.title}.`);
		return { status: page.status ?? 200, title: page.title, message: page.message };
	} catch (error) {
		return refusal(error, SIGN_IN_NOT_COMPLETED, what, logger, `Something failed on the bot’s side. ${handler.startAgain}`);
	}
}

/** A refusal's page (logged as a warning), or, for anything else, a failure's (logged as an error) saying `failed`. */
function refusal(
	error: unknown,
	title: string,
	what: string,
	logger: KickOAuthCallbackDependencies['logger'],
	failed = 'Something failed on the bot’s side; nothing was changed. Start again from Discord in a moment.'
): KickOAuthCallbackPage {
	if (error instanceof KickAuthorizationError) {
		logger.warn(`${what} refused (${error.status}): ${error.message}`);
		return { status: error.status, title, message: error.message };
	}
	logger.error(`${what} failed:`, error);
	return { status: 500, title, message: failed };
}
