/** A timer the group commit waits on; tests pass a fake one. */
export type GroupCommitTimer = (run: () => void, ms: number) => { cancel(): void };

export interface GroupCommitOptions {
	/** The most items one write takes; a batch that reaches it is written without waiting out its window (default 1000). */
	readonly maxBatch?: number;
	/**
	 * How long the first item of a batch waits for others before the write starts (default 0: the
	 * next turn of the event loop). A few milliseconds make a stream of items share statements.
	 */
	readonly windowMs?: number;
	/** Default: setTimeout, or setImmediate for a window of 0. */
	readonly timer?: GroupCommitTimer;
}

const systemTimer: GroupCommitTimer = (run, ms) => {
	if (ms <= 0) {
		const immediate = setImmediate(run);
		return { cancel: () => clearImmediate(immediate) };
	}
	const timeout = setTimeout(run, ms);
	return { cancel: () => clearTimeout(timeout) };
};

interface Waiting<Item, Result> {
	readonly item: Item;
	readonly resolve: (result: Result) => void;
	readonly reject: (error: unknown) => void;
}

/**
 * Turns many small writes into few statements ("group commit"): the first item submitted opens a
 * window of `windowMs`, and everything submitted until it closes goes out in one write, or
 * sooner once `maxBatch` items wait. One write runs at a time; items submitted meanwhile open
 * the next window. So one item alone waits the window and one statement, and a stream of items
 * shares statements instead of queueing them.
 * Written here because the batching libraries (DataLoader and the like) batch reads by key and cache them.
 */
export class GroupCommit<Item, Result> {
	private waiting: Waiting<Item, Result>[] = [];
	private running: Promise<void> | null = null;
	private window: { cancel(): void } | null = null;
	private readonly maxBatch: number;
	private readonly windowMs: number;
	private readonly timer: GroupCommitTimer;

	/**
	 * @param write writes a batch and returns one result per item, in order; when it throws, every item of the batch rejects with its error.
	 * @param options the size and time limits of a batch, or the size limit alone (a number, as before).
	 */
	public constructor(
		private readonly write: (items: readonly Item[]) => Promise<readonly Result[]>,
		options: GroupCommitOptions | number = {}
	) {
		const { maxBatch = 1000, windowMs = 0, timer = systemTimer } = typeof options === 'number' ? { maxBatch: options } : options;
		this.maxBatch = maxBatch;
		this.windowMs = windowMs;
		this.timer = timer;
	}

	/** Resolves with the item's result once the write that took it is done. */
	public submit(item: Item): Promise<Result> {
		const result = new Promise<Result>((resolve, reject) => this.waiting.push({ item, resolve, reject }));
		if (this.running === null) {
			if (this.waiting.length >= this.maxBatch) this.flush();
			else this.window ??= this.timer(() => this.flush(), this.windowMs);
		}
		return result;
	}

	/** Items submitted and not yet written. */
	public get backlog(): number {
		return this.waiting.length;
	}

	/** Resolves when everything submitted so far is written (or failed); what waits in a window is written now. */
	public async settled(): Promise<void> {
		while (this.running !== null || this.waiting.length > 0) {
			if (this.running === null) this.flush();
			await this.running;
		}
	}

	/** Starts the write of what waits (the window closed, the batch is full, or someone waits for it). */
	private flush(): void {
		this.window?.cancel();
		this.window = null;
		if (this.running !== null || this.waiting.length === 0) return;
		const batch = this.waiting.splice(0, this.maxBatch);
		this.running = this.run(batch);
	}

	private async run(batch: readonly Waiting<Item, Result>[]): Promise<void> {
		try {
			const results = await this.write(batch.map((entry) => entry.item));
			for (const [index, entry] of batch.entries()) entry.resolve(results[index] as Result);
		} catch (error) {
			for (const entry of batch) entry.reject(error);
		}
		this.running = null;
		// What came in while this write ran: written at once when a batch is full, else once its own window closes.
		if (this.waiting.length >= this.maxBatch) this.flush();
		else if (this.waiting.length > 0) this.window ??= this.timer(() => this.flush(), this.windowMs);
	}
}
