import type { Database } from '#lib/database/Database';
import type { KickTokens } from '#lib/database/repositories/KickTokensRepository';
import { TokenDecryptionError } from '#lib/database/TokenCipher';
import { KickApiError } from '#lib/kick/api/KickApiError';
import type { KickOAuthClient } from '#lib/kick/api/KickOAuthClient';

/** Tokens are refreshed this long before they expire, so no call goes out with a dying token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** The server's Kick link cannot be used until a moderator authorises again. */
export class KickReauthorizationNeededError extends Error {
	public constructor(
		public readonly guildId: bigint,
		reason: string
	) {
		super(`The Kick connection of this server needs a new authorisation (${reason}). A moderator runs /kick connect again.`);
		this.name = 'KickReauthorizationNeededError';
	}
}

export interface KickTokenKeeperOptions {
	readonly database: Database;
	readonly oauth: KickOAuthClient;
	/** Kick refused the refresh: the server is marked and its moderators are told (once per outage). */
	readonly onReauthorizationNeeded: (guildId: bigint, reason: string) => Promise<void>;
	readonly now?: () => number;
	/** How long to wait before re-reading the tokens when a refresh is refused (another process may have just rotated them). */
	readonly raceWaitMs?: number;
}

/**
 * How long the keeper trusts what it holds of a server's tokens without reading them again: a
 * refresh or a new authorisation made by another bot process is seen within it (and at once on
 * a 401, which reads them again).
 */
export const TOKEN_REREAD_MS = 60_000;

/** What the keeper holds of one server: its decrypted tokens, or why there are none to use; and when it read them. */
type HeldTokens =
	| { readonly usable: true; readonly tokens: KickTokens; readonly readAt: number }
	| { readonly usable: false; readonly reason: string; readonly kickUserId: bigint; readonly readAt: number };

/**
 * Hands out a valid access token of a server's linked Kick channel, refreshing it shortly before
 * it expires. The decrypted tokens are held in memory per server, so a chat reply costs no read:
 * they are read again after TOKEN_REREAD_MS, after a 401, and at once after this process links or
 * unlinks the server (`forget`). Refreshes of one server share one call in this process; across
 * processes, a refused refresh re-reads the stored tokens first, because Kick rotates refresh
 * tokens and another bot process may have refreshed a moment earlier.
 */
export class KickTokenKeeper {
	private readonly refreshing = new Map<string, Promise<KickTokens>>();
	private readonly held = new Map<bigint, HeldTokens>();
	private readonly now: () => number;

	public constructor(private readonly options: KickTokenKeeperOptions) {
		this.now = options.now ?? Date.now;
	}

	/**
	 * `forceRefresh`: Kick refused the token this keeper handed out (401) before its stored expiry:
	 * the stored tokens are read again, and refreshed unless another process already did.
	 * @throws {KickReauthorizationNeededError} when the server has no usable tokens.
	 * @throws {KickApiError} when Kick could not be reached to refresh (retryable).
	 */
	public async accessToken(guildId: bigint, kickUserId: bigint, { forceRefresh = false }: { readonly forceRefresh?: boolean } = {}): Promise<string> {
		const before = this.held.get(guildId);
		const held =
			forceRefresh || before === undefined || this.now() - before.readAt >= TOKEN_REREAD_MS || this.kickUserOf(before) !== kickUserId
				? await this.read(guildId, kickUserId)
				: before;
		if (!held.usable) throw new KickReauthorizationNeededError(guildId, held.reason);
		const refused = forceRefresh && (before?.usable !== true || before.tokens.accessToken === held.tokens.accessToken);
		if (!refused && !this.expiresSoon(held.tokens)) return held.tokens.accessToken;
		return (await this.refresh(guildId, held.tokens)).accessToken;
	}

	/**
	 * Calls Kick with the server's token. Kick can end a token before its stated expiry, or another
	 * process may have refreshed it: on a 401 the tokens are read again (refreshed if need be) and
	 * the call is made once more, never more.
	 */
	public async withToken<T>(guildId: bigint, kickUserId: bigint, call: (accessToken: string) => Promise<T>): Promise<T> {
		const token = await this.accessToken(guildId, kickUserId);
		try {
			return await call(token);
		} catch (error) {
			if (!(error instanceof KickApiError) || error.status !== 401) throw error;
			return call(await this.accessToken(guildId, kickUserId, { forceRefresh: true }));
		}
	}

	/** This process linked, relinked or unlinked the server: what it held is read again at the next call. */
	public forget(guildId: bigint): void {
		this.held.delete(guildId);
	}

