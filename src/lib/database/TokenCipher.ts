import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenDecryptionError extends Error {
	public constructor() {
		super('A stored Kick token cannot be decrypted: it was encrypted with another TOKEN_ENCRYPTION_KEY or for another row.');
		this.name = 'TokenDecryptionError';
	}
}

/**
 * Encrypts OAuth tokens at rest with AES-256-GCM. The row's identity (server and Kick user)
 * is bound in as associated data, so a ciphertext copied into another row, or another
 * server's row, does not decrypt. Stored form: `enc:v1:<base64url(iv | tag | ciphertext)>`.
 */
export class TokenCipher {
	/** What every encrypted value starts with. */
	public static readonly PREFIX = PREFIX;

	public constructor(private readonly key: Buffer) {
		if (key.length !== 32) throw new TypeError('The token key must be 32 bytes');
	}

	/** Whether a stored value is already encrypted (legacy rows hold plain text). */
	public static isEncrypted(stored: string): boolean {
		return stored.startsWith(TokenCipher.PREFIX);
	}

	public encrypt(plaintext: string, rowIdentity: string): string {
		const iv = randomBytes(IV_BYTES);
		const cipher = createCipheriv('aes-256-gcm', this.key, iv);
		cipher.setAAD(Buffer.from(rowIdentity, 'utf8'));
		const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
		return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
	}

	/** @throws {TokenDecryptionError} when the key, the row or the bytes do not match. */
	public decrypt(stored: string, rowIdentity: string): string {
		if (!TokenCipher.isEncrypted(stored)) throw new TokenDecryptionError();
		const bytes = Buffer.from(stored.slice(PREFIX.length), 'base64url');
		try {
			const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
			decipher.setAAD(Buffer.from(rowIdentity, 'utf8'));
			decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
			return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
		} catch {
			throw new TokenDecryptionError();
		}
	}
}
