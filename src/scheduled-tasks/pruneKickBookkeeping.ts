import { ApplyOptions } from '@sapphire/decorators';
import { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';

/** Kick stops retrying a delivery long before this; receipts older are only weight. */
const RECEIPT_RETENTION_MS = 3 * 24 * 60 * 60_000;
/** Moderators see the last day of what became of the bot's messages; a week is kept for the operator. */
const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60_000;

/** Hourly: forgets expired authorisation states, old event receipts and long-ended outbox messages. */
@ApplyOptions<ScheduledTask.Options>({ interval: 60 * 60_000, customJobOptions: { removeOnComplete: true, removeOnFail: 100 } })
export class PruneKickBookkeepingTask extends ScheduledTask {
	public override async run(): Promise<void> {
		const { db } = this.container;
		await db.system.pruneExpiredKickOAuthStates();
		await db.kickEventReceipts.prune(new Date(Date.now() - RECEIPT_RETENTION_MS));
		await db.outbox.prune(new Date(Date.now() - OUTBOX_RETENTION_MS));
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		pruneKickBookkeeping: never;
	}
}
