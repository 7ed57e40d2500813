import { expect } from 'chai';
import type { GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

for (const engine of engines) {
	describe(`PointSettingsRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			// This plugin's repositories only: the plugin stands on its own.
			migrated = await openMigratedDatabase(engine, 'point_settings', repositoriesOf(manifest));
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, ['point_settings', 'bot_settings']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		it('stores keys per server, apart from the bot settings of the same keys', async () => {
			await a.settings.set({ prefix: '?' });
			await a.pointSettings.set({ prefix: 'points-table', sub_bonus: '50' });
			await b.pointSettings.set({ sub_bonus: '10' });

			expect(await a.settings.get('prefix')).to.equal('?');
			expect(Object.fromEntries(await a.pointSettings.all())).to.deep.equal({ prefix: 'points-table', sub_bonus: '50' });
			expect(await b.pointSettings.delete('prefix')).to.equal(false);
			expect(await a.pointSettings.delete('prefix')).to.equal(true);
			expect(await a.settings.get('prefix'), 'the bot setting of the same key stays').to.equal('?');
			expect(Object.fromEntries(await b.pointSettings.all())).to.deep.equal({ sub_bonus: '10' });
		});
	});
}
