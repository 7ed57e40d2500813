import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { CALL_VARIABLES, CHAT_VARIABLE_NAME } from '#lib/chat/chatVariables';
import type { ChatVariableCatalog, DeclaredChatVariable } from '#lib/chat/chatTemplate';
import { CORE_REPOSITORY_NAMES, type RepositoryClass } from '#lib/database/GuildRepositories';
import { OVERLAY_NAME, type OverlayDefinition } from '#lib/overlays/OverlayDefinition';
import type { PluginManifest } from '#lib/plugins/definePlugin';
import { setting, type SettingDefinition } from '#lib/settings/SettingDefinition';
import { StartupError } from '#lib/startup/StartupError';
import { sourcePathOf } from '#lib/paths';

export interface Plugin {
	readonly manifest: PluginManifest;
	/** The compiled folder whose commands/, listeners/, ... Sapphire loads. */
	readonly directory: string;
	readonly enabled: boolean;
	/** Set when the plugin is off because a plugin it depends on is off (that plugin's name). */
	readonly offBecauseOf?: string;
}

/** Where a settings key comes from: the core, or a plugin's manifest. */
export interface DeclaredSetting {
	readonly key: string;
	readonly definition: SettingDefinition;
	readonly declaredBy: string;
}

/** An overlay a plugin declares, with the plugin that serves it. */
export interface DeclaredOverlay {
	readonly name: string;
	readonly plugin: string;
	readonly definition: OverlayDefinition;
}

const PLUGIN_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const manifestSchema = z.object({
	name: z.string().regex(PLUGIN_NAME, 'a lower-case name with dashes'),
	description: z.string().min(1),
	settings: z.record(z.string().regex(/^[a-z0-9_]+$/, 'a snake_case key'), z.object({ parse: z.function(), serialize: z.function() }).loose()).optional(),
	repositories: z
		.record(
			z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a camelCase name'),
			z.custom<RepositoryClass>((value) => typeof value === 'function', 'expected a repository class')
		)
		.optional(),
	dashboardAreas: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a snake_case area name')).optional(),
	chatVariables: z
		.object({
			variables: z.record(z.string().regex(CHAT_VARIABLE_NAME, 'a lower-case variable name'), z.string().min(1)),
			resolve: z.function()
		})
		.loose()
		.optional(),
	overlays: z
		.record(
			z.string().regex(OVERLAY_NAME, 'an overlay name (lower-case letters, digits and dashes, starting with a letter, up to 32)'),
			z
				.object({
					title: z.string().trim().min(1, 'a title to show moderators'),
					state: z.function(),
					script: z.string().includes('function render', { message: 'a script defining function render(state, root)' }),
					style: z.string().optional()
				})
				.loose()
		)
		.optional(),
	dependsOn: z.array(z.string().regex(PLUGIN_NAME, 'a plugin name')).optional()
});

/** The dashboard areas the core handles itself. */
export const CORE_DASHBOARD_AREAS = ['bot_settings'] as const;

/**
 * The plugins found under plugins/, which of them are on, and what the ones that are on add:
 * settings keys, repositories, dashboard areas.
 */
export class PluginCatalog {
	/** Each plugin with every plugin it needs, directly or through others, itself included. */
	private readonly needed: ReadonlyMap<string, readonly string[]>;
	private variables: ChatVariableCatalog | undefined;
	private overlayCatalog: ReadonlyMap<string, DeclaredOverlay> | undefined;

	private constructor(
		public readonly plugins: readonly Plugin[],
		public readonly settings: ReadonlyMap<string, DeclaredSetting>
	) {
		const dependsOn = new Map(plugins.map((plugin) => [plugin.manifest.name, plugin.manifest.dependsOn ?? []]));
		const neededBy = (name: string, seen: Set<string>): Set<string> => {
			seen.add(name);
			for (const dependency of dependsOn.get(name) ?? []) if (!seen.has(dependency)) neededBy(dependency, seen);
			return seen;
		};
		this.needed = new Map(plugins.map((plugin) => [plugin.manifest.name, [...neededBy(plugin.manifest.name, new Set())]]));
	}

