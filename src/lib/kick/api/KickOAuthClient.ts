import { z } from 'zod';
import { KickApiError } from './KickApiError.js';
import { callKick, callKickJson, DEFAULT_KICK_TIMEOUT_MS, type KickHttp } from './kickHttp.js';
import { envelope } from './kickSchemas.js';

export const KICK_AUTH_URL = 'https://id.kick.com';

export interface KickOAuthClientOptions {
	/** Kick's OAuth server; https://id.kick.com unless a stand-in. */
	readonly authUrl?: string;
	readonly clientId: string;
	readonly clientSecret: string;
	readonly fetch?: typeof fetch;
	/** How long one call may take before it fails as retryable; 10 s by default. */
	readonly timeoutMs?: number;
	/** The clock `expiresAt` is computed from, in ms since the epoch. */
	readonly now?: () => number;
}

export interface KickTokenSet {
	readonly accessToken: string;
	/** Null for app tokens (client credentials). */
	readonly refreshToken: string | null;
	readonly expiresAt: Date;
	readonly scopes: string[];
	readonly tokenType: string;
}

export interface KickTokenIntrospection {
	readonly active: boolean;
	readonly clientId: string | null;
	readonly tokenType: 'user' | 'app' | null;
	readonly scopes: string[];
	readonly expiresAt: Date | null;
}

export interface KickAuthorizeRequest {
	readonly redirectUri: string;
	readonly state: string;
	readonly scopes: readonly string[];
	/** The S256 challenge of the PKCE pair whose verifier `exchangeCode` will send. */
	readonly codeChallenge: string;
}

export interface KickCodeExchange {
	readonly code: string;
	/** The same redirect URI the authorize URL carried. */
	readonly redirectUri: string;
	readonly codeVerifier: string;
}

const tokenResponse = z.object({
	access_token: z.string().min(1),
	token_type: z.string().min(1),
	refresh_token: z.string().min(1).nullish(),
	// Kick's docs show "" placeholders; the server sends a number.
	expires_in: z.coerce.number().int().positive(),
	scope: z.string().nullish()
});

const introspectionResponse = envelope(
	z.object({
		active: z.boolean(),
		client_id: z.string().nullish(),
		token_type: z.enum(['user', 'app']).nullish(),
		scope: z.string().nullish(),
		exp: z.number().int().nullish()
	})
);

const INACTIVE: KickTokenIntrospection = { active: false, clientId: null, tokenType: null, scopes: [], expiresAt: null };

/**
 * Kick's OAuth 2.1 server (id.kick.com): the authorize URL with PKCE, code exchange, refresh,
 * app tokens, revocation and introspection. Every failure is a {@link KickApiError}; a refresh
 * Kick refuses with an OAuth error (invalid_grant: the grant is dead) has status 400 or 401 and is
 * not retryable; any other failure of the token endpoint (no answer, 5xx, an edge block) is.
 */
export class KickOAuthClient {
	private readonly authUrl: string;
	private readonly clientId: string;
	private readonly clientSecret: string;
	private readonly http: KickHttp;
	private readonly now: () => number;

	public constructor(options: KickOAuthClientOptions) {
		this.authUrl = (options.authUrl ?? KICK_AUTH_URL).replace(/\/+$/, '');
		this.clientId = options.clientId;
		this.clientSecret = options.clientSecret;
		this.http = { fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? DEFAULT_KICK_TIMEOUT_MS };
		this.now = options.now ?? Date.now;
	}

	/** Where to send the user's browser to consent. */
	public authorizeUrl(request: KickAuthorizeRequest): string {
		const url = new URL(`${this.authUrl}/oauth/authorize`);
		url.search = new URLSearchParams({
			response_type: 'code',
			client_id: this.clientId,
			redirect_uri: request.redirectUri,
			scope: request.scopes.join(' '),
			code_challenge: request.codeChallenge,
			code_challenge_method: 'S256',
			state: request.state
		}).toString();
		return url.toString();
	}

	public exchangeCode(exchange: KickCodeExchange): Promise<KickTokenSet> {
		return this.token('exchange an authorization code', {
			grant_type: 'authorization_code',
			code: exchange.code,
			redirect_uri: exchange.redirectUri,
			code_verifier: exchange.codeVerifier
		});
	}

	/** A new token pair; Kick rotates refresh tokens, so store the returned one and forget the old. */
	public refresh(refreshToken: string): Promise<KickTokenSet> {
		return this.token('refresh a token', { grant_type: 'refresh_token', refresh_token: refreshToken });
	}

	/** An app access token (client credentials): public data, no user, no refresh token. */
	public appToken(): Promise<KickTokenSet> {
		return this.token('issue an app token', { grant_type: 'client_credentials' });
	}

	public async revoke(token: string, hint: 'access_token' | 'refresh_token'): Promise<void> {
		// Kick takes both as query parameters, and names the hint `token_hint_type`.
		const url = new URL(`${this.authUrl}/oauth/revoke`);
		url.search = new URLSearchParams({ token, token_hint_type: hint }).toString();
		await callKick(this.http, {
			method: 'POST',
			url,
			endpoint: 'POST /oauth/revoke',
			purpose: hint === 'access_token' ? 'revoke an access token' : 'revoke a refresh token',
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
	}

	/** What Kick knows of an access token; an expired, revoked or unknown one is `active: false`. */
	public async introspect(accessToken: string): Promise<KickTokenIntrospection> {
		let response: z.output<typeof introspectionResponse>;
		try {
			response = await callKickJson(
				this.http,
				{
					method: 'POST',
					url: new URL(`${this.authUrl}/oauth/token/introspect`),
					endpoint: 'POST /oauth/token/introspect',
					purpose: 'introspect a token',
					headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }
				},
				introspectionResponse
			);
		} catch (error) {
			// The token authenticates its own introspection, so Kick may answer a dead one with 401.
			if (error instanceof KickApiError && error.status === 401) return INACTIVE;
			throw error;
		}
		const data = response.data;
		if (!data.active) return INACTIVE;
		return {
			active: true,
			clientId: data.client_id ?? null,
			tokenType: data.token_type ?? null,
			scopes: splitScopes(data.scope),
			expiresAt: data.exp === undefined || data.exp === null ? null : new Date(data.exp * 1000)
		};
	}

	private async token(purpose: string, grant: Record<string, string>): Promise<KickTokenSet> {
		const requestedAt = this.now();
		const body = await callKickJson(
			this.http,
			{
				method: 'POST',
				url: new URL(`${this.authUrl}/oauth/token`),
				endpoint: 'POST /oauth/token',
				purpose,
				onlyOAuthErrorsRefuse: true,
				headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
				body: new URLSearchParams({ ...grant, client_id: this.clientId, client_secret: this.clientSecret }).toString()
			},
			tokenResponse
		);
		return {
			accessToken: body.access_token,
			refreshToken: body.refresh_token ?? null,
			// From the time of asking, so a slow answer makes the token look shorter-lived, never longer.
			expiresAt: new Date(requestedAt + body.expires_in * 1000),
			scopes: splitScopes(body.scope),
			tokenType: body.token_type
		};
	}
}

function splitScopes(scope: string | null | undefined): string[] {
	return (scope ?? '').split(' ').filter((name) => name !== '');
}
