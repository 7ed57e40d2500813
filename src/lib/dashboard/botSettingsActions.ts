import { z } from 'zod';
import type { DashboardLogger } from '#lib/dashboard/DashboardSubscriber';
import type { GuildId } from '#lib/database/GuildId';

/** What the `dashboard:bot_settings` actions need of the BotSettingsManager. */
export interface SettingsCache {
	invalidate(guildId: GuildId): void;
	isDeclared(key: string): boolean;
}

/** `update` may name the key(s) the dashboard wrote; anything else in data is allowed and unused. */
export const settingsUpdateData = z.looseObject({
	key: z.string().min(1).max(100).optional(),
	keys: z.array(z.string().min(1).max(100)).max(500).optional()
});
export type SettingsUpdateData = z.output<typeof settingsUpdateData>;

/**
 * `dashboard:bot_settings` `update`: the dashboard wrote this server's settings in the
 * database; drop the cached copy so the next read loads them. Keys no plugin declares are
 * logged (a typo on the dashboard, or a plugin switched off everywhere) and the cache is
 * dropped all the same.
 */
export function applySettingsUpdate(cache: SettingsCache, logger: DashboardLogger, guildId: GuildId, data: SettingsUpdateData): void {
	const keys = [...(data.key === undefined ? [] : [data.key]), ...(data.keys ?? [])];
	const unknown = [...new Set(keys.filter((key) => !cache.isDeclared(key)))];
	if (unknown.length > 0) {
		logger.warn(
			`Dashboard bot_settings/update for server ${guildId} names setting key(s) no plugin declares: ${unknown.join(', ')}; its cached settings are dropped all the same.`
		);
	}
	cache.invalidate(guildId);
}

/** `dashboard:bot_settings` `sync` and `reload`: drop this server's cached settings. */
export function applySettingsReload(cache: SettingsCache, guildId: GuildId): void {
	cache.invalidate(guildId);
}
