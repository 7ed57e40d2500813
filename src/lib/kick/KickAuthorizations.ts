import type { Database } from '#lib/database/Database';
import { BROADCASTER_PURPOSE, type KickOAuthPurpose, type PendingKickAuthorization } from '#lib/database/repositories/KickOAuthStatesRepository';
import type { KickApiClient } from '#lib/kick/api/KickApiClient';
import { KickApiError } from '#lib/kick/api/KickApiError';
import type { KickOAuthClient, KickTokenSet } from '#lib/kick/api/KickOAuthClient';
import { createOAuthState, createPkcePair } from '#lib/kick/api/pkce';

/** What the bot asks a streamer for: read the channel and its events, and post in its chat. */
export const BROADCASTER_SCOPES = ['user:read', 'channel:read', 'chat:write', 'events:subscribe'] as const;
/** What a member's sign-in asks for: who they are on Kick, nothing more (the tokens are revoked once that is read). */
export const SIGN_IN_SCOPES = ['user:read'] as const;
/** How long an authorisation link works. */
export const AUTHORIZATION_LIFETIME_MS = 10 * 60_000;
/** The bot's HTTP path Kick sends the browser back to. */
export const OAUTH_CALLBACK_PATH = '/kick/oauth/callback';

/** A finished authorisation: the server is now linked to this channel. */
export interface CompletedAuthorization {
	readonly guildId: bigint;
	readonly discordUserId: bigint;
	readonly broadcasterUserId: bigint;
	readonly channelSlug: string;
	readonly kickUsername: string;
}

/** The Kick account a member signed in with, as Kick named it. */
export interface KickIdentity {
	readonly userId: bigint;
	readonly name: string;
}

/** A finished sign-in: who signed in on Kick, for which member, server and purpose. The tokens are already revoked. */
export interface CompletedSignIn {
	readonly guildId: bigint;
	readonly discordUserId: bigint;
	readonly purpose: KickOAuthPurpose;
	readonly kick: KickIdentity;
}

/** Why an authorisation did not complete, in words for the browser page; nothing was stored. */
export class KickAuthorizationError extends Error {
	public constructor(
		message: string,
		public readonly status: 400 | 403 | 410 | 502
	) {
		super(message);
		this.name = 'KickAuthorizationError';
	}
}

/** The callback's query as the bot reads it: each parameter once, absent ones null. */
export interface KickOAuthCallback {
	readonly code: string | null;
	readonly state: string | null;
	readonly error: string | null;
}

/** Where a refusal after the code exchange is reported when Kick would not revoke the tokens it issued. */
export interface KickAuthorizationLogger {
	warn(message: string): void;
}

/**
 * The bounds of the callback's parameters: `state` as the bot makes them (base64url, 43
 * characters today), `code` and `error` in the character sets of RFC 6749 (appendix A),
 * with room to spare in length. Other parameters (`error_description`) are never read.
 */
const CALLBACK_PARAMETERS = {
	state: /^[A-Za-z0-9_-]{1,128}$/,
	code: /^[\x20-\x7E]{1,2048}$/,
	error: /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,128}$/
} as const;

/**
 * The callback's query (values as the HTTP server parsed them, anything) as a KickOAuthCallback,
 * or a refusal in words for the browser page when a parameter is not what Kick or the bot sends.
 */
export function parseKickOAuthCallback(
	query: Readonly<Record<string, unknown>>
): { readonly ok: true; readonly callback: KickOAuthCallback } | { readonly ok: false; readonly reason: string } {
	const values: Record<keyof typeof CALLBACK_PARAMETERS, string | null> = { state: null, code: null, error: null };
	for (const name of ['state', 'code', 'error'] as const) {
		const value = query[name];
		if (value === undefined || value === '') continue;
		if (typeof value !== 'string' || !CALLBACK_PARAMETERS[name].test(value)) {
			return {
				ok: false,
				reason: `This page was opened with a malformed "${name}" parameter, not one Kick sends. ${START_AGAIN_FROM_DISCORD}`
			};
		}
		values[name] = value;
	}
	return { ok: true, callback: values };
}

export interface KickAuthorizationsOptions {
	readonly database: Database;
	readonly oauth: KickOAuthClient;
	readonly api: KickApiClient;
	/** The bot's public base URL; the callback is under it. */
	readonly publicUrl: string;
	/** How a member starts a sign-in of this purpose again (the feature that owns it says), for refusal pages. */
	readonly startAgain?: (purpose: KickOAuthPurpose) => string | undefined;
	readonly now?: () => number;
}

/** For a page that cannot tell which authorisation it was about. */
const START_AGAIN_FROM_DISCORD = 'Start again from Discord: the command or button that gave you the link makes a new one.';

/**
 * Kick's OAuth 2.1 with PKCE for one server: the streamer authorisation (`start`, then
 * `completeBroadcaster`), and a member's sign-in for a feature (`startSignIn`, then
 * `completeSignIn`, which reads who signed in and revokes the tokens). The callback first
 * `take`s the state: single-use, bound to the server, the member and the purpose, expiring
 * after 10 minutes.
 */
