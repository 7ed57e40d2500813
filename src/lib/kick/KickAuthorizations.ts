import type { Database } from '#lib/database/Database';
import type { KickApiClient } from '#lib/kick/api/KickApiClient';
import { KickApiError } from '#lib/kick/api/KickApiError';
import type { KickOAuthClient, KickTokenSet } from '#lib/kick/api/KickOAuthClient';
import { createOAuthState, createPkcePair } from '#lib/kick/api/pkce';

/** What the bot asks a streamer for: read the channel and its events, and post in its chat. */
export const BROADCASTER_SCOPES = ['user:read', 'channel:read', 'chat:write', 'events:subscribe'] as const;
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
				reason: `This page was opened with a malformed "${name}" parameter, not one Kick sends. Start again with /kick connect in Discord.`
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
	readonly now?: () => number;
}

/**
 * The streamer authorisation of one server, OAuth 2.1 with PKCE: `start` gives the link for the
 * moderator who asked; `complete` is the callback. The state is single-use, bound to the
 * server and the moderator, and expires after 10 minutes.
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
	public async start(request: { guildId: bigint; discordUserId: bigint; channelSlug: string }): Promise<{ url: string; expiresAt: Date }> {
		const pkce = createPkcePair();
		const state = createOAuthState();
		const expiresAt = new Date(this.now() + AUTHORIZATION_LIFETIME_MS);
		await this.options.database.forGuild(request.guildId).kickOAuthStates.create({
			state,
			discordUserId: request.discordUserId,
			purpose: 'broadcaster',
			codeVerifier: pkce.verifier,
			requestedSlug: request.channelSlug.toLowerCase(),
			expiresAt
		});
		const url = this.options.oauth.authorizeUrl({ redirectUri: this.redirectUri, state, scopes: BROADCASTER_SCOPES, codeChallenge: pkce.challenge });
		return { url, expiresAt };
	}

	/**
	 * The callback: takes the state (once), exchanges the code with its verifier, and checks that
	 * the Kick account that signed in owns the channel the moderator named. Stores the tokens
	 * (encrypted) and the link for that server only.
	 * Once the code is exchanged, any refusal or failure revokes the tokens Kick issued (best
	 * effort; `logger` is told when Kick would not), so none stays active for a link never made.
	 * @throws {KickAuthorizationError} saying what went wrong; nothing is stored then.
	 */
	public async complete(callback: KickOAuthCallback, logger: KickAuthorizationLogger): Promise<CompletedAuthorization> {
		if (callback.state === null || callback.state.length === 0)
			throw new KickAuthorizationError('This page was opened without an authorisation state. Start again with /kick connect in Discord.', 400);
		const taken = await this.options.database.system.consumeKickOAuthState(callback.state, new Date(this.now()));
		if (taken.outcome !== 'taken') {
			throw new KickAuthorizationError(
				taken.outcome === 'expired'
					? 'This authorisation link expired (they work for 10 minutes). Start again with /kick connect in Discord.'
					: 'This authorisation link was already used or is not ours. Start again with /kick connect in Discord.',
				410
			);
		}
		const { pending } = taken;
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
			if (issued !== undefined) await this.revokeUnstored(issued, logger);
			if (error instanceof KickApiError)
				throw new KickAuthorizationError(`Kick could not complete the authorisation (${error.message}). Run /kick connect again.`, 502);
			throw error;
		}
	}

	/** Revokes both tokens of a refused authorisation at Kick; a token Kick would not revoke is logged and left to expire. */
	private async revokeUnstored(tokens: KickTokenSet, logger: KickAuthorizationLogger): Promise<void> {
		for (const [token, hint] of [
			[tokens.accessToken, 'access_token'],
			[tokens.refreshToken, 'refresh_token']
		] as const) {
			if (token === null) continue;
			await this.options.oauth.revoke(token, hint).catch((error: unknown) => {
				logger.warn(
					`Kick: could not revoke the ${hint.replace('_', ' ')} of a refused authorisation (${error instanceof Error ? error.message : String(error)}); it stays active until it expires.`
				);
			});
		}
	}
}
