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
	const lines = view.map(describeValue);
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
		describeValue(setting),
		setting.description,
		`Accepts ${escapeMarkdown(setting.accepts)}.`,
		...(setting.invalidStoredValue === undefined ? [] : ['`/settings set` replaces the invalid stored value; `/settings reset` removes it.']),
		...(setting.managedBy === undefined ? [] : [`Set by ${setting.managedBy}, not by /settings.`]),
		`Declared by ${setting.declaredBy}.`
	].join('\n');
}

/** `**key** = value`, marking a default, and a stored value the key does not accept (the default applies then). */
function describeValue(setting: SettingView): string {
	const value = `**${setting.key}** = ${echoUserText(setting.value, VALUE_SHOWN_IN_OVERVIEW)}`;
	if (setting.invalidStoredValue !== undefined) return `${value} (default: the stored value ${echoUserText(setting.invalidStoredValue)} is invalid)`;
	return setting.isDefault ? `${value} (default)` : value;
}

/** What a `/settings set` or `reset` did to one key, seen before and after: a new value, an invalid stored value removed, or nothing. */
export function describeSettingChange(before: SettingView, after: SettingView): string {
	const key = `**${after.key}**`;
	const value = echoUserText(after.value);
	const removedInvalid = before.invalidStoredValue !== undefined && after.invalidStoredValue === undefined;
	if (!removedInvalid && before.value === after.value && before.isDefault === after.isDefault) {
		return after.isDefault
			? `${key} already has its default, ${value}, in this server; nothing changed.`
			: `${key} is already ${value} in this server; nothing changed.`;
	}
	const now = `${key} is now ${value}${after.isDefault ? ' (the default)' : ''} in this server.`;
	return removedInvalid ? `${now} The stored value ${echoUserText(before.invalidStoredValue!)}, which it does not accept, was removed.` : now;
}

/** A key nobody declared, in the same words for view, set and reset: the key as typed (cut, in a code span) and the keys there are. */
export function describeUnknownSetting(key: string, known: readonly string[]): string {
	return `There is no setting ${echoUserText(key)}. Settings: ${known.join(', ')}.`;
}

/** The answer to a refused change, or undefined when the error is not the user's. */
export function explainSettingError(error: unknown): string | undefined {
	if (error instanceof UnknownSettingError) return describeUnknownSetting(error.key, error.known);
	if (error instanceof InvalidSettingValueError) {
		return `${echoUserText(error.key)} accepts ${escapeMarkdown(error.accepts)}${error.problem === undefined ? '' : `; ${error.problem}`}. Nothing was changed.`;
	}
	if (error instanceof ManagedSettingError) return `${echoUserText(error.key)} is set by ${error.managedBy}, not by /settings. Nothing was changed.`;
	return undefined;
}
