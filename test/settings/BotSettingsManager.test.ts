import { expect } from 'chai';
import { Database } from '#lib/database/Database';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { BotSettingsManager, UnknownSettingError } from '#lib/settings/BotSettingsManager';
import { coreSettings } from '#lib/settings/coreSettings';
import { InvalidSettingValueError, setting } from '#lib/settings/SettingDefinition';
import { countingConnection } from '#test/helpers/countingConnection';
import { openMigratedDatabase, postgresEngine, truncateAll, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';

const GUILD_A = 500000000000000001n;
const GUILD_B = 500000000000000002n;
const TTL_MS = 60_000;

const declared = new Map<string, DeclaredSetting>([
	['prefix', { key: 'prefix', definition: coreSettings.prefix, declaredBy: 'the core' }],
	['moderator_role_id', { key: 'moderator_role_id', definition: coreSettings.moderator_role_id, declaredBy: 'the core' }],
	[
		'slot_request_cooldown_seconds',
		{ key: 'slot_request_cooldown_seconds', definition: setting.integer({ min: 0, max: 3600 }, 30, 'Cooldown'), declaredBy: 'plugin slots' }
	],
	['kick_channel', { key: 'kick_channel', definition: coreSettings.kick_channel, declaredBy: 'the core' }]
]);

describe('BotSettingsManager (PostgreSQL)', () => {
	let migrated: MigratedDatabase;
	let counted: Database;
	let statements: string[];
	let clock: number;
	let manager: BotSettingsManager;
	let changes: bigint[];
	let invalidStored: string[];

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'settings');
		const counter = countingConnection(migrated.database.connection);
		statements = counter.statements;
		counted = new Database(counter.connection);
	});

	after(async () => {
		await migrated.close();
	});

	beforeEach(async () => {
		await truncateAll(migrated.database);
		clock = 1_000_000;
		changes = [];
		invalidStored = [];
		manager = new BotSettingsManager(counted, declared, {
			ttlMs: TTL_MS,
			now: () => clock,
			onChange: (guildId) => changes.push(guildId),
			onInvalidStoredValue: (guildId, key, value) => invalidStored.push(`${guildId}:${key}=${value}`)
		});
		statements.length = 0;
	});

	/** What the dashboard does: writes the row itself, without telling this process. */
	const writeBehindTheBotsBack = (guildId: bigint, key: string, value: string) => migrated.database.forGuild(guildId).settings.set({ [key]: value });

	it('gives the server’s value, else the default, and never another server’s value', async () => {
		await writeBehindTheBotsBack(GUILD_A, 'prefix', '?');
		await writeBehindTheBotsBack(GUILD_B, 'slot_request_cooldown_seconds', '90');

		const a = await manager.forGuild(GUILD_A);
		const b = await manager.forGuild(GUILD_B);
		expect([a.get('prefix'), b.get('prefix')]).to.deep.equal(['?', '!']);
		expect(a.view().find((entry) => entry.key === 'slot_request_cooldown_seconds')).to.deep.include({ value: '30', isDefault: true });
		expect(b.view().find((entry) => entry.key === 'slot_request_cooldown_seconds')).to.deep.include({ value: '90', isDefault: false });
	});

	it('costs no query on a cache hit', async () => {
		await manager.forGuild(GUILD_A);
		expect(statements).to.have.length(1);
		for (let index = 0; index < 100; index++) await manager.forGuild(GUILD_A);
		expect(statements, 'a hundred hits').to.have.length(1);
	});

	it('shares one query between concurrent loads of a server, and loads each server once', async () => {
		const loads = await Promise.all([
			...Array.from({ length: 20 }, () => manager.forGuild(GUILD_A)),
			...Array.from({ length: 20 }, () => manager.forGuild(GUILD_B))
		]);
		expect(statements).to.have.length(2);
		expect(new Set(loads.slice(0, 20)).size, 'the same object for A').to.equal(1);
		expect(loads[0]!.guildId).to.equal(GUILD_A);
		expect(loads[20]!.guildId).to.equal(GUILD_B);
	});

	it('reloads a server after it is invalidated, and only that server', async () => {
		await manager.forGuild(GUILD_A);
		await manager.forGuild(GUILD_B);
		await writeBehindTheBotsBack(GUILD_A, 'prefix', '$');
		await writeBehindTheBotsBack(GUILD_B, 'prefix', '%');
		statements.length = 0;

		manager.invalidate(GUILD_A);
		expect((await manager.forGuild(GUILD_A)).get('prefix')).to.equal('$');
		expect((await manager.forGuild(GUILD_B)).get('prefix'), 'B keeps its cached copy').to.equal('!');
		expect(statements).to.have.length(1);
	});

	it('does not cache what a load read before an invalidation that happened during it', async () => {
		const stale = manager.forGuild(GUILD_A);
		manager.invalidate(GUILD_A);
		await writeBehindTheBotsBack(GUILD_A, 'prefix', '$');
		await stale;
		expect((await manager.forGuild(GUILD_A)).get('prefix')).to.equal('$');
	});

	it('converges through the TTL when no change message arrives (Redis down)', async () => {
		expect((await manager.forGuild(GUILD_A)).get('prefix')).to.equal('!');
		await writeBehindTheBotsBack(GUILD_A, 'prefix', '?');

		clock += TTL_MS - 1;
		expect((await manager.forGuild(GUILD_A)).get('prefix'), 'still within the TTL').to.equal('!');
		clock += 1;
		expect((await manager.forGuild(GUILD_A)).get('prefix')).to.equal('?');
	});

	it('drops the servers whose settings expired, at a load a TTL after the last sweep: it holds the servers read lately, not all ever read', async () => {
		const GUILD_C = 500000000000000003n;
		await manager.forGuild(GUILD_A);
		clock += TTL_MS / 2;
		await manager.forGuild(GUILD_B);
		expect(manager.cachedServers).to.equal(2);

		clock += TTL_MS / 2;
		expect(manager.cached(GUILD_A), 'A expired').to.equal(undefined);
		await manager.forGuild(GUILD_C);
		expect(manager.cachedServers, 'A dropped; B, still fresh, and C kept').to.equal(2);
		expect(manager.cached(GUILD_B)?.guildId).to.equal(GUILD_B);

		clock += TTL_MS;
		await manager.forGuild(GUILD_A);
		expect(manager.cachedServers, 'B and C dropped').to.equal(1);
	});

	it('sets a valid value for one server, reports the change, and serves it at once', async () => {
		await manager.forGuild(GUILD_A);
		const after = await manager.set(GUILD_A, 'slot_request_cooldown_seconds', ' 45 ');
		expect(after.get('slot_request_cooldown_seconds' as never)).to.equal(45);
		expect((await manager.forGuild(GUILD_A)).get('slot_request_cooldown_seconds' as never)).to.equal(45);
		expect((await manager.forGuild(GUILD_B)).get('slot_request_cooldown_seconds' as never)).to.equal(30);
		expect(changes).to.deep.equal([GUILD_A]);
		expect(await migrated.database.forGuild(GUILD_A).settings.all()).to.deep.equal(new Map([['slot_request_cooldown_seconds', '45']]));
	});

	it('refuses an unknown key or a bad value with what it accepts, writing nothing', async () => {
		const unknown = await rejection(manager.set(GUILD_A, 'prefx', '?'));
		expect(unknown).to.be.an.instanceOf(UnknownSettingError);
		expect((unknown as Error).message).to.equal(
			'There is no setting "prefx". Settings: kick_channel, moderator_role_id, prefix, slot_request_cooldown_seconds.'
		);
		const bad = await rejection(manager.set(GUILD_A, 'prefix', 'two words'));
		expect(bad).to.be.an.instanceOf(InvalidSettingValueError);
		expect((bad as Error).message).to.equal(
			'prefix accepts 1 to 5 visible characters, such as ! ? $ . - or letters; no spaces, invisible, combining or full-width characters, quotes, brackets, or * _ ~ | ` > # @ < \\'
		);
		const nul = await rejection(manager.set(GUILD_A, 'slot_request_cooldown_seconds', '45\0'));
		expect(nul).to.be.an.instanceOf(InvalidSettingValueError);
		expect((nul as Error).message).to.equal(
			'slot_request_cooldown_seconds accepts a whole number from 0 to 3600; the value has a control character (such as NUL or a line break), which no setting takes'
		);
		const long = await rejection(manager.set(GUILD_A, 'k'.repeat(10_000), '?'));
		expect((long as Error).message, 'the key is cut').to.equal(
			`There is no setting "${'k'.repeat(99)}…". Settings: kick_channel, moderator_role_id, prefix, slot_request_cooldown_seconds.`
		);
		const outOfRange = await rejection(manager.set(GUILD_A, 'slot_request_cooldown_seconds', '-1'));
		expect((outOfRange as Error).message).to.equal('slot_request_cooldown_seconds accepts a whole number from 0 to 3600');
		expect(await rejection(manager.reset(GUILD_A, 'nope'))).to.be.an.instanceOf(UnknownSettingError);

		expect(await migrated.database.forGuild(GUILD_A).settings.all()).to.deep.equal(new Map());
		expect(changes).to.deep.equal([]);
	});

	it('resets a key to its default in one server only', async () => {
		await manager.set(GUILD_A, 'prefix', '?');
		await manager.set(GUILD_B, 'prefix', '?');
		expect((await manager.reset(GUILD_A, 'prefix')).get('prefix')).to.equal('!');
		expect((await manager.forGuild(GUILD_B)).get('prefix')).to.equal('?');
	});

	it('falls back to the default for a stored value that does not fit, and says so, also in its view', async () => {
		await writeBehindTheBotsBack(GUILD_A, 'prefix', 'far too long');
		await writeBehindTheBotsBack(GUILD_A, 'retired_key', 'x');
		const settings = await manager.forGuild(GUILD_A);
		expect(settings.get('prefix')).to.equal('!');
		expect(invalidStored).to.deep.equal([`${GUILD_A}:prefix=far too long`]);
		expect(settings.view().find((entry) => entry.key === 'prefix')).to.deep.include({ value: '!', isDefault: true, invalidStoredValue: 'far too long' });
		expect(settings.view().find((entry) => entry.key === 'moderator_role_id')).to.not.have.property('invalidStoredValue');

		const reset = await manager.reset(GUILD_A, 'prefix');
		expect(reset.view().find((entry) => entry.key === 'prefix')).to.not.have.property('invalidStoredValue');
		expect(await migrated.database.forGuild(GUILD_A).settings.all(), 'reset removed the row').to.deep.equal(new Map([['retired_key', 'x']]));
	});

	it('runs the caller’s check on the parsed value, and refuses with its problem after what the key accepts, writing nothing', async () => {
		const checked: unknown[] = [];
		const noSuchRole = (_definition: unknown, value: unknown) => {
			checked.push(value);
			return value === '300000000000000001' ? undefined : 'this server has no such role';
		};
		const refused = await rejection(manager.set(GUILD_A, 'moderator_role_id', '<@&300000000000000002>', noSuchRole));
		expect(refused).to.be.an.instanceOf(InvalidSettingValueError);
		expect((refused as Error).message).to.equal(
			'moderator_role_id accepts a role of this server (@role or its id), or "none"; this server has no such role'
		);
		expect(await migrated.database.forGuild(GUILD_A).settings.all()).to.deep.equal(new Map());
		expect(changes).to.deep.equal([]);

		expect((await manager.set(GUILD_A, 'moderator_role_id', '300000000000000001', noSuchRole)).get('moderator_role_id')).to.equal('300000000000000001');
		expect(checked, 'the check sees the parsed id, not the mention').to.deep.equal(['300000000000000002', '300000000000000001']);
		expect(await rejection(manager.set(GUILD_A, 'moderator_role_id', 'not a role', noSuchRole))).to.be.an.instanceOf(InvalidSettingValueError);
		expect(checked, 'a value that does not parse never reaches the check').to.have.length(2);
	});

	it('lists the keys set and reset take: all but those a command owns', async () => {
		expect(manager.keys).to.deep.equal(['kick_channel', 'moderator_role_id', 'prefix', 'slot_request_cooldown_seconds']);
		expect(manager.changeableKeys).to.deep.equal(['moderator_role_id', 'prefix', 'slot_request_cooldown_seconds']);
	});

	it('refuses a server id that is not one', async () => {
		expect(() => manager.invalidate('not-a-guild')).to.throw(TypeError);
		expect(await rejection(manager.set('0', 'prefix', '?'))).to.be.an.instanceOf(TypeError);
	});
});
