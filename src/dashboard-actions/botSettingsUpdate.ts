import { ApplyOptions } from '@sapphire/decorators';
import { applySettingsUpdate, settingsUpdateData, type SettingsUpdateData } from '#lib/dashboard/botSettingsActions';
import { DashboardAction } from '#lib/dashboard/DashboardAction';
import type { GuildContext } from '#lib/guild/GuildContext';

/** The dashboard changed this server's settings (data.key / data.keys name them): reload them on the next read. */
@ApplyOptions<DashboardAction.Options>({ area: 'bot_settings', action: 'update', data: settingsUpdateData })
export class BotSettingsUpdate extends DashboardAction<SettingsUpdateData> {
	public override async handle(data: SettingsUpdateData, context: GuildContext): Promise<void> {
		applySettingsUpdate(this.container.settings, this.container.logger, context.guildId, data);
	}
}
