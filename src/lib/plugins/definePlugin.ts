import type { SettingDefinition } from '#lib/settings/SettingDefinition';

/** What `plugins/<name>/plugin.ts` exports by default. */
export interface PluginManifest {
	/** The plugin's folder name (lower-case, dashes). */
	readonly name: string;
	readonly description: string;
	/** The settings keys this plugin adds to every server, with their defaults. */
	readonly settings?: Readonly<Record<string, SettingDefinition>>;
}

/** Declares a plugin; typed so a manifest is checked where it is written. */
export function definePlugin(manifest: PluginManifest): PluginManifest {
	return manifest;
}