	/** Whether a plugin is on in a server that switched these plugins off: neither it nor any plugin it needs, directly or not, is among them. */
	public isOnWhereOff(plugin: string, off: readonly string[]): boolean {
		return off.length === 0 || this.needsOff(plugin, off).length === 0;
	}

	/** The plugins among `off` that this one is or needs, directly or not. */
	public needsOff(plugin: string, off: readonly string[]): string[] {
		return (this.needed.get(plugin) ?? [plugin]).filter((name) => off.includes(name));
	}

	public get enabled(): Plugin[] {
		return this.plugins.filter((plugin) => plugin.enabled);
	}

	/** The repositories of the plugins that are on, by the name `context.db.<name>` reads them under. */
	public get repositories(): ReadonlyMap<string, RepositoryClass> {
		return new Map(this.enabled.flatMap((plugin) => Object.entries(plugin.manifest.repositories ?? {})));
	}

	/** The dashboard areas handled: the core's and those of the plugins that are on. */
	public get dashboardAreas(): readonly string[] {
		return [...CORE_DASHBOARD_AREAS, ...this.enabled.flatMap((plugin) => plugin.manifest.dashboardAreas ?? [])];
	}

	/** The chat variables of the plugins that are on, by name (made once: the plugins that are on do not change while the bot runs). */
	public get chatVariables(): ChatVariableCatalog {
		this.variables ??= new Map(
			this.enabled.flatMap((plugin) => {
				const provider = plugin.manifest.chatVariables;
				if (provider === undefined) return [];
				return Object.entries(provider.variables).map(([name, description]): [string, DeclaredChatVariable] => [
					name,
					{ plugin: plugin.manifest.name, description, provider }
				]);
			})
		);
		return this.variables;
	}

	/** The overlays of the plugins that are on, by name (unique among all plugins; made once). */
	public get overlays(): ReadonlyMap<string, DeclaredOverlay> {
		this.overlayCatalog ??= new Map(
			this.enabled.flatMap((plugin) =>
				Object.entries(plugin.manifest.overlays ?? {}).map(([name, definition]): [string, DeclaredOverlay] => [
					name,
					{ name, plugin: plugin.manifest.name, definition }
				])
			)
		);
		return this.overlayCatalog;
	}

	/**
	 * Reads every `<directory>/<name>/plugin.js` manifest. Settings keys of switched-off
	 * plugins stay declared, so their stored values keep validating.
	 * @throws {StartupError} listing every problem: a missing or invalid manifest, a name that
	 * differs from its folder, an unknown name in DISABLED_PLUGINS, a settings key declared twice.
	 */
	public static async discover(
		directory: string,
		disabled: readonly string[],
		coreSettings: Readonly<Record<string, SettingDefinition>>
	): Promise<PluginCatalog> {
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
		problems.push(...dependencyProblems(plugins));
		if (problems.length === 0) switchOffDependents(plugins);
		problems.push(...ownershipProblems(plugins.filter((plugin) => plugin.enabled)));
		problems.push(...overlayProblems(plugins));

		const settings = new Map<string, DeclaredSetting>();
		const declare = (key: string, definition: SettingDefinition, declaredBy: string) => {
			const previous = settings.get(key);
			if (previous) problems.push(`Settings key "${key}" is declared twice: by ${previous.declaredBy} and by ${declaredBy}.`);
			else settings.set(key, { key, definition, declaredBy });
		};
		for (const [key, definition] of Object.entries(coreSettings)) declare(key, definition, 'the core');
		// The one core setting that depends on what plugins there are.
		declare(
			'plugins_off',
			setting.pluginNames(
				names,
				'The plugins switched off in this server (and so the plugins that need them): their commands, buttons, chat commands and scheduled work do nothing here.'
			),
			'the core'
		);
		for (const plugin of plugins) {
			for (const [key, definition] of Object.entries(plugin.manifest.settings ?? {})) declare(key, definition, `plugin ${plugin.manifest.name}`);
		}

		if (problems.length > 0) throw new StartupError(problems);
		return new PluginCatalog(plugins, settings);
	}
}

