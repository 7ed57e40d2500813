/**
 * The value type of every settings key. The core declares its keys here; a plugin that adds
 * keys in its manifest augments this interface, so `settings.get('key')` is typed:
 *
 *     declare module '#lib/settings/SettingTypes' { interface SettingTypes { raffle_auto_draw: boolean } }
 */
export interface SettingTypes {
	prefix: string;
	moderator_role_id: string | null;
	kick_channel: string | null;
	kick_broadcaster_user_id: string | null;
	kick_chatroom_id: string | null;
	kick_chat_min_interval_ms: number;
	kick_reply_max_age_seconds: number;
	kick_alerts_channel_id: string | null;
	/** Declared by the plugin catalog (it knows the plugin names). */
	plugins_off: readonly string[];
}

export type SettingKey = keyof SettingTypes;