export class KickAuthorizations {
	private readonly now: () => number;

	public constructor(private readonly options: KickAuthorizationsOptions) {
		this.now = options.now ?? Date.now;
	}

	public get redirectUri(): string {
		return `${this.options.publicUrl}${OAUTH_CALLBACK_PATH}`;
	}

	/** @returns the Kick authorisation URL to show the moderator (ephemerally: it is theirs alone). */
	public start(request: { guildId: bigint; discordUserId: bigint; channelSlug: string }): Promise<{ url: string; expiresAt: Date }> {
		const { guildId, discordUserId, channelSlug } = request;
		return this.begin({ guildId, discordUserId, purpose: BROADCASTER_PURPOSE, requestedSlug: channelSlug.toLowerCase() }, BROADCASTER_SCOPES);
	}

	/**
	 * Starts a member's sign-in with Kick for a feature (`purpose`, never the streamer's): the URL
	 * to show them alone. Their earlier pending sign-in for the same purpose here stops working.
	 */
	public async startSignIn(request: { guildId: bigint; discordUserId: bigint; purpose: KickOAuthPurpose }): Promise<{ url: string; expiresAt: Date }> {
		if (request.purpose === BROADCASTER_PURPOSE) throw new TypeError('The streamer authorisation starts with start(), not startSignIn().');
		return this.begin({ ...request, requestedSlug: null }, SIGN_IN_SCOPES);
	}

	/**
	 * The callback's first step: takes its state, once, whichever server and purpose it was made for.
	 * @throws {KickAuthorizationError} for a missing, unknown (already used, or never made) or expired state.
	 */
	public async take(callback: KickOAuthCallback): Promise<PendingKickAuthorization> {
		if (callback.state === null || callback.state.length === 0)
			throw new KickAuthorizationError(`This page was opened without an authorisation state. ${START_AGAIN_FROM_DISCORD}`, 400);
		const taken = await this.options.database.system.consumeKickOAuthState(callback.state, new Date(this.now()));
		if (taken.outcome === 'expired')
			throw new KickAuthorizationError(`This authorisation link expired (they work for 10 minutes). ${this.startAgain(taken.purpose)}`, 410);
		if (taken.outcome === 'unknown')
			throw new KickAuthorizationError(`This authorisation link was already used or is not ours. ${START_AGAIN_FROM_DISCORD}`, 410);
		return taken.pending;
	}

	/**
	 * The streamer authorisation, from its taken state: exchanges the code with its verifier, and
	 * checks that the Kick account that signed in owns the channel the moderator named. Stores the
	 * tokens (encrypted) for that server only.
	 * Once the code is exchanged, any refusal or failure revokes the tokens Kick issued (best
	 * effort; `logger` is told when Kick would not), so none stays active for a link never made.
	 * @throws {KickAuthorizationError} saying what went wrong; nothing is stored then.
	 */
	public async completeBroadcaster(
		pending: PendingKickAuthorization,
		callback: KickOAuthCallback,
		logger: KickAuthorizationLogger
	): Promise<CompletedAuthorization> {
		if (pending.purpose !== BROADCASTER_PURPOSE) throw new TypeError(`A ${pending.purpose} sign-in is completed by completeSignIn().`);
		if (callback.error !== null)
			throw new KickAuthorizationError(`Kick did not authorise the bot (${callback.error}). Nothing was changed; run /kick connect again to retry.`, 403);
		if (callback.code === null || callback.code.length === 0)
			throw new KickAuthorizationError('Kick sent no authorisation code. Start again with /kick connect in Discord.', 400);

		let issued: KickTokenSet | undefined;
		try {
			const tokens = await this.options.oauth.exchangeCode({ code: callback.code, redirectUri: this.redirectUri, codeVerifier: pending.codeVerifier });
			issued = tokens;
			const missing = BROADCASTER_SCOPES.filter((scope) => !tokens.scopes.includes(scope));
			if (tokens.scopes.length > 0 && missing.length > 0) {
				throw new KickAuthorizationError(
					`Kick granted the bot less than it needs (missing ${missing.join(', ')}). Run /kick connect again and accept every permission.`,
					403
				);
			}
			const user = await this.options.api.currentUser(tokens.accessToken);
			const slug = pending.requestedSlug ?? user.name.toLowerCase();
			const channel = await this.options.api.channelBySlug(tokens.accessToken, slug);
			if (channel === null) throw new KickAuthorizationError(`There is no Kick channel "${slug}". Check the name and run /kick connect again.`, 400);
			if (channel.broadcasterUserId !== user.userId) {
				throw new KickAuthorizationError(
					`You signed in to Kick as ${user.name}, who does not own kick.com/${channel.slug}. The channel’s owner must authorise; nothing was changed.`,
					403
				);
			}
			const repositories = this.options.database.forGuild(pending.guildId);
			const broadcasterUserId = BigInt(channel.broadcasterUserId);
			await repositories.kickTokens.save({
				kickUserId: broadcasterUserId,
				kickUsername: user.name,
				accessToken: tokens.accessToken,
				refreshToken: tokens.refreshToken,
				scopes: tokens.scopes,
				expiresAt: tokens.expiresAt
			});
			return { guildId: pending.guildId, discordUserId: pending.discordUserId, broadcasterUserId, channelSlug: channel.slug, kickUsername: user.name };
		} catch (error) {
			// Nothing throws after the tokens are saved: issued tokens seen here were never stored.
			if (issued !== undefined) await this.revoke(issued, 'a refused authorisation', logger);
			if (error instanceof KickApiError)
				throw new KickAuthorizationError(`Kick could not complete the authorisation (${error.message}). Run /kick connect again.`, 502);
			throw error;
		}
	}

