import { KeyValueSettingsRepository, type GuildScope } from '#core';

/** This server's point settings, key → stored text (`point_settings`, the dashboard's table). */
export class PointSettingsRepository extends KeyValueSettingsRepository {
	public constructor(scope: GuildScope) {
		super(scope, 'point_settings');
	}
}
