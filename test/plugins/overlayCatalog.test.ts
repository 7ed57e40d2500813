import { join } from 'node:path';
import { expect } from 'chai';
import { compiledRoot } from '#lib/paths';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { StartupError } from '#lib/startup/StartupError';

const fixture = (name: string) => join(compiledRoot, 'test', 'fixtures', name);

describe('PluginCatalog: overlays declared in manifests', () => {
	it('lists the overlays of the plugins that are on, by name, each with its plugin and definition', async () => {
		const catalog = await PluginCatalog.discover(fixture('plugins-overlays'), [], coreSettings);
		const counter = catalog.overlays.get('counter');
		expect([...catalog.overlays.keys()]).to.deep.equal(['counter']);
		expect(counter?.plugin).to.equal('counter');
		expect(counter?.definition.title).to.equal('Counter: the server’s number');

		const off = await PluginCatalog.discover(fixture('plugins-overlays'), ['counter'], coreSettings);
		expect(off.overlays.size, 'a plugin switched off for the bot serves none').to.equal(0);
	});

	it('refuses at start a bad overlay name, an empty title, a script without render, and a name two plugins declare (even one of them off)', async () => {
		const base = 'test/fixtures/plugins-overlays-bad';
		for (const disabled of [[], ['dup-two']]) {
			const error = await PluginCatalog.discover(fixture('plugins-overlays-bad'), disabled, coreSettings).then(
				() => null,
				(thrown: unknown) => thrown
			);
			expect(error).to.be.instanceOf(StartupError);
			const lines = (error as StartupError).lines;
			expect(lines).to.deep.equal([
				`Plugin manifest ${base}/bad-name/plugin.ts is invalid: overlays.Bad_Name: an overlay name (lower-case letters, digits and dashes, starting with a letter, up to 32).`,
				`Plugin manifest ${base}/empty-title/plugin.ts is invalid: overlays.ticker.title: a title to show moderators.`,
				`Plugin manifest ${base}/no-render/plugin.ts is invalid: overlays.ticker2.script: a script defining function render(state, root).`,
				'Overlay "scoreboard" is declared twice: by plugin dup-one and by plugin dup-two.'
			]);
		}
	});
});