/** Unknown and circular dependencies, each as a line for the start. */
function dependencyProblems(plugins: readonly Plugin[]): string[] {
	const byName = new Map(plugins.map((plugin) => [plugin.manifest.name, plugin]));
	const problems: string[] = [];
	for (const plugin of plugins) {
		for (const needed of plugin.manifest.dependsOn ?? []) {
			if (!byName.has(needed))
				problems.push(`Plugin ${plugin.manifest.name} depends on "${needed}", which is not a plugin (plugins: ${[...byName.keys()].join(', ')}).`);
		}
	}
	if (problems.length > 0) return problems;
	// Depth-first, keeping the path, so a cycle is named in the order it runs.
	const done = new Set<string>();
	const visit = (name: string, path: readonly string[]): string | undefined => {
		if (path.includes(name)) return [...path.slice(path.indexOf(name)), name].join(' → ');
		if (done.has(name)) return undefined;
		for (const needed of byName.get(name)?.manifest.dependsOn ?? []) {
			const cycle = visit(needed, [...path, name]);
			if (cycle !== undefined) return cycle;
		}
		done.add(name);
		return undefined;
	};
	for (const name of byName.keys()) {
		const cycle = visit(name, []);
		if (cycle !== undefined) return [`Plugins depend on each other in a circle: ${cycle}. Remove one of these dependsOn.`];
	}
	return [];
}

/** A plugin whose dependency is off is off too (and so are its own dependents), noting which plugin took it down. */
function switchOffDependents(plugins: Plugin[]): void {
	for (let changed = true; changed;) {
		changed = false;
		for (const [index, plugin] of plugins.entries()) {
			if (!plugin.enabled) continue;
			const off = (plugin.manifest.dependsOn ?? []).find((needed) => plugins.find((candidate) => candidate.manifest.name === needed)?.enabled === false);
			if (off !== undefined) {
				plugins[index] = { ...plugin, enabled: false, offBecauseOf: off };
				changed = true;
			}
		}
	}
}

/** Overlay names declared twice, among every plugin found (on or off: a URL's name keeps its meaning when a plugin is switched on). */
function overlayProblems(plugins: readonly Plugin[]): string[] {
	const problems: string[] = [];
	const owners = new Map<string, string>();
	for (const plugin of plugins) {
		for (const name of Object.keys(plugin.manifest.overlays ?? {})) {
			const owner = owners.get(name);
			if (owner !== undefined) problems.push(`Overlay "${name}" is declared twice: by plugin ${owner} and by plugin ${plugin.manifest.name}.`);
			else owners.set(name, plugin.manifest.name);
		}
	}
	return problems;
}

/** Repository names, dashboard areas and chat variables claimed twice, or a name of the core's. */
function ownershipProblems(enabled: readonly Plugin[]): string[] {
	const problems: string[] = [];
	const variables = new Map<string, string>(Object.keys(CALL_VARIABLES).map((name) => [name, 'the core (a variable of the call itself)']));
	const repositories = new Map<string, string>(CORE_REPOSITORY_NAMES.map((name) => [name, 'the core']));
	const areas = new Map<string, string>(CORE_DASHBOARD_AREAS.map((area) => [area, 'the core']));
	for (const plugin of enabled) {
		const by = `plugin ${plugin.manifest.name}`;
		for (const name of Object.keys(plugin.manifest.repositories ?? {})) {
			const owner = repositories.get(name);
			if (owner !== undefined) problems.push(`Repository name "${name}" is claimed twice: by ${owner} and by ${by}.`);
			else repositories.set(name, by);
		}
		for (const area of plugin.manifest.dashboardAreas ?? []) {
			const owner = areas.get(area);
			if (owner !== undefined) problems.push(`Dashboard area "${area}" is claimed twice: by ${owner} and by ${by}.`);
			else areas.set(area, by);
		}
		for (const name of Object.keys(plugin.manifest.chatVariables?.variables ?? {})) {
			const owner = variables.get(name);
			if (owner !== undefined) problems.push(`Chat variable {${name}} is claimed twice: by ${owner} and by ${by}.`);
			else variables.set(name, by);
		}
	}
	return problems;
}
