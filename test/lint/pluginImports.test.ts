import { expect } from 'chai';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { projectRoot } from '#lib/paths';

// The project's eslint.config.mjs, without type information: these files are not in the TypeScript project, and the import rules need no types.
const eslint = new ESLint({ cwd: projectRoot, overrideConfig: [tseslint.configs.disableTypeChecked] });

/** Every problem ESLint reports for `text` as the file `filePath` (relative to the repository). */
async function lint(filePath: string, text: string): Promise<{ line: number; ruleId: string | null; message: string }[]> {
	const [result] = await eslint.lintText(text, { filePath });
	return result!.messages.map(({ line, ruleId, message }) => ({ line, ruleId, message }));
}

describe('lint: what a plugin may import', () => {
	it('refuses a deep core module and names #core instead', async () => {
		const problems = await lint('plugins/demo/commands/show.ts', "import { Database } from '#lib/database/Database';\nexport { Database };\n");
		expect(problems).to.have.length(1);
		expect(problems[0]).to.include({ line: 1, ruleId: 'no-restricted-imports' });
		expect(problems[0]!.message).to.contain("'#core'");
	});

	it('refuses another plugin, by alias or by a relative path', async () => {
		const problems = await lint(
			'plugins/demo/commands/show.ts',
			"import { other } from '#plugins/other/lib/x';\nimport { sibling } from '../../other/lib/x.js';\nexport { other, sibling };\n"
		);
		expect(problems.map(({ line, ruleId }) => ({ line, ruleId }))).to.deep.equal([
			{ line: 1, ruleId: 'local/plugin-boundary' },
			{ line: 2, ruleId: 'local/plugin-boundary' }
		]);
		for (const { message } of problems) expect(message).to.contain("is in plugin 'other'");
	});

	it('refuses the container’s services that reach every server, with or without this., and points at the context', async () => {
		const problems = await lint(
			'plugins/demo/commands/show.ts',
			[
				"import { container } from '@sapphire/framework';",
				'export const all = container.db;',
				'export class Show { public run(): unknown { return [this.container.settings, this.container.kick, this.container.logger]; } private readonly container = container; }',
				''
			].join('\n')
		);
		expect(problems.map(({ line, ruleId }) => ({ line, ruleId }))).to.deep.equal([
			{ line: 2, ruleId: 'no-restricted-syntax' },
			{ line: 3, ruleId: 'no-restricted-syntax' },
			{ line: 3, ruleId: 'no-restricted-syntax' }
		]);
		expect(problems[0]!.message).to.contain('a plugin acts for one server through the context its piece receives');
	});

	it('refuses a relative path into src/ and points at #core', async () => {
		const problems = await lint('plugins/demo/plugin.ts', "import { x } from '../../src/lib/x.js';\nexport { x };\n");
		expect(problems).to.deep.equal([
			{ line: 1, ruleId: 'local/plugin-boundary', message: "'../../src/lib/x.js' reaches into the core: import it from '#core'." }
		]);
	});

	it('refuses the generated Prisma client, a file behind #core, the test helpers outside tests, and import() of a core module', async () => {
		const problems = await lint(
			'plugins/demo/lib/store.ts',
			[
				"import type { PrismaClient } from '#generated/prisma/client';",
				"import { Base } from '#core/base';",
				"import { useDatabase } from '#test/helpers/databases';",
				"const settings = await import('#lib/settings/coreSettings');",
				'export { Base, useDatabase, settings, type PrismaClient };',
				''
			].join('\n')
		);
		expect(problems.map(({ line, ruleId }) => ({ line, ruleId }))).to.deep.equal([
			{ line: 1, ruleId: 'no-restricted-imports' },
			{ line: 2, ruleId: 'no-restricted-imports' },
			{ line: 3, ruleId: 'no-restricted-imports' },
			{ line: 4, ruleId: 'local/plugin-boundary' }
		]);
	});

	it('accepts #core, npm packages, node builtins and its own folder', async () => {
		const problems = await lint(
			'plugins/demo/commands/show.ts',
			[
				"import { join } from 'node:path';",
				"import { ApplyOptions } from '@sapphire/decorators';",
				"import { definePlugin } from '#core';",
				"import { own } from '../lib/own.js';",
				"import { ownByAlias } from '#plugins/demo/lib/own';",
				'export { join, ApplyOptions, definePlugin, own, ownByAlias };',
				''
			].join('\n')
		);
		expect(problems).to.deep.equal([]);
	});

	it('accepts ./lib/own.js and #core from the manifest', async () => {
		const problems = await lint(
			'plugins/demo/plugin.ts',
			"import { definePlugin } from '#core';\nimport { own } from './lib/own.js';\nexport { definePlugin, own };\n"
		);
		expect(problems).to.deep.equal([]);
	});

	it("lets a plugin's tests import the #test helpers", async () => {
		const problems = await lint(
			'plugins/demo/tests/show.test.ts',
			"import { useDatabase } from '#test/helpers/databases';\nimport { own } from '../lib/own.js';\nexport { useDatabase, own };\n"
		);
		expect(problems).to.deep.equal([]);
	});
});
