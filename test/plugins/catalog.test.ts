import { join } from 'node:path';
import { expect } from 'chai';
import { compiledRoot, pluginsDirectory } from '#lib/paths';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { StartupError } from '#lib/startup/StartupError';

/** A fixture folder of plugins, as compiled by tsc (discover() reads the compiled plugin.js). */
const fixture = (name: string) => join(compiledRoot, 'test', 'fixtures', name);

/** The StartupError discover() rejects with; fails the test when it resolves or throws anything else. */
async function startupErrorOf(promise: Promise<unknown>): Promise<StartupError> {
	const error = await promise.then(
		() => {
			throw new Error('expected PluginCatalog.discover to refuse the start');
		},
		(thrown: unknown) => thrown
	);
	expect(error).to.be.instanceOf(StartupError);
	return error as StartupError;
}

describe('PluginCatalog.discover', () => {
	describe('a folder of valid plugins', () => {
		it('lists every plugin with its name, description, folder and whether it is on', async () => {
			const catalog = await PluginCatalog.discover(fixture('plugins-ok'), [], coreSettings);

			expect(catalog.plugins.map((plugin) => [plugin.manifest.name, plugin.manifest.description, plugin.enabled])).to.deep.equal([
				['alpha', 'Fixture plugin with settings and one command.', true],
				['beta', 'Fixture plugin without settings.', true]
			]);
			expect(catalog.plugins.map((plugin) => plugin.directory)).to.deep.equal([
				join(fixture('plugins-ok'), 'alpha'),
				join(fixture('plugins-ok'), 'beta')
			]);
			expect(catalog.enabled.map((plugin) => plugin.manifest.name)).to.deep.equal(['alpha', 'beta']);
		});

		it('declares the core settings and every plugin’s settings, each with who declared it', async () => {
			const catalog = await PluginCatalog.discover(fixture('plugins-ok'), [], coreSettings);

			expect(Object.fromEntries([...catalog.settings.values()].map((declared) => [declared.key, declared.declaredBy]))).to.deep.equal({
				prefix: 'the core',
				moderator_role_id: 'the core',
				kick_channel: 'the core',
				kick_broadcaster_user_id: 'the core',
				kick_chatroom_id: 'the core',
				kick_chat_min_interval_ms: 'the core',
				kick_reply_max_age_seconds: 'the core',
				kick_alerts_channel_id: 'the core',
				plugins_off: 'the core',
				alpha_enabled: 'plugin alpha',
				alpha_limit: 'plugin alpha'
			});
			const limit = catalog.settings.get('alpha_limit')?.definition;
			expect(limit?.defaultValue).to.equal(3);
			expect(limit?.accepts).to.equal('a whole number from 1 to 10');
			expect(limit?.parse('11')).to.equal(undefined);
		});

		it('DISABLED_PLUGINS switches one plugin off; its settings keys stay declared', async () => {
			const catalog = await PluginCatalog.discover(fixture('plugins-ok'), ['alpha'], coreSettings);

			expect(catalog.plugins.map((plugin) => `${plugin.manifest.name}:${plugin.enabled ? 'on' : 'off'}`)).to.deep.equal(['alpha:off', 'beta:on']);
			expect(catalog.enabled.map((plugin) => plugin.manifest.name)).to.deep.equal(['beta']);
			expect(catalog.settings.get('alpha_enabled')?.declaredBy).to.equal('plugin alpha');
		});

		it('an unknown name in DISABLED_PLUGINS stops the start, naming it and the plugins there are', async () => {
			const error = await startupErrorOf(PluginCatalog.discover(fixture('plugins-ok'), ['beta', 'alhpa'], coreSettings));

			expect(error.lines).to.deep.equal(['DISABLED_PLUGINS names "alhpa", which is not a plugin (plugins: alpha, beta).']);
		});

		it('a missing plugins folder means no plugins (and any DISABLED_PLUGINS name is unknown)', async () => {
			const missing = fixture('plugins-does-not-exist');
			const catalog = await PluginCatalog.discover(missing, [], coreSettings);
			expect(catalog.plugins).to.deep.equal([]);
			expect([...catalog.settings.keys()]).to.deep.equal([...Object.keys(coreSettings), 'plugins_off']);

			const error = await startupErrorOf(PluginCatalog.discover(missing, ['alpha'], coreSettings));
			expect(error.lines).to.deep.equal(['DISABLED_PLUGINS names "alpha", which is not a plugin (plugins: none).']);
		});
	});

	describe('the project’s own plugins/ folder', () => {
		it('holds core-info, on by default, and off when DISABLED_PLUGINS names it', async () => {
			const on = await PluginCatalog.discover(pluginsDirectory, [], coreSettings);
			const coreInfo = on.plugins.find((plugin) => plugin.manifest.name === 'core-info');
			expect(coreInfo?.enabled).to.equal(true);
			expect(coreInfo?.manifest.description).to.equal(
				'Tells whether the bot is alive (/ping), what it is (/about) and what it holds about this server (/server).'
			);

			const off = await PluginCatalog.discover(pluginsDirectory, ['core-info'], coreSettings);
			expect(off.enabled.map((plugin) => plugin.manifest.name)).to.not.include('core-info');
		});
	});

	describe('a settings key declared twice', () => {
		it('stops the start with one line per key, naming both declarers (the core counts as one)', async () => {
			const error = await startupErrorOf(PluginCatalog.discover(fixture('plugins-duplicate-settings'), [], coreSettings));

			expect(error.lines).to.have.members([
				'Settings key "prefix" is declared twice: by the core and by plugin gamma.',
				'Settings key "shared_key" is declared twice: by plugin alpha and by plugin beta.'
			]);
			expect(error.lines).to.have.length(2);
		});

		it('still stops the start when one of the two plugins is switched off (its keys stay declared)', async () => {
			const error = await startupErrorOf(PluginCatalog.discover(fixture('plugins-duplicate-settings'), ['beta', 'gamma'], coreSettings));

			expect(error.lines).to.include('Settings key "shared_key" is declared twice: by plugin alpha and by plugin beta.');
		});
	});

	describe('invalid manifests', () => {
		it('lists every problem of the folder at once, each naming the source file to fix', async () => {
			const error = await startupErrorOf(PluginCatalog.discover(fixture('plugins-bad-manifest'), [], coreSettings));
			const base = 'test/fixtures/plugins-bad-manifest';

			expect(error.lines, error.message).to.have.length(5);
			// Folders are read in alphabetical order.
			const [badKey, emptyDescription, noDefault, noManifest, wrongName] = error.lines;
			// The line says what a key must be, not zod's generic "Invalid key in record".
			expect(badKey).to.equal(`Plugin manifest ${base}/bad-setting-key/plugin.ts is invalid: settings.BadKey: a snake_case key.`);
			expect(emptyDescription).to.match(new RegExp(`^Plugin manifest ${base}/empty-description/plugin\\.ts is invalid: description: .+\\.$`));
			expect(noDefault).to.match(new RegExp(`^Plugin manifest ${base}/no-default/plugin\\.ts is invalid: default export: .+\\.$`));
			expect(noManifest).to.equal(`Plugin folder ${base}/no-manifest has no plugin.ts manifest (export default definePlugin({ name, description })).`);
			expect(wrongName).to.equal(`Plugin manifest ${base}/wrong-name/plugin.ts is named "other-name" but its folder is "wrong-name"; they must match.`);
		});

		it('a name that differs from its folder is refused even alone (and the plugin is not listed under either name)', async () => {
			const error = await startupErrorOf(PluginCatalog.discover(fixture('plugins-bad-manifest'), ['other-name'], coreSettings));

			expect(error.lines).to.include(
				'Plugin manifest test/fixtures/plugins-bad-manifest/wrong-name/plugin.ts is named "other-name" but its folder is "wrong-name"; they must match.'
			);
			expect(error.lines).to.include('DISABLED_PLUGINS names "other-name", which is not a plugin (plugins: fine).');
		});
	});

	describe('dependsOn', () => {
		it('switches a plugin off with the plugins that need it, directly or not, and says which one took each down', async () => {
			const catalog = await PluginCatalog.discover(fixture('plugins-depends'), ['base'], coreSettings);

			expect(catalog.plugins.map((plugin) => [plugin.manifest.name, plugin.enabled, plugin.offBecauseOf ?? null])).to.deep.equal([
				['alone', true, null],
				['base', false, null],
				['middle', false, 'base'],
				['top', false, 'middle']
			]);
			const all = await PluginCatalog.discover(fixture('plugins-depends'), [], coreSettings);
			expect(all.enabled.map((plugin) => plugin.manifest.name)).to.deep.equal(['alone', 'base', 'middle', 'top']);
		});

		it('counts a plugin off in a server that switched off a plugin it needs, directly or not (plugins_off)', async () => {
			const catalog = await PluginCatalog.discover(fixture('plugins-depends'), [], coreSettings);

			const onWhereBaseIsOff = ['alone', 'base', 'middle', 'top'].filter((name) => catalog.isOnWhereOff(name, ['base']));
			const onWhereTopIsOff = ['alone', 'base', 'middle', 'top'].filter((name) => catalog.isOnWhereOff(name, ['top']));
			const onWhereNoneIsOff = ['alone', 'base', 'middle', 'top'].filter((name) => catalog.isOnWhereOff(name, []));
			expect(onWhereBaseIsOff).to.deep.equal(['alone']);
			expect(onWhereTopIsOff).to.deep.equal(['alone', 'base', 'middle']);
			expect(onWhereNoneIsOff).to.deep.equal(['alone', 'base', 'middle', 'top']);
			expect(catalog.needsOff('top', ['base', 'alone'])).to.deep.equal(['base']);
		});

		it('stops the start on a dependency that is not a plugin, naming it', async () => {
			const error = await startupErrorOf(PluginCatalog.discover(fixture('plugins-depends-unknown'), [], coreSettings));
			expect(error.lines).to.deep.equal(['Plugin lonely depends on "missing-friend", which is not a plugin (plugins: lonely).']);
		});

		it('stops the start on a circle of dependencies, naming it in order', async () => {
			const error = await startupErrorOf(PluginCatalog.discover(fixture('plugins-depends-circle'), [], coreSettings));
			expect(error.lines).to.deep.equal(['Plugins depend on each other in a circle: one → two → three → one. Remove one of these dependsOn.']);
		});
	});

	describe('repositories and dashboard areas', () => {
		it('collects the repositories and areas of the plugins that are on', async () => {
			const catalog = await PluginCatalog.discover(pluginsDirectory, [], coreSettings);
			expect([...catalog.repositories.keys()]).to.include.members([
				'points',
				'pointSettings',
				'customCommands',
				'timedMessages',
				'raffles',
				'slotRequests'
			]);
			expect(catalog.dashboardAreas).to.include.members(['bot_settings', 'commands', 'timed_messages', 'raffle', 'slot_requests']);

			const withoutRaffles = await PluginCatalog.discover(pluginsDirectory, ['raffles'], coreSettings);
			expect([...withoutRaffles.repositories.keys()]).to.not.include('raffles');
			expect(withoutRaffles.dashboardAreas).to.not.include('raffle');
		});

		it('stops the start when a repository name or an area is claimed twice, or a plugin claims one of the core’s', async () => {
			const error = await startupErrorOf(PluginCatalog.discover(fixture('plugins-ownership-clash'), [], coreSettings));
			expect(error.lines).to.have.members([
				'Repository name "notes" is claimed twice: by plugin first and by plugin second.',
				'Repository name "settings" is claimed twice: by the core and by plugin second.',
				'Dashboard area "notes" is claimed twice: by plugin first and by plugin second.',
				'Dashboard area "bot_settings" is claimed twice: by the core and by plugin second.'
			]);
			const oneOff = await PluginCatalog.discover(fixture('plugins-ownership-clash'), ['second'], coreSettings);
			expect([...oneOff.repositories.keys()]).to.deep.equal(['notes']);
		});
	});
});
