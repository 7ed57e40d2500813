import { ApplyOptions } from '@sapphire/decorators';
import { applySettingsReload } from '#lib/dashboard/botSettingsActions';
import { DashboardAction } from '#lib/dashboard/DashboardAction';
import type { GuildContext } from '#lib/guild/GuildContext';

/** `dashboard:bot_settings` `reload`: drop this server's cached settings; the next read loads them from the database. */
@ApplyOptions<DashboardAction.Options>({ area: 'bot_settings', action: 'reload' })
export class BotSettingsReload extends DashboardAction {
	public override async handle(_data: DashboardAction.Data, context: GuildContext): Promise<void> {
		applySettingsReload(this.container.settings, context.guildId);
	}
}
