import { expect } from 'chai';
import { Database } from '#lib/database/Database';
import { MissingOverlayKeyCipherError } from '#lib/database/repositories/OverlayKeysRepository';
import { TokenCipher } from '#lib/database/TokenCipher';
import { newOverlayKey, OVERLAY_KEY, overlayKeyHash } from '#lib/overlays/overlayKey';
import { OverlayKeyCache } from '#lib/overlays/OverlayKeyCache';
import { engines, openMigratedDatabase, type MigratedDatabase } from '#test/helpers/databases';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

describe('Overlay keys', () => {
	it('are 192 random bits as 32 URL-safe characters, never the same twice; the database keeps their SHA-256', () => {
		const keys = Array.from({ length: 1000 }, () => newOverlayKey());
		for (const key of keys) expect(key).to.match(OVERLAY_KEY);
		expect(new Set(keys).size).to.equal(keys.length);
		expect(Buffer.from(keys[0]!, 'base64url')).to.have.length(24);
		expect(overlayKeyHash('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		for (const bad of ['', 'short', `${keys[0]!}x`, `${keys[0]!.slice(0, 31)}/`, `${keys[0]!.slice(0, 31)}=`]) expect(bad).not.to.match(OVERLAY_KEY);
	});

	describe('OverlayKeyCache', () => {
		let clock: number;
		let lookups: string[];
		let owners: Map<string, bigint>;
		const cache = (options: { maxEntries?: number } = {}) =>
			new OverlayKeyCache({
				lookUp: async (keyHash) => {
					lookups.push(keyHash);
					return owners.get(keyHash) ?? null;
				},
				now: () => clock,
				hitTtlMs: 30_000,
				missTtlMs: 5_000,
				...options
			});

		beforeEach(() => {
			clock = 0;
			lookups = [];
			owners = new Map([[overlayKeyHash('key-of-a'), GUILD_A]]);
		});

		it('finds a key’s server once for concurrent askers, keeps it 30 s (an unknown key 5 s), and gives the hash along', async () => {
			const keys = cache();
			const [first, second] = await Promise.all([keys.resolve('key-of-a'), keys.resolve('key-of-a')]);
			expect(first).to.deep.equal({ guildId: GUILD_A, keyHash: overlayKeyHash('key-of-a') });
			expect(second).to.deep.equal(first);
			expect(await keys.resolve('unknown')).to.equal(null);
			expect(lookups).to.have.length(2);

			clock = 4_999;
			await keys.resolve('key-of-a');
			await keys.resolve('unknown');
			expect(lookups, 'both still cached').to.have.length(2);
			clock = 5_000;
			await keys.resolve('unknown');
			await keys.resolve('key-of-a');
			expect(lookups, 'the miss is asked again, the hit is not').to.have.length(3);
			clock = 30_000;
			await keys.resolve('key-of-a');
			expect(lookups).to.have.length(4);
		});

		it('holds at most maxEntries keys, dropping the oldest', async () => {
			const keys = cache({ maxEntries: 3 });
			for (const key of ['k1', 'k2', 'k3', 'k4']) await keys.resolve(key);
			expect(keys.size).to.equal(3);
			lookups = [];
			await keys.resolve('k4');
			await keys.resolve('k1');
			expect(lookups, 'k4 kept, k1 dropped').to.deep.equal([overlayKeyHash('k1')]);
		});

		it('forgets a server’s other keys at a rotation, at once; a lookup that ran across the rotation is not kept', async () => {
			const keys = cache();
			await keys.resolve('key-of-a');
			owners = new Map([[overlayKeyHash('new-key-of-a'), GUILD_A]]);
			keys.forgetOtherKeysOf(GUILD_A, overlayKeyHash('new-key-of-a'));
			expect(await keys.resolve('key-of-a')).to.equal(null);

			let release!: () => void;
			const slow = new OverlayKeyCache({
				lookUp: async () => {
					await new Promise<void>((resolve) => (release = resolve));
					return GUILD_B;
				},
				now: () => clock
			});
			const across = slow.resolve('old-key-of-b');
			slow.forgetOtherKeysOf(GUILD_B, overlayKeyHash('new-key-of-b'));
			release();
			await across;
			expect(slow.size, 'what the old row said is not remembered').to.equal(0);
		});
	});

	for (const engine of engines) {
		describe(`OverlayKeysRepository and the lookup by hash (${engine.name})`, () => {
			let migrated: MigratedDatabase;
			let database: Database;

			before(async () => {
				migrated = await openMigratedDatabase(engine, 'overlay_keys', new Map());
				database = migrated.database;
				for (const guildId of [GUILD_A, GUILD_B]) await database.forGuild(guildId).server.ensure({ name: null, ownerId: null });
			});
			after(() => migrated?.close());

			it('makes each server’s key once, kept encrypted for that server’s row, and finds the server by its hash alone', async () => {
				const [a1, a2, b] = await Promise.all([
					database.forGuild(GUILD_A).overlayKeys.key(),
					database.forGuild(GUILD_A).overlayKeys.key(),
					database.forGuild(GUILD_B).overlayKeys.key()
				]);
				expect(a1, 'two processes asking at once get the same key').to.equal(a2);
				expect(b).not.to.equal(a1);
				expect(await database.forGuild(GUILD_A).overlayKeys.key()).to.equal(a1);
				expect(await database.system.guildIdOfOverlayKey(overlayKeyHash(a1))).to.equal(GUILD_A);
				expect(await database.system.guildIdOfOverlayKey(overlayKeyHash(b))).to.equal(GUILD_B);
				expect(await database.system.guildIdOfOverlayKey(overlayKeyHash('nobody’s'))).to.equal(null);

				const rows = await database.connection.openSession().then(async (session) => {
					try {
						return await session.query<{ guild: string; key_hash: string; key_encrypted: string }>(
							'SELECT discord_server_id::text AS guild, key_hash, key_encrypted FROM overlay_keys ORDER BY 1'
						);
					} finally {
						await session.release();
					}
				});
				expect(rows.map((row) => row.guild)).to.deep.equal([String(GUILD_A), String(GUILD_B)]);
				expect(rows[0]!.key_encrypted)
					.to.match(/^enc:v1:/)
					.and.not.include(a1);
			});

			it('rotates one server’s key: the old one finds nothing, the other server’s is untouched', async () => {
				const before = await database.forGuild(GUILD_A).overlayKeys.key();
				const other = await database.forGuild(GUILD_B).overlayKeys.key();
				const rotated = await database.forGuild(GUILD_A).overlayKeys.rotate();
				expect(rotated.key).not.to.equal(before);
				expect(rotated.keyHash).to.equal(overlayKeyHash(rotated.key));
				expect(await database.forGuild(GUILD_A).overlayKeys.key()).to.equal(rotated.key);
				expect(await database.system.guildIdOfOverlayKey(overlayKeyHash(before))).to.equal(null);
				expect(await database.system.guildIdOfOverlayKey(rotated.keyHash)).to.equal(GUILD_A);
				expect(await database.forGuild(GUILD_B).overlayKeys.key()).to.equal(other);
			});

			it('finds nothing for a server the bot left, and refuses to make or show a key without an encryption key', async () => {
				const key = await database.forGuild(GUILD_B).overlayKeys.key();
				await database.forGuild(GUILD_B).server.markLeft();
				expect(await database.system.guildIdOfOverlayKey(overlayKeyHash(key))).to.equal(null);

				const withoutKey = new Database(database.connection, {});
				const refusal = await withoutKey
					.forGuild(GUILD_A)
					.overlayKeys.key()
					.then(
						() => null,
						(error: unknown) => error
					);
				expect(refusal).to.be.instanceOf(MissingOverlayKeyCipherError);
				const wrongKey = new Database(database.connection, { tokenCipher: new TokenCipher(Buffer.alloc(32, 9)) });
				const unreadable = await wrongKey
					.forGuild(GUILD_A)
					.overlayKeys.key()
					.then(
						() => null,
						(error: unknown) => error
					);
				expect(unreadable, 'a key encrypted for this row with another TOKEN_ENCRYPTION_KEY is not shown').to.be.instanceOf(Error);
			});
		});
	}
});
