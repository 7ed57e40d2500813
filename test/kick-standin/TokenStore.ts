import { createHash, randomBytes } from 'node:crypto';
import type { KickUserRecord } from './KickDirectory.js';

/** Kick's scopes (docs: scopes/scopes.md); an authorize request naming another is refused. */
export const KICK_SCOPES = [
	'user:read',
	'channel:read',
	'channel:write',
	'channel:rewards:read',
	'channel:rewards:write',
	'chat:write',
	'streamkey:read',
	'events:subscribe',
	'moderation:ban',
	'moderation:chat_message:manage',
	'kicks:read'
] as const;

/** The Kick app the bot is (Kick's developer settings): its credentials and allowed redirect URIs. */
export interface KickAppSeed {
	readonly clientId?: string;
	readonly clientSecret?: string;
	/** Exact redirect URIs the app allows; when absent any http(s) URL is accepted. */
	readonly redirectUris?: readonly string[];
}

export interface KickApp {
	readonly clientId: string;
	readonly clientSecret: string;
	readonly redirectUris: readonly string[] | null;
}

export interface AuthorizeRequest {
	readonly redirectUri: string;
	readonly state: string;
	readonly scopes: readonly string[];
	readonly codeChallenge: string;
}

/** A token the stand-in issued; access and refresh tokens of one consent share a `grantId`. */
export interface IssuedToken {
	readonly accessToken: string;
	readonly refreshToken: string | null;
	readonly grantId: number;
	readonly clientId: string;
	/** Null for app tokens (client credentials). */
	readonly user: KickUserRecord | null;
	readonly scopes: readonly string[];
	expiresAt: number;
	accessRevoked: boolean;
	/** Spent by a refresh (rotation) or revoked. */
	refreshDead: boolean;
}

export interface TokenResponseBody {
	readonly access_token: string;
	readonly token_type: 'Bearer';
	readonly refresh_token?: string;
	readonly expires_in: number;
	readonly scope?: string;
}

interface AuthorizationCode {
	readonly clientId: string;
	readonly user: KickUserRecord;
	readonly request: AuthorizeRequest;
	readonly expiresAt: number;
	used: boolean;
}

/** An OAuth error as Kick's server answers it: `{ error, error_description }`. */
export class OAuthError extends Error {
	public constructor(
		public readonly status: number,
		public readonly error: string,
		description: string
	) {
		super(description);
	}

	public toBody(): { error: string; error_description: string } {
		return { error: this.error, error_description: this.message };
	}
}

// Kick's OAuth server words its errors as ory/fosite does; the stand-in appends what exactly went wrong.
const INVALID_GRANT =
	'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';
const INVALID_REQUEST =
	'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';
const INVALID_CLIENT = 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).';

const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** Authorization codes and tokens: PKCE, single-use codes, refresh-token rotation, expiry and revocation. */
export class TokenStore {
	private readonly codes = new Map<string, AuthorizationCode>();
	private readonly byAccessToken = new Map<string, IssuedToken>();
	private readonly byRefreshToken = new Map<string, IssuedToken>();
	private readonly refusedRefreshUserIds = new Set<string>();
	private nextGrantId = 1;

	public constructor(
		public readonly app: KickApp,
		private readonly now: () => number,
		private readonly lifetimeSeconds: number
	) {}

