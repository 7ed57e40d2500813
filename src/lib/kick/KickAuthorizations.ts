import type { Database } from '#lib/database/Database';
import type { KickApiClient } from '#lib/kick/api/KickApiClient';
import { KickApiError } from '#lib/kick/api/KickApiError';
import type { KickOAuthClient } from '#lib/kick/api/KickOAuthClient';
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
	 * @throws {KickAuthorizationError} saying what went wrong; nothing is stored then.
	 */
	public async complete(callback: { code: string | null; state: string | null; error: string | null }): Promise<CompletedAuthorization> {
		if (callback.state === null || callback.state.length === 0) throw new KickAuthorizationError('This page was opened without an authorisation state. Start again with /kick connect in Discord.', 400);
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
		if (callback.error !== null) throw new KickAuthorizationError(`Kick did not authorise the bot (${callback.error}). Nothing was changed; run /kick connect again to retry.`, 403);
		if (callback.code === null || callback.code.length === 0) throw new KickAuthorizationError('Kick sent no authorisation code. Start again with /kick connect in Discord.', 400);

		try {
			const tokens = await this.options.oauth.exchangeCode({ code: callback.code, redirectUri: this.redirectUri, codeVerifier: pending.codeVerifier });
			const missing = BROADCASTER_SCOPES.filter((scope) => !tokens.scopes.includes(scope));
			if (tokens.scopes.length > 0 && missing.length > 0) {
				throw new KickAuthorizationError(`Kick granted the bot less than it needs (missing ${missing.join(', ')}). Run /kick connect again and accept every permission.`, 403);
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
			if (error instanceof KickApiError) throw new KickAuthorizationError(`Kick could not complete the authorisation (${error.message}). Run /kick connect again.`, 502);
			throw error;
		}
	}
}
