import { escapeMarkdown } from 'discord.js';
import { echoUserText } from '#lib/discord/echoUserText';
import type { SettingView } from '#lib/settings/GuildSettings';
import { InvalidSettingValueError, ManagedSettingError } from '#lib/settings/SettingDefinition';
import { UnknownSettingError } from '#lib/settings/BotSettingsManager';

const DESCRIPTION_LIMIT = 4000;
/** A stored value may be as long as its key allows; the overview shows the start of each. */
const VALUE_SHOWN_IN_OVERVIEW = 200;

/** `/settings view`: one line per key, what applies here and whether it is the default. */
export function describeSettings(view: readonly SettingView[]): string {
	const lines = view.map((setting) => `**${setting.key}** = ${echoUserText(setting.value, VALUE_SHOWN_IN_OVERVIEW)}${setting.isDefault ? ' (default)' : ''}`);
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
		`**${setting.key}** = ${echoUserText(setting.value, VALUE_SHOWN_IN_OVERVIEW)}${setting.isDefault ? ' (default)' : ''}`,
		setting.description,
		`Accepts ${escapeMarkdown(setting.accepts)}.`,
		`Declared by ${setting.declaredBy}.`
	].join('\n');
}

/** A key nobody declared: the key as typed (cut, in a code span) and the keys there are. */
export function describeUnknownSetting(key: string, known: readonly string[]): string {
	return `There is no setting ${echoUserText(key)}. Settings: ${known.join(', ')}.`;
}

/** The answer to a refused change, or undefined when the error is not the user's. */
export function explainSettingError(error: unknown): string | undefined {
	if (error instanceof UnknownSettingError) return `${describeUnknownSetting(error.key, error.known)} Nothing was changed.`;
	if (error instanceof InvalidSettingValueError) {
		return `${echoUserText(error.key)} accepts ${escapeMarkdown(error.accepts)}${error.problem === undefined ? '' : `; ${error.problem}`}. Nothing was changed.`;
	}
	if (error instanceof ManagedSettingError) return `${echoUserText(error.key)} is set by ${error.managedBy}, not by /settings. Nothing was changed.`;
	return undefined;
}
