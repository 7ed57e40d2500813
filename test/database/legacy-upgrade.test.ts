import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DatabaseConnection, SqlSession } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { legacyRollbackScript, pluginOfMigration } from '#lib/database/migrations/legacyRollback';
import { readMigrationFiles } from '#lib/database/migrations/MigrationFiles';
import { BASELINE_MIGRATION, createMigrationRunner, LEGACY_TABLES } from '#lib/database/migrations/migrate';
import { MigrationError } from '#lib/database/migrations/MigrationRunner';
import { TokenCipher } from '#lib/database/TokenCipher';
import { migrationsDirectory, projectRoot } from '#lib/paths';
import { engines, everyPluginRepositories, TEST_TOKEN_KEY, type Engine } from '#test/helpers/databases';

const ORIGINAL = 111111111111111111n;
const OTHER = 222222222222222222n;
const UPGRADE = '20261124000000_multi_server';
const MEMBERSHIP = '20261125000000_server_membership';
const KICK_CONNECTION = '20261126000000_kick_connection';
const RELIABLE_DELIVERY = '20261201000000_reliable_delivery';
const OVERLAY_KEYS = '20261230000000_overlay_keys';
const MIGRATIONS = readMigrationFiles(migrationsDirectory);
/** Every migration shipped, in name order: the core's, then any a plugin added. */
const ALL_MIGRATIONS = MIGRATIONS.map((migration) => migration.name);
/** The plugins' migrations (first line "-- Plugin <name>: adds only its own tables"): the rollback takes them along. */
const PLUGIN_MIGRATIONS = MIGRATIONS.filter((migration) => pluginOfMigration(migration) !== null).map((migration) => migration.name);
const fixture = (name: string) => readFileSync(join(projectRoot, 'test', 'fixtures', 'legacy', name), 'utf8');
const baselineScript = MIGRATIONS.find((migration) => migration.name === BASELINE_MIGRATION)!.script;
/** The script as it is shipped (and as psql alone runs it). */
const shippedRollbackScript = readFileSync(join(projectRoot, 'prisma', 'rollback', `${UPGRADE}.down.sql`), 'utf8');
/** The script as npm run db:rollback-legacy runs it: the plugins' migrations taken along. */
const rollbackScript = legacyRollbackScript(shippedRollbackScript, MIGRATIONS);

/** Tables whose rows all belong to one server after the upgrade. */
const DATA_TABLES = LEGACY_TABLES.filter((table) => table !== 'servers');
/** Tables the old bot kept without a server column. */
const UNSCOPED_TABLES = ['user_points', 'watchtime', 'point_shop_items', 'point_sales', 'slot_requests', 'kick_oauth_tokens'];

