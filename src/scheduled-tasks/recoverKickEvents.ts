import { ApplyOptions } from '@sapphire/decorators';
import { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';

/** Every minute: Kick events a stopped bot process had taken but not handed to its servers are handed over by a running one. */
@ApplyOptions<ScheduledTask.Options>({ interval: 60_000, customJobOptions: { removeOnComplete: true, removeOnFail: 100 } })
export class RecoverKickEventsTask extends ScheduledTask {
	public override async run(): Promise<void> {
		await this.container.kick?.recoverEvents();
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		recoverKickEvents: never;
	}
}
