export interface BatchedDeletionOptions {
	/** The most rows one statement deletes. */
	readonly batchSize?: number;
	/** When to stop starting batches (ms since the epoch), so a run that cannot catch up still ends; the rest goes next time. */
	readonly deadline?: number;
	/** Told after each batch how many rows it deleted. */
	readonly onBatch?: (deleted: number) => void;
	readonly now?: () => number;
}

/** The default batch: short enough that each statement holds its row locks for milliseconds. */
export const DELETE_BATCH_SIZE = 5000;

/**
 * Deletes in short statements, each at most `batchSize` rows (`deleteBatch(limit)` runs one and
 * says how many it deleted), until a batch deletes fewer than that or the deadline passes: never
 * one DELETE of millions of rows that holds its locks, bloats one transaction and blocks vacuum
 * for its whole length. Writers of other rows never wait for it; rows locked by others are left
 * for the next run (each batch selects with SKIP LOCKED). @returns how many rows were deleted.
 */
export async function deleteInBatches(deleteBatch: (limit: number) => Promise<number>, options: BatchedDeletionOptions = {}): Promise<number> {
	const batchSize = options.batchSize ?? DELETE_BATCH_SIZE;
	const now = options.now ?? Date.now;
	let deleted = 0;
	for (;;) {
		const count = await deleteBatch(batchSize);
		deleted += count;
		options.onBatch?.(count);
		if (count < batchSize || (options.deadline !== undefined && now() >= options.deadline)) return deleted;
	}
}
