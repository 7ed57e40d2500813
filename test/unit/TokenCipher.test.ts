import { expect } from 'chai';
import { TokenCipher, TokenDecryptionError } from '#lib/database/TokenCipher';

const KEY = Buffer.alloc(32, 0x5a);
const OTHER_KEY = Buffer.alloc(32, 0xa5);
const ROW = 'server:100000000000000001/kick-user:4242';
const OTHER_SERVER_ROW = 'server:100000000000000002/kick-user:4242';

/** The TokenDecryptionError a decryption throws; fails the test when it decrypts. */
function decryptionFailure(decrypt: () => string): TokenDecryptionError {
	let thrown: unknown;
	try {
		const plaintext = decrypt();
		thrown = new Error(`expected the decryption to fail, got "${plaintext}"`);
	} catch (error) {
		thrown = error;
	}
	expect(thrown).to.be.instanceOf(TokenDecryptionError);
	return thrown as TokenDecryptionError;
}

describe('TokenCipher (Kick tokens at rest)', () => {
	const cipher = new TokenCipher(KEY);

	it('round-trips a token, including empty and non-ASCII text', () => {
		for (const token of ['eyJhbGciOiJIUzI1NiJ9.payload.signature', '', 'tökén ✓ 🎲'.repeat(20)]) {
			expect(cipher.decrypt(cipher.encrypt(token, ROW), ROW)).to.equal(token);
		}
	});

	it('stores "enc:v1:" then base64url, never the token itself', () => {
		const token = 'plain-access-token-123';
		const stored = cipher.encrypt(token, ROW);

		expect(stored).to.match(/^enc:v1:[A-Za-z0-9_-]+$/);
		expect(stored).to.not.include(token);
		expect(TokenCipher.isEncrypted(stored)).to.equal(true);
		expect(TokenCipher.isEncrypted(token)).to.equal(false);
		// 12-byte IV + 16-byte tag + the ciphertext (as long as the UTF-8 token).
		expect(Buffer.from(stored.slice('enc:v1:'.length), 'base64url').length).to.equal(12 + 16 + Buffer.byteLength(token));
	});

	it('encrypts the same token differently each time (random IV)', () => {
		expect(cipher.encrypt('same', ROW)).to.not.equal(cipher.encrypt('same', ROW));
	});

	it('refuses a tampered ciphertext, tag or IV', () => {
		const stored = cipher.encrypt('refresh-token', ROW);
		const bytes = Buffer.from(stored.slice('enc:v1:'.length), 'base64url');
		for (const index of [0, 12, bytes.length - 1]) {
			const tampered = Buffer.from(bytes);
			tampered[index] = tampered[index]! ^ 0x01;
			decryptionFailure(() => cipher.decrypt(`enc:v1:${tampered.toString('base64url')}`, ROW));
		}
		decryptionFailure(() => cipher.decrypt(`enc:v1:${bytes.subarray(0, 20).toString('base64url')}`, ROW));
		decryptionFailure(() => cipher.decrypt('enc:v1:', ROW));
	});

	it('binds the row: a ciphertext copied into another row or another server’s row does not decrypt', () => {
		const stored = cipher.encrypt('access-token', ROW);

		decryptionFailure(() => cipher.decrypt(stored, OTHER_SERVER_ROW));
		decryptionFailure(() => cipher.decrypt(stored, 'server:100000000000000001/kick-user:4243'));
		decryptionFailure(() => cipher.decrypt(stored, ''));
		expect(cipher.decrypt(stored, ROW)).to.equal('access-token');
	});

	it('refuses another key, with a message that says what to check', () => {
		const stored = cipher.encrypt('access-token', ROW);
		const error = decryptionFailure(() => new TokenCipher(OTHER_KEY).decrypt(stored, ROW));

		expect(error.message).to.equal('A stored Kick token cannot be decrypted: it was encrypted with another TOKEN_ENCRYPTION_KEY or for another row.');
		expect(error.message).to.not.include('access-token');
	});

	it('refuses to "decrypt" plain text (a legacy row is not silently passed through)', () => {
		decryptionFailure(() => cipher.decrypt('plain-legacy-token', ROW));
	});

	it('refuses a key that is not 32 bytes', () => {
		for (const length of [0, 16, 31, 33, 64]) {
			expect(() => new TokenCipher(Buffer.alloc(length)), `${length} bytes`).to.throw(TypeError, 'The token key must be 32 bytes');
		}
	});
});
