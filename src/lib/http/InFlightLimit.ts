/**
 * A bound on work taken in at once: `tryEnter` takes a place or says there is none, `leave`
 * gives it back. What is refused is asked to come back later, instead of waiting in memory
 * without bound while the database or the listeners cannot keep up.
 */
export class InFlightLimit {
	private inFlight = 0;

	public constructor(public readonly limit: number) {
		if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`An in-flight limit is a whole number from 1 (got ${limit})`);
	}

	/** How many places are taken now. */
	public get current(): number {
		return this.inFlight;
	}

	/** Takes a place; false when all are taken (then nothing was taken). */
	public tryEnter(): boolean {
		if (this.inFlight >= this.limit) return false;
		this.inFlight += 1;
		return true;
	}

	/** Gives back a place taken by `tryEnter`. */
	public leave(): void {
		this.inFlight -= 1;
	}
}
