// @ts-check
import eslint from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import tseslint from 'typescript-eslint';

// @sapphire/eslint-config (5.x) is an eslintrc config on ESLint 8 and typescript-eslint 7, so this builds on typescript-eslint's own flat configs.

const root = import.meta.dirname;

/** What a plugin may not import from the core's aliases, and what to import instead (no-restricted-imports patterns). */
const pluginAliasRestrictions = {
	lib: {
		regex: '^#lib/',
		message:
			"A plugin imports the core only through '#core' (base classes, definePlugin, types, helpers); what '#core' does not offer is not part of the plugin API."
	},
	generated: { regex: '^#generated/', message: "A plugin gets the database client and its types from '#core', not from the generated Prisma client." },
	coreFiles: { regex: '^#core/', message: "Import from '#core' itself: the files behind it are not part of the plugin API." },
	testHelpers: { regex: '^#test/', message: "Only a plugin's tests and benchmark (plugins/<name>/tests/, bench/) may import the '#test/*' helpers." },
	otherAliases: {
		regex: '^#(?!core$|core/|lib/|generated/|test/|plugins/)',
		message: "A plugin imports only npm packages, its own folder and '#core'."
	}
};

/**
 * no-restricted-imports for files under plugins/: every restriction except the names given.
 * @param {...string} allowed
 * @returns {import('eslint').Linter.RuleEntry}
 */
function pluginImportRestrictions(...allowed) {
	const patterns = Object.entries(pluginAliasRestrictions)
		.filter(([name]) => !allowed.includes(name))
		.map(([, pattern]) => pattern);
	return ['error', { patterns }];
}

/** Sapphire's container holds services that reach every server; a plugin's pieces get their one server's context instead. */
const everyServerNames = '/^(db|settings|kick|outbox|tasks|plugins|shared)$/';
const everyServerServices = [
	`MemberExpression[object.type='Identifier'][object.name='container'][property.name=${everyServerNames}]`,
	`MemberExpression[object.type='MemberExpression'][object.property.name='container'][property.name=${everyServerNames}]`
];
const everyServerMessage =
	'container.db, .settings, .kick, .outbox, .tasks, .plugins and .shared reach every server: a plugin acts for one server through the context its piece receives (context.db, context.settings, context.shared, context.sayInKickChat, context.postInChannel).';

// no-restricted-imports sees neither which plugin a file belongs to (a relative path or '#plugins/<name>/' may stay in it or leave it) nor import().
/** @type {import('eslint').Rule.RuleModule} */
const pluginBoundary = {
	meta: {
		type: 'problem',
		schema: [],
		messages: {
			otherPlugin:
				"'{{specifier}}' is in plugin '{{target}}': a plugin imports only its own folder; share code through the core ('#core') and declare dependsOn.",
			core: "'{{specifier}}' reaches into the core: import it from '#core'.",
			outside: "'{{specifier}}' leaves plugins/{{plugin}}/: a plugin imports only npm packages, its own folder and '#core'.",
			dynamicAlias: "'{{specifier}}' is not '#core': a plugin imports only npm packages, its own folder and '#core'."
		}
	},
	create(context) {
		const [top, plugin] = relative(root, context.filename).split(sep);
		if (top !== 'plugins' || plugin === undefined) return {};
		const pluginFolder = resolve(root, 'plugins', plugin);
		/** @type {(node: { source?: import('estree').Node | null }, dynamic: boolean) => void} */
		const check = (node, dynamic) => {
			const source = node.source;
			if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
			const specifier = source.value;
			const report = (/** @type {string} */ messageId, /** @type {string} */ target = '') =>
				context.report({ node: source, messageId, data: { specifier, plugin, target } });
			if (specifier.startsWith('#plugins/')) {
				const target = specifier.slice('#plugins/'.length).split('/')[0];
				if (target !== plugin) report('otherPlugin', target);
			} else if (specifier.startsWith('.') || isAbsolute(specifier)) {
				const target = resolve(dirname(context.filename), specifier);
				if (target === pluginFolder || target.startsWith(pluginFolder + sep)) return;
				const [targetTop, targetPlugin, ...inPlugin] = relative(root, target).split(sep);
				if (targetTop === 'plugins' && inPlugin.length > 0) report('otherPlugin', targetPlugin);
				else if (targetTop === 'src') report('core');
				else report('outside');
			} else if (dynamic && specifier.startsWith('#') && specifier !== '#core') {
				report('dynamicAlias');
			}
		};
		return {
			ImportDeclaration: (node) => check(node, false),
			ExportNamedDeclaration: (node) => check(node, false),
			ExportAllDeclaration: (node) => check(node, false),
			ImportExpression: (node) => check(node, true)
		};
	}
};

export default defineConfig(
	globalIgnores(['dist/', 'src/generated/', 'data/']),
	eslint.configs.recommended,
	tseslint.configs.recommendedTypeChecked,
	{
		languageOptions: {
			parserOptions: { projectService: { allowDefaultProject: ['prisma.config.ts'] }, tsconfigRootDir: root }
		},
		linterOptions: { reportUnusedDisableDirectives: 'error' },
		rules: {
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
			// With verbatimModuleSyntax, `import { type A }` still loads the module at run time; `import type` does not.
			'@typescript-eslint/no-import-type-side-effects': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{
					argsIgnorePattern: '^_',
					varsIgnorePattern: '^_',
					destructuredArrayIgnorePattern: '^_',
					caughtErrorsIgnorePattern: '^_',
					ignoreRestSiblings: true
				}
			],
			// Sapphire's pieces pair a class with a namespace of its types (Command.Options).
			'@typescript-eslint/no-namespace': 'off',
			// Sapphire's identifiers and Discord's payload numbers are compared with their enums on purpose.
			'@typescript-eslint/no-unsafe-enum-comparison': 'off',
			// An async function without await here implements a Promise-returning interface.
			'@typescript-eslint/require-await': 'off',
			// The types come from TypeScript 6 here but the build's from TypeScript 7, which may still need the assertion.
			'@typescript-eslint/no-unnecessary-type-assertion': 'off',
			// Hostile chat input and terminal output are cleaned of control characters on purpose.
			'no-control-regex': 'off',
			// A closure may read a variable assigned once just after it (a server's handler and the object it serves).
			'prefer-const': ['error', { ignoreReadBeforeAssign: true }]
		}
	},
	{
		files: ['**/*.mjs'],
		extends: [tseslint.configs.disableTypeChecked],
		languageOptions: { globals: globals.node }
	},
	{
		// Tests and the stand-ins read untyped JSON from HTTP and sockets.
		files: ['test/**', 'plugins/**/tests/**'],
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
			'@typescript-eslint/no-base-to-string': 'off'
		}
	},
	{
		// The plugin API: a plugin imports npm packages, node builtins, its own folder and '#core'.
		files: ['plugins/**'],
		plugins: { local: { rules: { 'plugin-boundary': pluginBoundary } } },
		rules: {
			'no-restricted-imports': pluginImportRestrictions(),
			'local/plugin-boundary': 'error',
			'no-restricted-syntax': ['error', ...everyServerServices.map((selector) => ({ selector, message: everyServerMessage }))]
		}
	},
	{
		files: ['plugins/**/tests/**', 'plugins/**/bench/**'],
		rules: { 'no-restricted-imports': pluginImportRestrictions('testHelpers') }
	}
);