	/**
	 * A member's sign-in, from its taken state: exchanges the code with its verifier, reads which
	 * Kick account signed in, and revokes the tokens (best effort; `logger` is told when Kick would
	 * not), whatever happens: the bot keeps nothing of them. PKCE binds a code to the link it was
	 * made through, so a code brought back with another link's state (of another server or
	 * member) is refused by Kick, and so here.
	 * @throws {KickAuthorizationError} saying what went wrong, and how to start again.
	 */
	public async completeSignIn(pending: PendingKickAuthorization, callback: KickOAuthCallback, logger: KickAuthorizationLogger): Promise<CompletedSignIn> {
		if (pending.purpose === BROADCASTER_PURPOSE) throw new TypeError('The streamer authorisation is completed by completeBroadcaster().');
		const again = this.startAgain(pending.purpose);
		if (callback.error !== null) throw new KickAuthorizationError(`You did not sign in on Kick (${callback.error}). Nothing was changed. ${again}`, 403);
		if (callback.code === null || callback.code.length === 0) throw new KickAuthorizationError(`Kick sent no sign-in code. ${again}`, 400);
		let tokens: KickTokenSet;
		try {
			tokens = await this.options.oauth.exchangeCode({ code: callback.code, redirectUri: this.redirectUri, codeVerifier: pending.codeVerifier });
		} catch (error) {
			if (!(error instanceof KickApiError)) throw error;
			// Kick refuses a code that was spent, expired, or made through another link (its PKCE challenge is not this state's).
			if (error.status === 400 && !error.retryable)
				throw new KickAuthorizationError(
					`Kick did not accept this sign-in for this link: it was made through another link, or already used. Nothing was changed. ${again}`,
					403
				);
			throw new KickAuthorizationError(`Kick could not complete the sign-in (${error.message}). Nothing was changed. ${again}`, 502);
		}
		try {
			if (tokens.scopes.length > 0 && !tokens.scopes.includes('user:read'))
				throw new KickAuthorizationError(`Kick did not let the bot see which account you signed in with (user:read). ${again}`, 403);
			const user = await this.options.api.currentUser(tokens.accessToken);
			return {
				guildId: pending.guildId,
				discordUserId: pending.discordUserId,
				purpose: pending.purpose,
				kick: { userId: BigInt(user.userId), name: user.name }
			};
		} catch (error) {
			if (error instanceof KickApiError) throw new KickAuthorizationError(`Kick could not tell who signed in (${error.message}). ${again}`, 502);
			throw error;
		} finally {
			await this.revoke(tokens, 'a sign-in', logger);
		}
	}

	/** Records a pending authorisation (a new state with its PKCE verifier) and gives the URL that starts it at Kick. */
	private async begin(
		pending: Omit<PendingKickAuthorization, 'state' | 'codeVerifier' | 'expiresAt'>,
		scopes: readonly string[]
	): Promise<{ url: string; expiresAt: Date }> {
		const pkce = createPkcePair();
		const state = createOAuthState();
		const expiresAt = new Date(this.now() + AUTHORIZATION_LIFETIME_MS);
		const { guildId, ...bound } = pending;
		await this.options.database.forGuild(guildId).kickOAuthStates.create({ ...bound, state, codeVerifier: pkce.verifier, expiresAt });
		return { url: this.options.oauth.authorizeUrl({ redirectUri: this.redirectUri, state, scopes, codeChallenge: pkce.challenge }), expiresAt };
	}

	/** How a member starts an authorisation of this purpose again. */
	private startAgain(purpose: KickOAuthPurpose): string {
		if (purpose === BROADCASTER_PURPOSE) return 'Start again with /kick connect in Discord.';
		return this.options.startAgain?.(purpose) ?? START_AGAIN_FROM_DISCORD;
	}

	/** Revokes both tokens at Kick (`of`: what they came from, for the log); a token Kick would not revoke is logged and left to expire. */
	private async revoke(tokens: KickTokenSet, of: string, logger: KickAuthorizationLogger): Promise<void> {
		for (const [token, hint] of [
			[tokens.accessToken, 'access_token'],
			[tokens.refreshToken, 'refresh_token']
		] as const) {
			if (token === null) continue;
			await this.options.oauth.revoke(token, hint).catch((error: unknown) => {
				logger.warn(
					`Kick: could not revoke the ${hint.replace('_', ' ')} of ${of} (${error instanceof Error ? error.message : String(error)}); it stays active until it expires.`
				);
			});
		}
	}
}
