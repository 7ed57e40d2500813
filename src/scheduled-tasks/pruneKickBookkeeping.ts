import { ApplyOptions } from '@sapphire/decorators';
import { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { pruneBookkeeping } from '#lib/database/pruneBookkeeping';

const HOUR_MS = 60 * 60_000;
/** Parked events are the operator's evidence: kept a week, as ended outbox messages are. */
const PARKED_RETENTION_MS = 7 * 24 * HOUR_MS;
/** Moderators see the last day of what became of the bot's messages; a week is kept for the operator. */
const OUTBOX_RETENTION_MS = 7 * 24 * HOUR_MS;
/** One run's share of the task queue (which runs one task at a time per process); at 2,000 events/s a minute's receipts take a second or two. */
const RUN_BUDGET_MS = 10_000;

/**
 * Every minute: forgets expired authorisation states, Kick event receipts older than
 * KICK_RECEIPT_RETENTION_HOURS (and than twice KICK_WEBHOOK_MAX_AGE_SECONDS, so no replay
 * Kick could still sign in time finds its receipt gone) and long-ended outbox messages, in
 * batches; says so when it cannot keep up.
 */
@ApplyOptions<ScheduledTask.Options>({ interval: 60_000, customJobOptions: { removeOnComplete: true, removeOnFail: 100 } })
export class PruneKickBookkeepingTask extends ScheduledTask {
	public override async run(): Promise<void> {
		const { db, config, logger } = this.container;
		const receiptsMs = Math.max(config.operations.receiptRetentionHours * HOUR_MS, 2 * (config.kick?.webhookMaxAgeSeconds ?? 0) * 1000);
		const pruned = await pruneBookkeeping(db, { receiptsMs, parkedMs: PARKED_RETENTION_MS, outboxMs: OUTBOX_RETENTION_MS }, { budgetMs: RUN_BUDGET_MS });
		if (pruned.behind)
			logger.warn(
				`Pruning: ${pruned.receipts} Kick event receipt(s) and ${pruned.outboxMessages} outbox message(s) deleted in ${RUN_BUDGET_MS / 1000} s, and more are due; the next run goes on (if this repeats, lower KICK_RECEIPT_RETENTION_HOURS).`
			);
		else
			logger.debug(
				`Pruning: ${pruned.receipts} Kick event receipt(s), ${pruned.outboxMessages} outbox message(s) and ${pruned.oauthStates} expired authorisation state(s) deleted.`
			);
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		pruneKickBookkeeping: never;
	}
}
