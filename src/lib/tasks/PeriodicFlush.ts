/**
 * Runs `write` every `everyMs` once woken (by the first thing recorded), one write at a time: a
 * flush asked for while another runs starts after it. The hot-path batchers of plugins (command
 * uses, chat lines, presence) keep what they count in memory and write it with this.
 */
export class PeriodicFlush {
	private timer: NodeJS.Timeout | undefined;
	/** The write under way, if any. */
	private flushing: Promise<void> = Promise.resolve();

	public constructor(
		private readonly write: () => Promise<void>,
		private readonly everyMs: number,
		/** A timed write that failed; the batcher keeps what it could not write for the next one. */
		private readonly onError: (error: unknown) => void = () => undefined
	) {}

	/** Starts the timer if it is not running; cheap enough to call on every record. */
	public wake(): void {
		// unref: pending counts never keep a stopping process alive; close() writes them.
		this.timer ??= setInterval(() => void this.flush().catch(this.onError), this.everyMs).unref();
	}

	/** Writes now, after any write under way; rejects with this write's failure. */
	public flush(): Promise<void> {
		const next = this.flushing.catch(() => undefined).then(this.write);
		this.flushing = next;
		return next;
	}

	/** Stops the timer, then writes what is left. */
	public async close(): Promise<void> {
		clearInterval(this.timer);
		this.timer = undefined;
		await this.flush();
	}
}
