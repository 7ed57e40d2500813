/** Which requests a rate limit applies to: all, or those whose method and decoded path match. */
export interface RateLimitMatch {
	readonly method?: string;
	readonly path?: string | RegExp;
}

export interface RateLimitOptions extends RateLimitMatch {
	/** How many matching requests get a 429. */
	readonly count?: number;
	/** Seconds the client is told to wait (`Retry-After` and `retry_after`). */
	readonly retryAfter?: number;
	readonly global?: boolean;
}

interface PendingRateLimit extends Required<Omit<RateLimitOptions, keyof RateLimitMatch>>, RateLimitMatch {
	remaining: number;
}

/** Answers 429 to the next N matching requests, so tests can check how the client backs off. */
export class RateLimitSwitch {
	private readonly pending: PendingRateLimit[] = [];

	public limitNext(options: RateLimitOptions = {}): void {
		const count = options.count ?? 1;
		this.pending.push({ ...options, count, remaining: count, retryAfter: options.retryAfter ?? 0.2, global: options.global ?? false });
	}

	/** The limit to apply to this request (consuming one of its count), if any. */
	public take(method: string, path: string): { readonly retryAfter: number; readonly global: boolean } | undefined {
		const index = this.pending.findIndex((limit) => matches(limit, method, path));
		const limit = this.pending[index];
		if (!limit) return undefined;
		limit.remaining -= 1;
		if (limit.remaining <= 0) this.pending.splice(index, 1);
		return { retryAfter: limit.retryAfter, global: limit.global };
	}

	public clear(): void {
		this.pending.length = 0;
	}
}

function matches(limit: RateLimitMatch, method: string, path: string): boolean {
	if (limit.method !== undefined && limit.method.toUpperCase() !== method) return false;
	if (limit.path === undefined) return true;
	return typeof limit.path === 'string' ? limit.path === path : limit.path.test(path);
}
