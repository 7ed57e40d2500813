import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { pluginsDirectory, projectRoot } from '#lib/paths';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';

/** Every TypeScript file under a folder of the sources. */
function sourcesUnder(folder: string): string[] {
	return readdirSync(join(projectRoot, folder), { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith('.ts'))
		.map((file) => join(projectRoot, folder, file));
}

// The lint rule keeps plugins to #core; this keeps the core from knowing any feature.
describe('The core knows no feature', () => {
	const core = sourcesUnder('src').filter((file) => !file.includes(`${join('src', 'generated')}`));

	it('no core file imports a plugin', () => {
		const importing = core.filter((file) => /from '#plugins\//.test(readFileSync(file, 'utf8')));
		expect(importing.map((file) => relative(projectRoot, file))).to.deep.equal([]);
	});

	it('no core file reads a plugin’s repository', async () => {
		const names = [...(await PluginCatalog.discover(pluginsDirectory, [], coreSettings)).repositories.keys()];
		expect(names.length).to.be.above(0);
		const reading = new RegExp(`\\.(${names.join('|')})\\.`);
		const offenders = core.filter((file) => reading.test(readFileSync(file, 'utf8')));
		expect(offenders.map((file) => relative(projectRoot, file))).to.deep.equal([]);
	});
});
