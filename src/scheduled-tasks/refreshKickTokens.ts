import { ApplyOptions } from '@sapphire/decorators';
import { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';

/** Every minute: streamers' Kick tokens that expire within 5 minutes are refreshed (one repeat job across bot processes). */
@ApplyOptions<ScheduledTask.Options>({ interval: 60_000, customJobOptions: { removeOnComplete: true, removeOnFail: 100 } })
export class RefreshKickTokensTask extends ScheduledTask {
	public override async run(): Promise<void> {
		const refreshed = (await this.container.kick?.refreshTokens()) ?? 0;
		if (refreshed > 0) this.container.logger.info(`Kick: refreshed the tokens of ${refreshed} server(s).`);
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		refreshKickTokens: never;
	}
}
