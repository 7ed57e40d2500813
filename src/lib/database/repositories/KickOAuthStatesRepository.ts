import { GuildRepository } from '#lib/database/repositories/GuildRepository';

export type KickOAuthPurpose = 'broadcaster';

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
 * This server's pending Kick authorisations (`kick_oauth_states`). The callback, which does not
 * know the server yet, consumes a state through `db.system.consumeKickOAuthState`.
 */
export class KickOAuthStatesRepository extends GuildRepository {
	/** Starts an authorisation; earlier pending ones of the same user and purpose in this server stop working. */
	public async create(pending: Omit<PendingKickAuthorization, 'guildId'>): Promise<void> {
		await this.scope.transaction(async (client) => {
			await client.kickOauthState.deleteMany({ where: { discordServerId: this.guildId, discordUserId: pending.discordUserId, purpose: pending.purpose } });
			await client.kickOauthState.create({
				data: {
					state: pending.state,
					discordServerId: this.guildId,
					discordUserId: pending.discordUserId,
					purpose: pending.purpose,
					codeVerifier: pending.codeVerifier,
					requestedSlug: pending.requestedSlug,
					expiresAt: pending.expiresAt
				}
			});
		});
	}
}
