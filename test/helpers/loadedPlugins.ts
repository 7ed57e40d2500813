import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pluginsDirectory } from '#lib/paths';
import { PluginCatalog, type DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';

/*
 * What the plugins under plugins/ add to the bot, read as the bot reads them. A core test checks
 * the core's own part exactly and expects the plugins' part from these, so adding a plugin folder
 * changes no core test.
 */

let catalog: Promise<PluginCatalog> | undefined;

/** The plugins the bot finds under plugins/, every one on (no DISABLED_PLUGINS). */
export function shippedPlugins(): Promise<PluginCatalog> {
	catalog ??= PluginCatalog.discover(pluginsDirectory, [], coreSettings);
	return catalog;
}

/** The settings the plugins' manifests declare; the core's own are not among them. */
export async function pluginSettings(): Promise<DeclaredSetting[]> {
	return [...(await shippedPlugins()).settings.values()].filter((setting) => setting.declaredBy !== 'the core');
}

/** Every settings key, sorted as the bot lists them: the core's, as the test names them (so one missing or added fails it), and the plugins'. */
export async function settingKeysWith(coreKeys: readonly string[]): Promise<string[]> {
	return [...coreKeys, ...(await pluginSettings()).map((setting) => setting.key)].sort();
}

/** The names of the commands in the plugins' `commands/` folders: Sapphire names a piece after its file, in lower case. */
export async function pluginCommandNames(): Promise<string[]> {
	return (await shippedPlugins()).enabled.flatMap((plugin) => {
		const folder = join(plugin.directory, 'commands');
		if (!existsSync(folder)) return [];
		return readdirSync(folder, { recursive: true, encoding: 'utf8' })
			.filter((file) => file.endsWith('.js'))
			.map((file) => basename(file, '.js').toLowerCase());
	});
}

/** DISABLED_PLUGINS for a bot that runs only these plugins (and those they need), so that a plugin added later changes nothing a test of them sees. */
export async function disablingAllPluginsBut(kept: readonly string[]): Promise<string> {
	const plugins = await shippedPlugins();
	const others = plugins.plugins.map((plugin) => plugin.manifest.name).filter((name) => !kept.includes(name));
	const needed = kept.flatMap((name) => plugins.needsOff(name, others));
	return others.filter((name) => !needed.includes(name)).join(',');
}
