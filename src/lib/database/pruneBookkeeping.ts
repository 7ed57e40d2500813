import type { Database } from '#lib/database/Database';
import { DELETE_BATCH_SIZE } from '#lib/database/deleteInBatches';

/** How long what the Kick connection keeps for itself is kept. */
export interface BookkeepingRetention {
	/** Kick event receipts: what catches a retried or replayed delivery. */
	readonly receiptsMs: number;
	/** Receipts of parked events: the evidence an operator looks at. */
	readonly parkedMs: number;
	/** Ended outbox messages: what /kick status reports on (its last day). */
	readonly outboxMs: number;
}

export interface PruneOptions {
	/** How long one run may keep starting batches; the rest waits for the next run. */
	readonly budgetMs: number;
	readonly batchSize?: number;
	readonly now?: () => number;
}

export interface PruneOutcome {
	readonly receipts: number;
	readonly outboxMessages: number;
	readonly oauthStates: number;
	/** The budget ran out with rows still due: pruning is not keeping up. */
	readonly behind: boolean;
}

/**
 * Forgets expired authorisation states, then Kick event receipts and ended outbox messages
 * past their retention, in short batches (deleteInBatches) within one time budget, so a run
 * never holds the task queue or the tables for long.
 */
export async function pruneBookkeeping(database: Database, retention: BookkeepingRetention, options: PruneOptions): Promise<PruneOutcome> {
	const now = options.now ?? Date.now;
	const batchSize = options.batchSize ?? DELETE_BATCH_SIZE;
	const started = now();
	const deadline = started + options.budgetMs;
	let lastBatchFull = false;
	const batches = { batchSize, deadline, now, onBatch: (deleted: number) => (lastBatchFull = deleted === batchSize) };
	const oauthStates = await database.system.pruneExpiredKickOAuthStates(new Date(started));
	const receipts = await database.kickEventReceipts.prune(new Date(started - retention.receiptsMs), {
		...batches,
		parkedBefore: new Date(started - retention.parkedMs)
	});
	if (lastBatchFull) return { receipts, outboxMessages: 0, oauthStates, behind: true };
	const outboxMessages = await database.outbox.prune(new Date(started - retention.outboxMs), batches);
	return { receipts, outboxMessages, oauthStates, behind: lastBatchFull };
}
