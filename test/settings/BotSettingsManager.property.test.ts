import { expect } from 'chai';
import * as fc from 'fast-check';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { BotSettingsManager, UnknownSettingError } from '#lib/settings/BotSettingsManager';
import { coreSettings } from '#lib/settings/coreSettings';
import { InvalidSettingValueError, ManagedSettingError, setting } from '#lib/settings/SettingDefinition';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { CONTROL_OR_BROKEN, hostileText } from '#test/unit/hostileText';

const GUILD = 600000000000000001n;
const OTHER_GUILD = 600000000000000002n;

const declared = new Map<string, DeclaredSetting>([
	...Object.entries(coreSettings).map(([key, definition]): [string, DeclaredSetting] => [key, { key, definition, declaredBy: 'the core' }]),
	[
		'greeting',
		{
			key: 'greeting',
			definition: setting.text({ pattern: /^[\s\S]{1,200}$/u, accepts: 'any text' }, 'hi', 'A loose plugin rule.'),
			declaredBy: 'plugin loose'
		}
	],
	['raffle_open', { key: 'raffle_open', definition: setting.boolean(false, 'Open?'), declaredBy: 'plugin raffle' }]
]);
const keys = fc.oneof(fc.constantFrom(...declared.keys()), hostileText);

describe('BotSettingsManager.set with arbitrary keys and values (property, PostgreSQL)', function () {
	this.timeout(120_000);
	let migrated: MigratedDatabase;
	let manager: BotSettingsManager;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'settings_property');
		manager = new BotSettingsManager(migrated.database, declared, { ttlMs: 60_000 });
		await migrated.database.forGuild(OTHER_GUILD).settings.set({ prefix: '?' });
	});

	after(async () => {
		await migrated?.close();
	});

	const stored = async (guild: bigint) => Object.fromEntries(await migrated.database.forGuild(guild).settings.all());

	it('stores a value that fits its key, or refuses with a known error and writes nothing; never another server', async () => {
		await fc.assert(
			fc.asyncProperty(keys, hostileText, async (key, text) => {
				const before = await stored(GUILD);
				const outcome = await manager.set(GUILD, key, text).then(
					() => null,
					(error: unknown) => error
				);
				const after = await stored(GUILD);
				expect(await stored(OTHER_GUILD)).to.deep.equal({ prefix: '?' });
				if (outcome !== null) {
					expect(
						outcome instanceof UnknownSettingError || outcome instanceof InvalidSettingValueError || outcome instanceof ManagedSettingError,
						`${JSON.stringify(key)} = ${JSON.stringify(text)}: ${String(outcome)}`
					).to.equal(true);
					expect(after, 'nothing written').to.deep.equal(before);
					return;
				}
				const definition = declared.get(key)!.definition;
				const value = after[key]!;
				expect(value, `${JSON.stringify(key)} = ${JSON.stringify(text)}`).to.not.match(CONTROL_OR_BROKEN);
				expect(definition.parse(value)).to.deep.equal(definition.parse(text));
				expect({ ...after, [key]: before[key] }, 'no other key changed').to.deep.equal({ ...before, [key]: before[key] });
			}),
			{ numRuns: 300 }
		);
	});
});
