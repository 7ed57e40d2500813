import type { KickUserRecord } from './KickDirectory.js';
import { bearerToken, type Routes, type StandInRequest, type StandInResponse } from './standInHttp.js';
import { OAuthError, type TokenStore } from './TokenStore.js';

export interface OAuthRouteDependencies {
	readonly tokens: TokenStore;
	/** Who the browser visiting /oauth/authorize is signed in as. */
	readonly signedInUser: () => KickUserRecord | null;
}

/** id.kick.com: authorize (auto-consent as the signed-in user), token, revoke, introspect. */
export function oauthRoutes({ tokens, signedInUser }: OAuthRouteDependencies): Routes {
	return {
		'/oauth/authorize': {
			GET: (request) =>
				oauthAnswer(() => {
					const authorize = tokens.parseAuthorizeRequest(request.query);
					const user = signedInUser();
					if (!user) throw new OAuthError(401, 'login_required', 'No Kick user is signed in to the stand-in; call signIn(username) first.');
					return { status: 302, headers: { location: redirectWithCode(authorize.redirectUri, tokens.issueCode(authorize, user), authorize.state) } };
				})
		},
		'/oauth/token': {
			POST: (request) =>
				oauthAnswer(() => {
					if (request.contentType !== 'application/x-www-form-urlencoded') {
						throw new OAuthError(
							400,
							'invalid_request',
							`The token endpoint takes application/x-www-form-urlencoded, not ${request.contentType || 'no content type'}.`
						);
					}
					return { status: 200, json: tokens.grant(request.body as Record<string, string>) };
				})
		},
		'/oauth/revoke': {
			POST: (request) =>
				oauthAnswer(() => {
					const token = request.query.get('token');
					const hint = request.query.get('token_hint_type');
					if (!token) throw new OAuthError(400, 'Invalid request', 'The token query parameter is missing.');
					if (hint !== null && hint !== 'access_token' && hint !== 'refresh_token') {
						throw new OAuthError(400, 'Invalid request', `token_hint_type must be access_token or refresh_token, not ${hint}.`);
					}
					tokens.revoke(token);
					return { status: 200, text: 'OK' };
				})
		},
		'/oauth/token/introspect': {
			POST: (request) => introspect(tokens, request)
		}
	};
}

export function redirectWithCode(redirectUri: string, code: string, state: string): string {
	const url = new URL(redirectUri);
	url.searchParams.set('code', code);
	url.searchParams.set('state', state);
	return url.toString();
}

function introspect(tokens: TokenStore, request: StandInRequest): StandInResponse {
	const bearer = bearerToken(request);
	const issued = bearer === null ? undefined : tokens.activeToken(bearer);
	if (!issued) return { status: 401, json: { data: {}, message: 'Unauthorized' } };
	return {
		status: 200,
		json: {
			data: {
				active: true,
				client_id: issued.clientId,
				token_type: issued.user === null ? 'app' : 'user',
				scope: issued.scopes.join(' '),
				exp: Math.floor(issued.expiresAt / 1000)
			},
			message: 'OK'
		}
	};
}

function oauthAnswer(answer: () => StandInResponse): StandInResponse {
	try {
		return answer();
	} catch (error) {
		if (error instanceof OAuthError) return { status: error.status, json: error.toBody() };
		throw error;
	}
}
