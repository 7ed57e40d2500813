import type { SettingView } from '#lib/settings/GuildSettings';
import { InvalidSettingValueError, ManagedSettingError } from '#lib/settings/SettingDefinition';
import { UnknownSettingError } from '#lib/settings/BotSettingsManager';

const DESCRIPTION_LIMIT = 4000;

/** `/settings view`: one line per key, what applies here and whether it is the default. */
export function describeSettings(view: readonly SettingView[]): string {
	const lines = view.map((setting) => `**${setting.key}** = ${shown(setting.value)}${setting.isDefault ? ' (default)' : ''}`);
	let text = '';
	for (const [index, line] of lines.entries()) {
		if (text.length + line.length + 1 > DESCRIPTION_LIMIT) return `${text}\n… and ${lines.length - index} more: ask for one with /settings view key`;
		text += (text ? '\n' : '') + line;
	}
	return text || 'No settings are declared.';
}

/** `/settings view key`: the value, the default, what it accepts and who declared it. */
export function describeSetting(setting: SettingView): string {
	return [
		`**${setting.key}** = ${shown(setting.value)}${setting.isDefault ? ' (default)' : ''}`,
		setting.description,
		`Accepts ${setting.accepts}.`,
		`Declared by ${setting.declaredBy}.`
	].join('\n');
}

/** The answer to a refused change, or undefined when the error is not the user's. */
export function explainSettingError(error: unknown): string | undefined {
	if (error instanceof UnknownSettingError) return `${error.message} Nothing was changed.`;
	if (error instanceof InvalidSettingValueError) return `\`${error.key}\` accepts ${error.accepts}. Nothing was changed.`;
	if (error instanceof ManagedSettingError) return `\`${error.key}\` is set by ${error.managedBy}, not by /settings. Nothing was changed.`;
	return undefined;
}

/** A value in code style, with backticks neutralised so user text cannot break out of it. */
export function shown(value: string): string {
	return `\`${value.replaceAll('`', 'ˋ') || ' '}\``;
}
