import { setting, type SettingDefinition } from '#lib/settings/SettingDefinition';

/** The settings every server has, whatever plugins are on (FEATURES.md, "Settings"). */
export const coreSettings = {
	prefix: setting.prefix('!', 'The prefix of text commands in Discord and chat commands in Kick.'),
	moderator_role_id: setting.role('A role whose members may use moderator commands (besides Manage Server).'),
	kick_channel: setting.managed(
		setting.optionalText({ pattern: /^[A-Za-z0-9_-]{1,64}$/, accepts: 'a Kick channel slug' }, 'The Kick channel this server is linked to.'),
		'/kick connect'
	),
	kick_broadcaster_user_id: setting.managed(setting.numericId('a Kick user id', 'The Kick user id of the linked channel’s broadcaster.'), '/kick connect'),
	kick_chatroom_id: setting.numericId(
		'a Kick chatroom id',
		'The chatroom id of the linked channel, for reading chat over Kick’s chat socket (shown on kick.com/api/v2/channels/<slug>).'
	),
	kick_chat_min_interval_ms: setting.integer(
		{ min: 250, max: 60_000 },
		1500,
		'The least time between two bot messages in the Kick chat, in milliseconds (Kick publishes no limit).'
	),
	kick_reply_max_age_seconds: setting.integer(
		{ min: 10, max: 3600 },
		120,
		'How long after a chat command its answer is still worth posting in the Kick chat, in seconds; later ones (after a restart, or a long queue) are recorded as expired.'
	),
	kick_alerts_channel_id: setting.textChannel(
		'A channel where the bot tells moderators what needs them (the Kick connection to authorise again, a role it cannot give); else the server’s system channel.'
	)
} satisfies Readonly<Record<string, SettingDefinition>>;
