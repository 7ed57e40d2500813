/**
 * Remembers the signatures of the dashboard messages this process accepted, for as long as
 * their timestamp keeps them inside the age window; past it the age check refuses them anyway.
 * In memory and per process on purpose: every bot process must act on every message (each has
 * its own caches), so a key shared in Redis would let only the first process act.
 */
export class ReplayGuard {
	/** sig → the time (ms) after which the age check alone refuses the message. */
	private readonly seen = new Map<string, number>();
	private nextPruneAt = 0;

	public constructor(private readonly maxAgeSeconds: number) {}

	/** Records the signature; false when it was already recorded (a replay). */
	public remember(sig: string, timestampSeconds: number, nowMs: number): boolean {
		this.prune(nowMs);
		if (this.seen.has(sig)) return false;
		// One second of margin over the age check's own limit.
		this.seen.set(sig, (timestampSeconds + this.maxAgeSeconds + 1) * 1000);
		return true;
	}

	public get size(): number {
		return this.seen.size;
	}

	private prune(nowMs: number): void {
		if (nowMs < this.nextPruneAt) return;
		this.nextPruneAt = nowMs + 1000;
		for (const [sig, forgetAfter] of this.seen) if (forgetAfter < nowMs) this.seen.delete(sig);
	}
}