async function rowCounts(session: SqlSession): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const table of LEGACY_TABLES) {
		const [row] = await session.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table}`);
		counts[table] = row!.count;
	}
	return counts;
}

async function serversOfRows(session: SqlSession): Promise<Record<string, string[]>> {
	const owners: Record<string, string[]> = {};
	for (const table of DATA_TABLES) {
		const rows = await session.query<{ server: string | null }>(`SELECT DISTINCT discord_server_id::text AS server FROM ${table} ORDER BY 1`);
		owners[table] = rows.map((row) => String(row.server));
	}
	return owners;
}

function migrate(session: SqlSession, originalGuildId?: bigint): Promise<string[]> {
	return createMigrationRunner(session, { originalGuildId, log: () => undefined }).deploy();
}

/** A database of the old single-server bot: its schema, its rows, no `_prisma_migrations`. */
async function createLegacyDatabase(session: SqlSession, options: { variantKeys?: boolean; withServer?: boolean } = {}): Promise<void> {
	await session.exec(baselineScript);
	if (options.variantKeys) await session.exec(fixture('variant-key-names.sql'));
	await session.exec(fixture('single-server-data.sql'));
	if (options.withServer === false) await session.exec('DELETE FROM servers');
}

function suite(engine: Engine): void {
	describe(`Upgrading a single-server database in place (${engine.name})`, () => {
		let connection: DatabaseConnection;
		let drop: () => Promise<void>;
		let session: SqlSession;

		beforeEach(async () => {
			({ connection, drop } = await engine.open('legacy'));
			session = await connection.openSession();
		});

		afterEach(async () => {
			await session.release();
			await connection.close();
			await drop();
		});

		it('records the baseline, upgrades, and gives every row to the original server, losing none', async () => {
			await createLegacyDatabase(session);
			const before = await rowCounts(session);

			expect(await migrate(session)).to.deep.equal(ALL_MIGRATIONS);

			expect(await rowCounts(session)).to.deep.equal(before);
			const owners = await serversOfRows(session);
			for (const table of DATA_TABLES) expect(owners[table], table).to.deep.equal([String(ORIGINAL)]);
		});

		it('finds keys by their columns, whatever the legacy database named them', async () => {
			await createLegacyDatabase(session, { variantKeys: true });

			await migrate(session);

			await session.exec(`INSERT INTO servers (discord_server_id) VALUES (${OTHER})`);
			// The same Kick user, setting key and Kick account may now exist once per server.
			await session.exec(`INSERT INTO user_points (discord_server_id, kick_username, points) VALUES (${OTHER}, 'bob', 1)`);
			await session.exec(`INSERT INTO watchtime (discord_server_id, username) VALUES (${OTHER}, 'bob')`);
			await session.exec(`INSERT INTO point_settings (discord_server_id, key, value) VALUES (${OTHER}, 'sub_bonus', '5')`);
			await session.exec(`INSERT INTO kick_oauth_tokens (discord_server_id, user_id) VALUES (${OTHER}, 555)`);
			const duplicate = await session.exec(`INSERT INTO user_points (discord_server_id, kick_username) VALUES (${OTHER}, 'bob')`).then(
				() => null,
				(error: unknown) => error
			);
			expect((duplicate as Error).message).to.match(/duplicate key/);
		});

		it('shows the legacy data to the original server through its repositories, and to no other server', async () => {
			await createLegacyDatabase(session);
			await migrate(session);
			const database = new Database(connection, { tokenCipher: new TokenCipher(TEST_TOKEN_KEY), repositories: await everyPluginRepositories() });
			try {
				const original = database.forGuild(ORIGINAL);
				const other = database.forGuild(OTHER);

				expect((await original.points.get('bob'))?.points).to.equal(120);
				expect(await other.points.get('bob')).to.equal(null);
				expect((await original.settings.all()).get('prefix')).to.equal('?');
				expect((await other.settings.all()).size).to.equal(0);
				expect((await original.pointSettings.all()).get('sub_bonus')).to.equal('50');
				expect(await other.pointSettings.get('sub_bonus')).to.equal(undefined);
				expect((await original.customCommands.list()).map((command) => command.name)).to.deep.equal(['discord', 'socials']);
				expect(await other.customCommands.list()).to.have.length(0);
				expect(await original.timedMessages.list()).to.have.length(1);
				expect(await original.slotRequests.listOpen()).to.have.length(2);
				expect(await other.slotRequests.listOpen()).to.have.length(0);
				const period = await original.raffles.activePeriod();
				expect(period?.totalTickets).to.equal(35);
				expect((await original.raffles.participants(period!.id)).map((ticket) => ticket.kickName)).to.deep.equal(['bob', 'alice']);
				expect(await other.raffles.activePeriod()).to.equal(null);
				expect(await original.kickTokens.userIds()).to.deep.equal([555n]);
				expect(await other.kickTokens.userIds()).to.deep.equal([]);

				// The same Kick user can then earn points in a second server, separately.
				await other.points.award('bob', 7);
				expect((await other.points.get('bob'))?.points).to.equal(7);
				expect((await original.points.get('bob'))?.points).to.equal(120);
			} finally {
				await database.close();
			}
		});

		it('encrypts the plain-text tokens the old bot left, once, and reads them back', async () => {
			await createLegacyDatabase(session);
			await migrate(session);
			const database = new Database(connection, { tokenCipher: new TokenCipher(TEST_TOKEN_KEY), repositories: await everyPluginRepositories() });
			try {
				const tokens = database.forGuild(ORIGINAL).kickTokens;
				expect(await tokens.encryptPlaintextRows()).to.equal(1);
				expect(await tokens.encryptPlaintextRows()).to.equal(0);

				const [stored] = await session.query<{ access_token: string; refresh_token: string }>(
					'SELECT access_token, refresh_token FROM kick_oauth_tokens'
				);
				expect(stored!.access_token)
					.to.match(/^enc:v1:/)
					.and.not.contain('plain');
				expect(stored!.refresh_token).to.match(/^enc:v1:/);
				const read = await tokens.get(555n);
				expect(read?.accessToken).to.equal('plain-access-token');
				expect(read?.refreshToken).to.equal('plain-refresh-token');
				expect(read?.scopes).to.deep.equal(['chat:write', 'events:subscribe']);
			} finally {
				await database.close();
			}
		});

		it('changes nothing when run again after the upgrade', async () => {
			await createLegacyDatabase(session);
			await migrate(session);
			const counts = await rowCounts(session);
			const owners = await serversOfRows(session);

			expect(await migrate(session)).to.deep.equal([]);
			expect(await rowCounts(session)).to.deep.equal(counts);
			expect(await serversOfRows(session)).to.deep.equal(owners);
		});

		it('gives the rows to the oldest server when several are listed', async () => {
			await createLegacyDatabase(session);
			await session.exec(`INSERT INTO servers (discord_server_id, created_at) VALUES (${OTHER}, '2025-06-01'), (333333333333333333, NULL)`);

			await migrate(session);

			const owners = await serversOfRows(session);
			for (const table of DATA_TABLES) expect(owners[table], table).to.deep.equal([String(ORIGINAL)]);
		});

		it('with no server recorded, gives the rows to DISCORD_GUILD_ID and records it as a server', async () => {
			await createLegacyDatabase(session, { withServer: false });

			await migrate(session, OTHER);

			const owners = await serversOfRows(session);
			for (const table of UNSCOPED_TABLES) expect(owners[table], table).to.deep.equal([String(OTHER)]);
			expect(await session.query('SELECT discord_server_id::text AS id FROM servers')).to.deep.equal([{ id: String(OTHER) }]);
		});

		it('with no server recorded and no DISCORD_GUILD_ID, refuses with what to do and changes no row', async () => {
			await createLegacyDatabase(session, { withServer: false });
			const before = await rowCounts(session);

			const error = await migrate(session).then(
				() => null,
				(caught: unknown) => caught
			);
			expect(error).to.be.an.instanceOf(MigrationError);
			expect((error as Error).message)
				.to.contain('belong to no server')
				.and.contain('user_points (2 rows)')
				.and.contain('DISCORD_GUILD_ID');
			expect(await rowCounts(session)).to.deep.equal(before);
			const [column] = await session.query<{ count: number }>(
				`SELECT count(*)::int AS count FROM information_schema.columns WHERE table_name = 'user_points' AND column_name = 'discord_server_id'`
			);
			expect(column!.count).to.equal(0);

			// Set the original server and start again: the upgrade completes.
			expect(await migrate(session, ORIGINAL)).to.deep.equal(ALL_MIGRATIONS.slice(1));
		});

		it('moves a raffle ticket that named another server than its period to the period’s server', async () => {
			await createLegacyDatabase(session);
			await session.exec(`UPDATE raffle_tickets SET discord_server_id = ${OTHER} WHERE kick_name = 'alice'`);

			await migrate(session);

			const rows = await session.query<{ server: string }>(`SELECT discord_server_id::text AS server FROM raffle_tickets WHERE kick_name = 'alice'`);
			expect(rows).to.deep.equal([{ server: String(ORIGINAL) }]);
		});

		it('refuses, from then on, a ticket or sale that points at a period or item of another server', async () => {
			await createLegacyDatabase(session);
			await migrate(session);
			await session.exec(`INSERT INTO servers (discord_server_id) VALUES (${OTHER})`);

			const ticket = await session
				.exec(`INSERT INTO raffle_tickets (period_id, discord_server_id, discord_id, kick_name) VALUES (1, ${OTHER}, 1, 'mallory')`)
				.then(
					() => null,
					(error: unknown) => error
				);
			expect((ticket as Error).message).to.match(/raffle_tickets_period_server_fkey/);
			const sale = await session
				.exec(`INSERT INTO point_sales (discord_server_id, item_id, kick_username, item_name, price_paid) VALUES (${OTHER}, 1, 'mallory', 'VIP', 0)`)
				.then(
					() => null,
					(error: unknown) => error
				);
			expect((sale as Error).message).to.match(/point_sales_server_item_fkey/);
		});

		it('rolls back to the old keys with the rollback script while only the original server has data, then upgrades again', async () => {
			await createLegacyDatabase(session);
			await migrate(session);
			await session.exec(`UPDATE kick_oauth_tokens SET access_token = 'enc:v1:abc'`);

			await session.exec(rollbackScript);

			// The old bot's global key is back, and its inserts without a server work.
			await session.exec(`INSERT INTO user_points (kick_username, points) VALUES ('carol', 3)`);
			const duplicate = await session.exec(`INSERT INTO user_points (kick_username) VALUES ('bob')`).then(
				() => null,
				(error: unknown) => error
			);
			expect((duplicate as Error).message).to.match(/user_points_kick_username_key/);
			expect(await session.query('SELECT access_token FROM kick_oauth_tokens')).to.deep.equal([{ access_token: null }]);
			const [record] = await session.query<{ rolled_back_at: Date | null }>(`SELECT rolled_back_at FROM "_prisma_migrations" WHERE migration_name = $1`, [
				UPGRADE
			]);
			expect(record!.rolled_back_at).to.be.an.instanceOf(Date);
			const [membership] = await session.query<{ rolled_back_at: Date | null }>(
				`SELECT rolled_back_at FROM "_prisma_migrations" WHERE migration_name = $1`,
				[MEMBERSHIP]
			);
			expect(membership!.rolled_back_at, 'the later additive migration is rolled back with it').to.be.an.instanceOf(Date);
			const [kickTables] = await session.query<{ rolled_back_at: Date | null }>(
				`SELECT rolled_back_at FROM "_prisma_migrations" WHERE migration_name = $1`,
				[KICK_CONNECTION]
			);
			expect(kickTables!.rolled_back_at, 'the Kick tables migration (new tables only) too').to.be.an.instanceOf(Date);
			expect(PLUGIN_MIGRATIONS, 'the quotes plugin ships a migration').to.have.length.above(0);
			const plugins = await session.query<{ migration_name: string; rolled_back_at: Date | null }>(
				`SELECT migration_name, rolled_back_at FROM "_prisma_migrations" WHERE migration_name = ANY($1)`,
				[PLUGIN_MIGRATIONS]
			);
			expect(
				plugins.map((row) => [row.migration_name, row.rolled_back_at instanceof Date]),
				'the plugins’ migrations too'
			).to.deep.equal(PLUGIN_MIGRATIONS.map((name) => [name, true]));

			// Upgrading again gives carol's row (written by the old bot) to the original server too.
			expect(await migrate(session)).to.deep.equal(ALL_MIGRATIONS.slice(1));
			const owners = await serversOfRows(session);
			for (const table of DATA_TABLES) expect(owners[table], table).to.deep.equal([String(ORIGINAL)]);
		});

		it('refuses the rollback, changing nothing, while a later migration it does not know is applied, naming it and what to do', async () => {
			await createLegacyDatabase(session);
			await migrate(session);
			await session.exec(
				`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ('x', 'x', '20990101000000_later', now(), now(), 1)`
			);

			const error = await session.exec(rollbackScript).then(
				() => null,
				(caught: unknown) => caught
			);
			await session.exec('ROLLBACK');
			expect((error as Error).message).to.equal(
				`rollback refused: 20990101000000_later is applied after ${UPGRADE}, and this script rolls back only ${[MEMBERSHIP, KICK_CONNECTION, RELIABLE_DELIVERY, OVERLAY_KEYS, ...PLUGIN_MIGRATIONS].sort().join(', ')} with it`
			);
			expect((error as { hint?: string }).hint).to.equal(
				"Run it with npm run db:rollback-legacy, which takes the plugins' migrations along; else undo what those migrations changed and delete their rows from _prisma_migrations first (the old bot has none of their features), or keep the multi-server bot."
			);
			const records = await session.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NOT NULL`);
			expect(records).to.deep.equal([]);
		});

		it('run by psql alone (no plugins’ migrations taken along), refuses while a plugin’s migration is applied, naming it', async () => {
			await createLegacyDatabase(session);
			await migrate(session);

			const error = await session.exec(shippedRollbackScript).then(
				() => null,
				(caught: unknown) => caught
			);
			await session.exec('ROLLBACK');
			expect(PLUGIN_MIGRATIONS).to.have.length.above(0);
			expect((error as Error).message).to.equal(
				`rollback refused: ${PLUGIN_MIGRATIONS.join(', ')} is applied after ${UPGRADE}, and this script rolls back only ${MEMBERSHIP}, ${KICK_CONNECTION}, ${RELIABLE_DELIVERY}, ${OVERLAY_KEYS} with it`
			);
			expect(await session.query(`SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NOT NULL`)).to.deep.equal([]);
		});

		it('refuses the rollback, changing nothing, once another server has data', async () => {
			await createLegacyDatabase(session);
			await migrate(session);
			await session.exec(`INSERT INTO servers (discord_server_id) VALUES (${OTHER})`);
			await session.exec(`INSERT INTO user_points (discord_server_id, kick_username) VALUES (${OTHER}, 'bob')`);

			const error = await session.exec(rollbackScript).then(
				() => null,
				(caught: unknown) => caught
			);
			await session.exec('ROLLBACK');
			expect((error as Error).message)
				.to.contain('rollback refused')
				.and.contain('user_points (1 rows)');
			const [record] = await session.query<{ rolled_back_at: Date | null }>(`SELECT rolled_back_at FROM "_prisma_migrations" WHERE migration_name = $1`, [
				UPGRADE
			]);
			expect(record!.rolled_back_at).to.equal(null);
			const keys = await session.query<{ conname: string }>(
				`SELECT conname FROM pg_constraint WHERE conrelid = 'user_points'::regclass AND contype = 'u'`
			);
			expect(keys.map((key) => key.conname)).to.deep.equal(['user_points_server_kick_username_key']);
		});
	});
}