	/** Refreshes the tokens of every linked server that expire soon (the scheduled task calls this). @returns how many were refreshed. */
	public async refreshExpiring(links: readonly { guildId: bigint; broadcasterUserId: bigint }[]): Promise<number> {
		let refreshed = 0;
		for (const link of links) {
			const repositories = this.options.database.forGuild(link.guildId);
			const connection = await repositories.kickConnection.get();
			if (connection === null || connection.needsReauthorizationSince !== null) continue;
			try {
				const tokens = await this.storedTokens(link.guildId, link.broadcasterUserId);
				if (tokens === null) continue;
				this.hold(link.guildId, tokens);
				if (!this.expiresSoon(tokens)) continue;
				await this.refresh(link.guildId, tokens);
				refreshed += 1;
			} catch (error) {
				// Reported by refresh (refused) or left for the next run (Kick unreachable); one server never stops the others.
				if (!(error instanceof KickReauthorizationNeededError) && !(error instanceof KickApiError)) throw error;
			}
		}
		return refreshed;
	}

	/** Reads (and decrypts) the server's link and tokens, and holds what it found. */
	private async read(guildId: bigint, kickUserId: bigint): Promise<HeldTokens> {
		const connection = await this.options.database.forGuild(guildId).kickConnection.get();
		if (connection?.needsReauthorizationSince) return this.holdUnusable(guildId, kickUserId, connection.reauthorizationReason ?? 'Kick refused the tokens');
		const tokens = await this.storedTokens(guildId, kickUserId);
		return tokens === null ? this.holdUnusable(guildId, kickUserId, 'no tokens are stored') : this.hold(guildId, tokens);
	}

	private hold(guildId: bigint, tokens: KickTokens): HeldTokens {
		const held: HeldTokens = { usable: true, tokens, readAt: this.now() };
		this.held.set(guildId, held);
		return held;
	}

	private holdUnusable(guildId: bigint, kickUserId: bigint, reason: string): HeldTokens {
		const held: HeldTokens = { usable: false, reason, kickUserId, readAt: this.now() };
		this.held.set(guildId, held);
		return held;
	}

	private kickUserOf(held: HeldTokens): bigint {
		return held.usable ? held.tokens.kickUserId : held.kickUserId;
	}

	/** A row that no longer decrypts (the key changed, or it was copied from another server) cannot be used: authorise again. */
	private async storedTokens(guildId: bigint, kickUserId: bigint): Promise<KickTokens | null> {
		try {
			return await this.options.database.forGuild(guildId).kickTokens.get(kickUserId);
		} catch (error) {
			if (!(error instanceof TokenDecryptionError)) throw error;
			return this.reauthorizationNeeded(guildId, kickUserId, 'the stored tokens cannot be decrypted (was TOKEN_ENCRYPTION_KEY changed?)');
		}
	}

	private expiresSoon(tokens: KickTokens): boolean {
		return tokens.expiresAt !== null && tokens.expiresAt.getTime() - this.now() <= REFRESH_MARGIN_MS;
	}

	private refresh(guildId: bigint, tokens: KickTokens): Promise<KickTokens> {
		const key = `${guildId}:${tokens.kickUserId}`;
		const running = this.refreshing.get(key);
		if (running) return running;
		const refresh = this.refreshOnce(guildId, tokens).finally(() => this.refreshing.delete(key));
		this.refreshing.set(key, refresh);
		return refresh;
	}

	private async refreshOnce(guildId: bigint, tokens: KickTokens): Promise<KickTokens> {
		const repositories = this.options.database.forGuild(guildId);
		if (tokens.refreshToken === null) return this.reauthorizationNeeded(guildId, tokens.kickUserId, 'Kick gave no refresh token');
		try {
			const renewed = await this.options.oauth.refresh(tokens.refreshToken);
			const saved: KickTokens = {
				kickUserId: tokens.kickUserId,
				kickUsername: tokens.kickUsername,
				accessToken: renewed.accessToken,
				refreshToken: renewed.refreshToken ?? tokens.refreshToken,
				scopes: renewed.scopes.length > 0 ? renewed.scopes : tokens.scopes,
				expiresAt: renewed.expiresAt
			};
			await repositories.kickTokens.save(saved);
			this.hold(guildId, saved);
			return saved;
		} catch (error) {
			if (!(error instanceof KickApiError) || error.retryable) throw error;
			await new Promise((resolve) => setTimeout(resolve, this.options.raceWaitMs ?? 1000));
			const stored = await repositories.kickTokens.get(tokens.kickUserId);
			if (stored !== null && stored.refreshToken !== tokens.refreshToken && !this.expiresSoon(stored)) {
				this.hold(guildId, stored);
				return stored;
			}
			return this.reauthorizationNeeded(guildId, tokens.kickUserId, `Kick refused to refresh the tokens: ${error.kickMessage ?? error.message}`);
		}
	}

	private async reauthorizationNeeded(guildId: bigint, kickUserId: bigint, reason: string): Promise<never> {
		this.holdUnusable(guildId, kickUserId, reason);
		const news = await this.options.database.forGuild(guildId).kickConnection.markNeedsReauthorization(reason);
		if (news) await this.options.onReauthorizationNeeded(guildId, reason);
		throw new KickReauthorizationNeededError(guildId, reason);
	}
}
