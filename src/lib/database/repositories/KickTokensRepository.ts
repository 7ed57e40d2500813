import { GuildRepository, type GuildScope } from '#lib/database/repositories/GuildRepository';
import { TokenCipher } from '#lib/database/TokenCipher';

export interface KickTokens {
	readonly kickUserId: bigint;
	readonly kickUsername: string | null;
	readonly accessToken: string;
	readonly refreshToken: string | null;
	readonly scopes: readonly string[];
	readonly expiresAt: Date | null;
}

export class MissingTokenKeyError extends Error {
	public constructor() {
		super('TOKEN_ENCRYPTION_KEY is not set, so Kick tokens can be neither stored nor read.');
		this.name = 'MissingTokenKeyError';
	}
}

/**
 * This server's Kick OAuth tokens (`kick_oauth_tokens`, one row per server and Kick user),
 * encrypted at rest. The old bot stored them in plain text; `encryptPlaintextRows` upgrades
 * those rows in place.
 */
export class KickTokensRepository extends GuildRepository {
	public constructor(
		scope: GuildScope,
		private readonly cipher: TokenCipher | undefined
	) {
		super(scope);
	}

	public async save(tokens: KickTokens): Promise<void> {
		const cipher = this.requireCipher();
		const identity = this.identity(tokens.kickUserId);
		const data = {
			kickUsername: tokens.kickUsername,
			accessToken: cipher.encrypt(tokens.accessToken, identity),
			refreshToken: tokens.refreshToken === null ? null : cipher.encrypt(tokens.refreshToken, identity),
			scopes: tokens.scopes.join(' '),
			expiresAt: tokens.expiresAt,
			updatedAt: new Date()
		};
		await this.client.kickOauthToken.upsert({
			where: { discordServerId_userId: { discordServerId: this.guildId, userId: tokens.kickUserId } },
			create: { discordServerId: this.guildId, userId: tokens.kickUserId, ...data },
			update: data
		});
	}

	/** @throws {TokenDecryptionError} when the row was not encrypted for this server and user. */
	public async get(kickUserId: bigint): Promise<KickTokens | null> {
		const row = await this.client.kickOauthToken.findUnique({
			where: { discordServerId_userId: { discordServerId: this.guildId, userId: kickUserId } }
		});
		if (row?.accessToken == null) return null;
		const cipher = this.requireCipher();
		const identity = this.identity(kickUserId);
		return {
			kickUserId,
			kickUsername: row.kickUsername,
			accessToken: cipher.decrypt(row.accessToken, identity),
			refreshToken: row.refreshToken === null ? null : cipher.decrypt(row.refreshToken, identity),
			scopes: row.scopes?.split(' ').filter((scope) => scope.length > 0) ?? [],
			expiresAt: row.expiresAt
		};
	}

	/** The Kick users this server holds tokens for. */
	public async userIds(): Promise<bigint[]> {
		const rows = await this.client.kickOauthToken.findMany({
			where: { discordServerId: this.guildId },
			select: { userId: true },
			orderBy: { userId: 'asc' }
		});
		return rows.map((row) => row.userId);
	}

	public async delete(kickUserId: bigint): Promise<boolean> {
		const { count } = await this.client.kickOauthToken.deleteMany({ where: { discordServerId: this.guildId, userId: kickUserId } });
		return count > 0;
	}

	/** Encrypts the plain-text tokens the old bot left; idempotent. Returns the rows changed. */
	public async encryptPlaintextRows(): Promise<number> {
		const cipher = this.requireCipher();
		const rows = await this.client.kickOauthToken.findMany({ where: { discordServerId: this.guildId } });
		let changed = 0;
		for (const row of rows) {
			const identity = this.identity(row.userId);
			const seal = (value: string | null) => (value === null || TokenCipher.isEncrypted(value) ? value : cipher.encrypt(value, identity));
			const accessToken = seal(row.accessToken);
			const refreshToken = seal(row.refreshToken);
			if (accessToken === row.accessToken && refreshToken === row.refreshToken) continue;
			// Conditional on the plain values still being there, so a concurrent run cannot double-encrypt.
			const { count } = await this.client.kickOauthToken.updateMany({
				where: { discordServerId: this.guildId, userId: row.userId, accessToken: row.accessToken, refreshToken: row.refreshToken },
				data: { accessToken, refreshToken }
			});
			changed += count;
		}
		return changed;
	}

	/**
	 * Without an encryption key the old bot's plain-text tokens cannot be protected, so they are
	 * forgotten (the streamer authorises again). Returns the rows changed.
	 */
	public async forgetPlaintextRows(): Promise<number> {
		const rows = await this.client.kickOauthToken.findMany({ where: { discordServerId: this.guildId } });
		let changed = 0;
		for (const row of rows) {
			const plain = (value: string | null) => value !== null && !TokenCipher.isEncrypted(value);
			if (!plain(row.accessToken) && !plain(row.refreshToken)) continue;
			const { count } = await this.client.kickOauthToken.updateMany({
				where: { discordServerId: this.guildId, userId: row.userId },
				data: { accessToken: null, refreshToken: null }
			});
			changed += count;
		}
		return changed;
	}

	private requireCipher(): TokenCipher {
		if (this.cipher === undefined) throw new MissingTokenKeyError();
		return this.cipher;
	}

	private identity(kickUserId: bigint): string {
		return `kick_oauth_tokens:${this.guildId}:${kickUserId}`;
	}
}