	/** Checks an authorize URL's parameters as Kick does; throws an OAuthError (400) naming the first problem. */
	public parseAuthorizeRequest(query: URLSearchParams): AuthorizeRequest {
		const parameter = (name: string): string => {
			const values = query.getAll(name);
			if (values.length !== 1 || values[0] === '') throw invalidAuthorize(`${name} is ${values.length > 1 ? 'given more than once' : 'missing'}`);
			return values[0]!;
		};
		if (parameter('client_id') !== this.app.clientId) throw invalidAuthorize(`client_id ${query.get('client_id')} is no app of this Kick`);
		if (parameter('response_type') !== 'code') throw invalidAuthorize('response_type must be code');
		const redirectUri = parameter('redirect_uri');
		if (!/^https?:\/\//.test(redirectUri) || !URL.canParse(redirectUri)) throw invalidAuthorize(`redirect_uri ${redirectUri} is not an http(s) URL`);
		if (this.app.redirectUris !== null && !this.app.redirectUris.includes(redirectUri)) {
			throw invalidAuthorize(`redirect_uri ${redirectUri} is not one of the app’s (${this.app.redirectUris.join(', ')})`);
		}
		const state = parameter('state');
		const scopes = parameter('scope').split(' ').filter(Boolean);
		const unknown = scopes.filter((scope) => !(KICK_SCOPES as readonly string[]).includes(scope));
		if (scopes.length === 0 || unknown.length > 0) {
			throw invalidAuthorize(`scope must name Kick scopes separated by spaces; unknown: ${unknown.join(', ') || 'none given'}`);
		}
		const codeChallenge = parameter('code_challenge');
		if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) throw invalidAuthorize('code_challenge must be 43 base64url characters (SHA-256)');
		if (parameter('code_challenge_method') !== 'S256') throw invalidAuthorize('code_challenge_method must be S256');
		return { redirectUri, state, scopes, codeChallenge };
	}

	/** The code a consenting user's browser carries back to the redirect URI. */
	public issueCode(request: AuthorizeRequest, user: KickUserRecord): string {
		const code = randomToken();
		this.codes.set(code, { clientId: this.app.clientId, user, request, expiresAt: this.now() + CODE_LIFETIME_MS, used: false });
		return code;
	}

	/** `POST /oauth/token` with its form: one of the three grants Kick supports. */
	public grant(form: Readonly<Record<string, string>>): TokenResponseBody {
		if (form.client_id !== this.app.clientId || form.client_secret !== this.app.clientSecret) throw new OAuthError(401, 'invalid_client', INVALID_CLIENT);
		switch (form.grant_type) {
			case 'authorization_code':
				return this.exchangeCode(form);
			case 'refresh_token':
				return this.refresh(form);
			case 'client_credentials':
				return this.respond(this.issue({ user: null, scopes: [], withRefresh: false, grantId: this.nextGrantId++ }));
			default:
				throw new OAuthError(
					400,
					'unsupported_grant_type',
					`The authorization grant type is not supported by the authorization server. Got ${form.grant_type ?? 'none'}.`
				);
		}
	}

	/** Revoking a refresh token ends its whole grant; revoking an access token ends that token only. */
	public revoke(token: string): void {
		const refreshed = this.byRefreshToken.get(token);
		if (refreshed) {
			for (const issued of this.byAccessToken.values()) {
				if (issued.grantId !== refreshed.grantId) continue;
				issued.accessRevoked = true;
				issued.refreshDead = true;
			}
			return;
		}
		const access = this.byAccessToken.get(token);
		if (access) access.accessRevoked = true;
	}

	/** The token behind a bearer value, if it is neither expired nor revoked. */
	public activeToken(accessToken: string): IssuedToken | undefined {
		const issued = this.byAccessToken.get(accessToken);
		return issued && !issued.accessRevoked && issued.expiresAt > this.now() ? issued : undefined;
	}

	/** The access tokens of a user that still work. */
	public activeTokensOf(user: KickUserRecord): IssuedToken[] {
		return [...this.byAccessToken.values()].filter((issued) => issued.user === user && this.activeToken(issued.accessToken) !== undefined);
	}

	public expireAccessToken(accessToken: string): void {
		const issued = this.byAccessToken.get(accessToken);
		if (!issued) throw new Error(`The Kick stand-in never issued access token ${accessToken}`);
		issued.expiresAt = this.now() - 1;
	}

	public expireAccessTokensOf(user: KickUserRecord): void {
		for (const issued of this.byAccessToken.values()) if (issued.user === user) issued.expiresAt = Math.min(issued.expiresAt, this.now() - 1);
	}

