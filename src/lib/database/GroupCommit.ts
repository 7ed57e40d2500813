/**
 * Turns many small writes into few statements ("group commit"): an item submitted while no
 * write runs goes out at the next turn of the event loop, together with everything submitted
 * meanwhile; items submitted while a write runs go out together right after it. So one item
 * alone waits for one statement, and a burst shares statements instead of queueing them.
 * Written here because the batching libraries (DataLoader and the like) batch reads by key and cache them.
 */
export class GroupCommit<Item, Result> {
	private waiting: { readonly item: Item; readonly resolve: (result: Result) => void; readonly reject: (error: unknown) => void }[] = [];
	private running: Promise<void> | null = null;

	/**
	 * @param write writes a batch and returns one result per item, in order; when it throws, every item of the batch rejects with its error.
	 * @param maxBatch the most items one write takes.
	 */
	public constructor(
		private readonly write: (items: readonly Item[]) => Promise<readonly Result[]>,
		private readonly maxBatch = 1000
	) {}

	/** Resolves with the item's result once the write that took it is done. */
	public submit(item: Item): Promise<Result> {
		const result = new Promise<Result>((resolve, reject) => this.waiting.push({ item, resolve, reject }));
		this.running ??= this.run();
		return result;
	}

	/** Items submitted and not yet written. */
	public get backlog(): number {
		return this.waiting.length;
	}

	/** Resolves when everything submitted so far is written (or failed). */
	public async settled(): Promise<void> {
		while (this.running !== null) await this.running;
	}

	private async run(): Promise<void> {
		// One turn of the event loop lets the writes of requests arriving together join the first batch.
		await new Promise((resolve) => setImmediate(resolve));
		while (this.waiting.length > 0) {
			const batch = this.waiting.splice(0, this.maxBatch);
			try {
				const results = await this.write(batch.map((entry) => entry.item));
				for (const [index, entry] of batch.entries()) entry.resolve(results[index] as Result);
			} catch (error) {
				for (const entry of batch) entry.reject(error);
			}
		}
		this.running = null;
	}
}