for (const engine of engines) suite(engine);

describe('The migrations and the legacy rollback, as the docs describe them', () => {
	const migrations = readMigrationFiles(migrationsDirectory).map((migration) => migration.name);
	const takenAlong = [...(/INSERT INTO rolled_back_with_upgrade VALUES ([^;]*);/.exec(shippedRollbackScript)?.[1] ?? '').matchAll(/'([^']+)'/g)].map(
		(match) => match[1]!
	);
	const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
	const upgrading = readFileSync(join(projectRoot, 'docs', 'upgrading.md'), 'utf8');

	it('the rollback takes along exactly the later migrations of the bot itself, and every one is shipped', () => {
		expect(takenAlong).to.deep.equal([MEMBERSHIP, KICK_CONNECTION, RELIABLE_DELIVERY, OVERLAY_KEYS]);
		for (const name of takenAlong) expect(migrations, name).to.include(name);
	});

	it('every migration after the upgrade is one the rollback takes along: the core’s, listed in the script, or a plugin’s, marked as one', () => {
		const later = MIGRATIONS.filter((migration) => migration.name > UPGRADE);
		for (const migration of later) expect(takenAlong.includes(migration.name) || pluginOfMigration(migration) !== null, migration.name).to.equal(true);
		for (const name of PLUGIN_MIGRATIONS) expect(rollbackScript, name).to.include(`('${name}')`);
	});

	it('the README lists every migration of the core, and each plugin’s README its own', () => {
		for (const migration of MIGRATIONS) {
			const plugin = pluginOfMigration(migration);
			const where = plugin === null ? readme : readFileSync(join(projectRoot, 'plugins', plugin, 'README.md'), 'utf8');
			expect(where, migration.name).to.include(`\`${migration.name}\``);
		}
	});

	it('docs/upgrading.md names each migration the rollback takes along, and says it refuses while any other later one is applied', () => {
		for (const name of takenAlong) expect(upgrading, name).to.include(`\`${name}\``);
		expect(upgrading).to.include('while a migration newer than the upgrade is applied that is not one of these');
	});
});