	/** The user's next refresh fails with invalid_grant and ends the grant, as when they disconnect the app on Kick. */
	public refuseNextRefresh(user: KickUserRecord): void {
		this.refusedRefreshUserIds.add(user.userId);
	}

	private exchangeCode(form: Readonly<Record<string, string>>): TokenResponseBody {
		const code = required(form, 'code');
		const redirectUri = required(form, 'redirect_uri');
		const verifier = required(form, 'code_verifier');
		const stored = this.codes.get(code);
		if (!stored || stored.clientId !== form.client_id) throw invalidGrant('The authorization code is unknown.');
		if (stored.used) throw invalidGrant('The authorization code has already been used.');
		// A code is spent by any attempt, so a wrong verifier cannot be retried with guesses.
		stored.used = true;
		if (stored.expiresAt <= this.now()) throw invalidGrant('The authorization code has expired.');
		if (redirectUri !== stored.request.redirectUri) throw invalidGrant('The redirect_uri differs from the one of the authorize request.');
		if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
			throw new OAuthError(400, 'invalid_request', `${INVALID_REQUEST} The code_verifier must be 43 to 128 unreserved characters.`);
		}
		if (createHash('sha256').update(verifier).digest('base64url') !== stored.request.codeChallenge) {
			throw invalidGrant('The PKCE code challenge did not match the code verifier.');
		}
		return this.respond(this.issue({ user: stored.user, scopes: stored.request.scopes, withRefresh: true, grantId: this.nextGrantId++ }));
	}

	private refresh(form: Readonly<Record<string, string>>): TokenResponseBody {
		const previous = this.byRefreshToken.get(required(form, 'refresh_token'));
		if (!previous || previous.clientId !== form.client_id) throw invalidGrant('The refresh token is unknown.');
		if (previous.refreshDead) throw invalidGrant('The refresh token has been used or revoked.');
		if (previous.user && this.refusedRefreshUserIds.delete(previous.user.userId)) {
			this.revoke(previous.refreshToken!);
			throw invalidGrant('The user has revoked the app’s access.');
		}
		// Rotation: the old refresh token stops working; the old access token lives until it expires.
		previous.refreshDead = true;
		return this.respond(this.issue({ user: previous.user, scopes: previous.scopes, withRefresh: true, grantId: previous.grantId }));
	}

	private issue(grant: { user: KickUserRecord | null; scopes: readonly string[]; withRefresh: boolean; grantId: number }): IssuedToken {
		const issued: IssuedToken = {
			accessToken: randomToken(),
			refreshToken: grant.withRefresh ? randomToken() : null,
			grantId: grant.grantId,
			clientId: this.app.clientId,
			user: grant.user,
			scopes: grant.scopes,
			expiresAt: this.now() + this.lifetimeSeconds * 1000,
			accessRevoked: false,
			refreshDead: false
		};
		this.byAccessToken.set(issued.accessToken, issued);
		if (issued.refreshToken !== null) this.byRefreshToken.set(issued.refreshToken, issued);
		return issued;
	}

	private respond(issued: IssuedToken): TokenResponseBody {
		const base = { access_token: issued.accessToken, token_type: 'Bearer' as const, expires_in: this.lifetimeSeconds };
		// App tokens come without refresh token or scope, as Kick's docs show.
		return issued.refreshToken === null ? base : { ...base, refresh_token: issued.refreshToken, scope: issued.scopes.join(' ') };
	}
}

function invalidAuthorize(problem: string): OAuthError {
	return new OAuthError(400, 'Invalid request', problem);
}

function invalidGrant(detail: string): OAuthError {
	return new OAuthError(400, 'invalid_grant', `${INVALID_GRANT} ${detail}`);
}

function required(form: Readonly<Record<string, string>>, name: string): string {
	const value = form[name];
	if (value === undefined || value === '') throw new OAuthError(400, 'invalid_request', `${INVALID_REQUEST} The ${name} is missing.`);
	return value;
}

function randomToken(): string {
	return randomBytes(32).toString('base64url');
}
