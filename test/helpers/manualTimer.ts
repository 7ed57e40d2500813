import type { GroupCommitTimer } from '#lib/database/GroupCommit';

/** A GroupCommit timer the test closes by hand: which windows are open, for how long each asked to be, and when the next one opens. */
export class ManualTimer {
	public readonly pending: { readonly ms: number; readonly run: () => void; cancelled: boolean }[] = [];
	private readonly waiting: (() => void)[] = [];

	public readonly timer: GroupCommitTimer = (run, ms) => {
		const entry = { ms, run, cancelled: false };
		this.pending.push(entry);
		for (const resolve of this.waiting.splice(0)) resolve();
		return { cancel: () => (entry.cancelled = true) };
	};

	/** The windows still open. */
	public get open(): number {
		return this.pending.filter((entry) => !entry.cancelled).length;
	}

	/** Resolves when the next window opens. */
	public nextWindow(): Promise<void> {
		return new Promise((resolve) => this.waiting.push(resolve));
	}

	/** Closes every open window, as if its time had passed. */
	public fire(): void {
		for (const entry of this.pending.splice(0)) if (!entry.cancelled) entry.run();
	}
}
