import { ApplyOptions } from '@sapphire/decorators';
import { applySettingsReload } from '#lib/dashboard/botSettingsActions';
import { DashboardAction } from '#lib/dashboard/DashboardAction';

/** `dashboard:bot_settings` `reload`: drop this server's cached settings; the next read loads them from the database. */
@ApplyOptions<DashboardAction.Options>({ area: 'bot_settings', action: 'reload' })
export class BotSettingsReload extends DashboardAction {
	public run(message: DashboardAction.Message): void {
		applySettingsReload(this.container.settings, message);
	}
}
