import type { ChatVariableProvider } from '#lib/chat/chatVariables';
import type { RepositoryClass } from '#lib/database/GuildRepositories';
import type { OverlayDefinition } from '#lib/overlays/OverlayDefinition';
import type { SettingDefinition } from '#lib/settings/SettingDefinition';

/** What `plugins/<name>/plugin.ts` exports by default. */
export interface PluginManifest {
	/** The plugin's folder name (lower-case, dashes). */
	readonly name: string;
	readonly description: string;
	/** The settings keys this plugin adds to every server, with their defaults. */
	readonly settings?: Readonly<Record<string, SettingDefinition>>;
	/**
	 * The repositories this plugin adds to every server's `context.db`, by name (camelCase);
	 * augment `PluginRepositories` in `#core` for their types. Each is made on first use.
	 */
	readonly repositories?: Readonly<Record<string, RepositoryClass>>;
	/** The dashboard areas (Redis channels `dashboard:<area>`) this plugin's dashboard actions handle. */
	readonly dashboardAreas?: readonly string[];
	/** Variables this plugin gives chat replies (`{points}`, …), resolved once per reply that uses them. */
	readonly chatVariables?: ChatVariableProvider;
	/** Browser-source pages for OBS this plugin shows per server, by name (see OverlayDefinition). */
	readonly overlays?: Readonly<Record<string, OverlayDefinition>>;
	/** Plugins this one needs: when one of them is off, this one is off too. */
	readonly dependsOn?: readonly string[];
}

/** Declares a plugin; typed so a manifest is checked where it is written. */
export function definePlugin(manifest: PluginManifest): PluginManifest {
	return manifest;
}
