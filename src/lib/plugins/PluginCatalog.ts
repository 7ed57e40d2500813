import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { PluginManifest } from '#lib/plugins/definePlugin';
import type { SettingDefinition } from '#lib/settings/SettingDefinition';
import { StartupError } from '#lib/startup/StartupError';
import { sourcePathOf } from '#lib/paths';

export interface Plugin {
	readonly manifest: PluginManifest;
	/** The compiled folder whose commands/, listeners/, ... Sapphire loads. */
	readonly directory: string;
	readonly enabled: boolean;
}

/** Where a settings key comes from: the core, or a plugin's manifest. */
export interface DeclaredSetting {
	readonly key: string;
	readonly definition: SettingDefinition;
	readonly declaredBy: string;
}

const manifestSchema = z.object({
	name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a lower-case name with dashes'),
	description: z.string().min(1),
	settings: z.record(z.string().regex(/^[a-z0-9_]+$/, 'a snake_case key'), z.object({ parse: z.function(), serialize: z.function() }).loose()).optional()
});

/** The plugins found under plugins/, which of them are on, and every settings key they add. */
export class PluginCatalog {
	private constructor(
		public readonly plugins: readonly Plugin[],
		public readonly settings: ReadonlyMap<string, DeclaredSetting>
	) {}

	public get enabled(): Plugin[] {
		return this.plugins.filter((plugin) => plugin.enabled);
	}

	/**
	 * Reads every `<directory>/<name>/plugin.js` manifest. Settings keys of switched-off
	 * plugins stay declared, so their stored values keep validating.
	 * @throws {StartupError} listing every problem: a missing or invalid manifest, a name that
	 * differs from its folder, an unknown name in DISABLED_PLUGINS, a settings key declared twice.
	 */
	public static async discover(directory: string, disabled: readonly string[], coreSettings: Readonly<Record<string, SettingDefinition>>): Promise<PluginCatalog> {
		const problems: string[] = [];
		const plugins: Plugin[] = [];
		const folders = existsSync(directory)
			? readdirSync(directory, { withFileTypes: true })
					.filter((entry) => entry.isDirectory())
					.map((entry) => entry.name)
					.sort()
			: [];
		for (const folder of folders) {
			const pluginDirectory = join(directory, folder);
			const manifestFile = join(pluginDirectory, 'plugin.js');
			if (!existsSync(manifestFile)) {
				problems.push(`Plugin folder ${sourcePathOf(pluginDirectory)} has no plugin.ts manifest (export default definePlugin({ name, description })).`);
				continue;
			}
			const loaded = ((await import(pathToFileURL(manifestFile).href)) as { default?: unknown }).default;
			const parsed = manifestSchema.safeParse(loaded);
			if (!parsed.success) {
				const issue = parsed.error.issues[0]!;
				// A bad settings key is reported as "Invalid key in record"; what a key must be is in its nested issue.
				const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
				problems.push(`Plugin manifest ${sourcePathOf(manifestFile)} is invalid: ${issue.path.join('.') || 'default export'}: ${message}.`);
				continue;
			}
			const manifest = loaded as PluginManifest;
			if (manifest.name !== folder) {
				problems.push(`Plugin manifest ${sourcePathOf(manifestFile)} is named "${manifest.name}" but its folder is "${folder}"; they must match.`);
				continue;
			}
			plugins.push({ manifest, directory: pluginDirectory, enabled: !disabled.includes(manifest.name) });
		}

		const names = plugins.map((plugin) => plugin.manifest.name);
		for (const name of disabled) {
			if (!names.includes(name)) problems.push(`DISABLED_PLUGINS names "${name}", which is not a plugin (plugins: ${names.join(', ') || 'none'}).`);
		}

		const settings = new Map<string, DeclaredSetting>();
		const declare = (key: string, definition: SettingDefinition, declaredBy: string) => {
			const previous = settings.get(key);
			if (previous) problems.push(`Settings key "${key}" is declared twice: by ${previous.declaredBy} and by ${declaredBy}.`);
			else settings.set(key, { key, definition, declaredBy });
		};
		for (const [key, definition] of Object.entries(coreSettings)) declare(key, definition, 'the core');
		for (const plugin of plugins) {
			for (const [key, definition] of Object.entries(plugin.manifest.settings ?? {})) declare(key, definition, `plugin ${plugin.manifest.name}`);
		}

		if (problems.length > 0) throw new StartupError(problems);
		return new PluginCatalog(plugins, settings);
	}
}
