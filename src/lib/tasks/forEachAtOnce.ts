/**
 * Runs `work` for every item, at most `atOnce` at a time, in the items' order; resolves when
 * all are done. `work` handles its own failures: one that rejects stops nothing else, and the
 * first rejection is thrown once every item ran.
 */
export async function forEachAtOnce<Item>(items: readonly Item[], atOnce: number, work: (item: Item) => Promise<void>): Promise<void> {
	if (!Number.isSafeInteger(atOnce) || atOnce < 1) throw new TypeError(`atOnce is a whole number from 1 (got ${atOnce})`);
	let next = 0;
	// Wrapped, so a rejection with undefined still counts as one.
	let failure: { error: unknown } | undefined;
	const worker = async (): Promise<void> => {
		while (next < items.length) {
			const item = items[next++]!;
			try {
				await work(item);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker));
	if (failure !== undefined) throw failure.error;
}
