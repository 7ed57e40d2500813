import { GuildRepository, type GuildScope } from '#lib/database/repositories/GuildRepository';
import type { TokenCipher } from '#lib/database/TokenCipher';
import { newOverlayKey, overlayKeyHash } from '#lib/overlays/overlayKey';

export class MissingOverlayKeyCipherError extends Error {
	public constructor() {
		super('TOKEN_ENCRYPTION_KEY is not set, so overlay keys can be neither stored nor shown.');
		this.name = 'MissingOverlayKeyCipherError';
	}
}

/**
 * This server's secret overlay key (`overlay_keys`): its SHA-256, by which a page finds the
 * server (`db.system.guildIdOfOverlayKey`), and the key itself encrypted with the Kick tokens'
 * cipher, bound to this server's row, so it can be shown again.
 */
export class OverlayKeysRepository extends GuildRepository {
	public constructor(
		scope: GuildScope,
		private readonly cipher: TokenCipher | undefined
	) {
		super(scope);
	}

	/** The server's key, made the first time it is asked for (two processes asking at once get the same one). */
	public async key(): Promise<string> {
		const cipher = this.requireCipher();
		const key = newOverlayKey();
		await this.client.$executeRaw`
			INSERT INTO overlay_keys (discord_server_id, key_hash, key_encrypted)
			VALUES (${this.guildId}, ${overlayKeyHash(key)}, ${cipher.encrypt(key, this.identity())})
			ON CONFLICT (discord_server_id) DO NOTHING`;
		const row = await this.client.overlayKey.findUnique({ where: { discordServerId: this.guildId } });
		return cipher.decrypt(row!.keyEncrypted, this.identity());
	}

	/** Replaces the server's key with a new one (made if there was none); the old one finds nothing from now on. */
	public async rotate(now = new Date()): Promise<{ readonly key: string; readonly keyHash: string }> {
		const cipher = this.requireCipher();
		const key = newOverlayKey();
		const data = { keyHash: overlayKeyHash(key), keyEncrypted: cipher.encrypt(key, this.identity()) };
		await this.client.overlayKey.upsert({
			where: { discordServerId: this.guildId },
			create: { discordServerId: this.guildId, ...data },
			update: { ...data, rotatedAt: now }
		});
		return { key, keyHash: data.keyHash };
	}

	private requireCipher(): TokenCipher {
		if (this.cipher === undefined) throw new MissingOverlayKeyCipherError();
		return this.cipher;
	}

	private identity(): string {
		return `overlay_keys:${this.guildId}`;
	}
}
