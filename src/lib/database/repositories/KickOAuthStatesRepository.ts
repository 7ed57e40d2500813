import { GuildRepository } from '#lib/database/repositories/GuildRepository';

/** What an authorisation is for: the core's streamer authorisation, or a feature's sign-in (its KickSignInHandler's purpose). */
export type KickOAuthPurpose = string;
/** The purpose of `/kick connect`, the streamer's authorisation of a server. */
export const BROADCASTER_PURPOSE = 'broadcaster';

/** A Kick authorisation a Discord user started in this server, waiting for Kick's callback. */
export interface PendingKickAuthorization {
	readonly state: string;
	readonly guildId: bigint;
	readonly discordUserId: bigint;
	readonly purpose: KickOAuthPurpose;
	readonly codeVerifier: string;
	readonly requestedSlug: string | null;
	readonly expiresAt: Date;
}

/**
 * This server's pending Kick authorisations (`kick_oauth_states`): the streamer's, and members'
 * sign-ins for a feature. The callback, which does not know the server yet, consumes a state
 * through `db.system.consumeKickOAuthState`.
 */
export class KickOAuthStatesRepository extends GuildRepository {
	/** Starts an authorisation; an earlier pending one of the same user and purpose in this server stops working (one statement, so racing starts leave one). */
	public async create(pending: Omit<PendingKickAuthorization, 'guildId'>): Promise<void> {
		await this.client.$executeRaw`
			INSERT INTO kick_oauth_states (state, discord_server_id, discord_user_id, purpose, code_verifier, requested_slug, expires_at)
			VALUES (${pending.state}, ${this.guildId}, ${pending.discordUserId}, ${pending.purpose}, ${pending.codeVerifier}, ${pending.requestedSlug}, ${pending.expiresAt})
			ON CONFLICT (discord_server_id, discord_user_id, purpose) DO UPDATE
			SET state = EXCLUDED.state, code_verifier = EXCLUDED.code_verifier, requested_slug = EXCLUDED.requested_slug,
				created_at = now(), expires_at = EXCLUDED.expires_at`;
	}
}
