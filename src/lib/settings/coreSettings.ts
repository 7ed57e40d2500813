import { setting, type SettingDefinition } from '#lib/settings/SettingDefinition';

/** The settings every server has, whatever plugins are on (FEATURES.md, "Settings"). */
export const coreSettings = {
	prefix: setting.text(
		{ pattern: /^[^\s@#<>`]{1,5}$/u, accepts: '1 to 5 characters without spaces, @, #, <, > or `' },
		'!',
		'The prefix of text commands in Discord and chat commands in Kick.'
	),
	moderator_role_id: setting.discordId('A role whose members may use moderator commands (besides Manage Server).')
} satisfies Readonly<Record<string, SettingDefinition>>;
