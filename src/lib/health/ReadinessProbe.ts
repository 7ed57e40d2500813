/** What `/ready` checks. */
export type ReadinessCheckName = 'discord' | 'database' | 'migrations' | 'redis';

/** Each check's state: `ok`, or a few words saying what is wrong (never an error's text: the answer is public). */
export type ReadinessState = 'ok' | 'not connected' | 'unreachable' | 'timed out' | 'not applied' | 'unknown';

export interface Readiness {
	readonly ready: boolean;
	/** The checks that are not ok (a check that could not run because another failed is left out). */
	readonly notReady: readonly ReadinessCheckName[];
	readonly checks: Readonly<Record<ReadinessCheckName, ReadinessState>>;
}

export interface ReadinessChecks {
	/** Whether every Discord shard of this process is connected and ready. */
	discordConnected(): boolean;
	/** One cheap query: the migrations of `names` that are not applied (finished and not rolled back). */
	pendingMigrations(names: readonly string[]): Promise<readonly string[]>;
	/** A PING on a connection that fails at once while Redis is away. */
	pingRedis(): Promise<unknown>;
}

export interface ReadinessProbeOptions {
	readonly checks: ReadinessChecks;
	/** The migrations this build knows: all of them must be applied. */
	readonly migrations: readonly string[];
	/** How long an answer is reused (default 1 s), so probing often costs the database and Redis at most one check each per this. */
	readonly cacheMs?: number;
	/** How long one check may take before it counts as failed (default 2 s). */
	readonly timeoutMs?: number;
	/** Told when readiness changes, with the reasons of the checks that failed (for the log). */
	readonly onChange?: (readiness: Readiness, reasons: readonly string[]) => void;
	readonly now?: () => number;
}

class CheckTimeout extends Error {
	public constructor(ms: number) {
		super(`no answer within ${ms} ms`);
	}
}

/**
 * Whether this process can do its work: Discord connected, the database reachable with every
 * migration applied, Redis reachable. Answers are cached for a second and concurrent askers
 * share one check, each check bounded by a timeout, so a prober cannot overload anything.
 */
export class ReadinessProbe {
	private readonly cacheMs: number;
	private readonly timeoutMs: number;
	private readonly now: () => number;
	private last: { readonly readiness: Readiness; readonly at: number } | undefined;
	private checking: Promise<Readiness> | undefined;

	public constructor(private readonly options: ReadinessProbeOptions) {
		this.cacheMs = options.cacheMs ?? 1000;
		this.timeoutMs = options.timeoutMs ?? 2000;
		this.now = options.now ?? Date.now;
	}

	public check(): Promise<Readiness> {
		if (this.last !== undefined && this.now() - this.last.at < this.cacheMs) return Promise.resolve(this.last.readiness);
		this.checking ??= this.checkNow().finally(() => (this.checking = undefined));
		return this.checking;
	}

	private async checkNow(): Promise<Readiness> {
		const { checks, migrations } = this.options;
		const reasons: string[] = [];
		const failed = (name: ReadinessCheckName, error: unknown): ReadinessState => {
			reasons.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
			return error instanceof CheckTimeout ? 'timed out' : 'unreachable';
		};
		const [pending, redis] = await Promise.all([
			this.bounded(checks.pendingMigrations(migrations)).catch((error: unknown) => failed('database', error)),
			this.bounded(checks.pingRedis()).then(
				(): ReadinessState => 'ok',
				(error: unknown) => failed('redis', error)
			)
		]);
		const database: ReadinessState = typeof pending === 'string' ? pending : 'ok';
		let migrationState: ReadinessState = 'unknown';
		if (typeof pending !== 'string') {
			migrationState = pending.length === 0 ? 'ok' : 'not applied';
			if (pending.length > 0) reasons.push(`migrations: ${pending.length} not applied (${pending.join(', ')})`);
		}
		const discord: ReadinessState = checks.discordConnected() ? 'ok' : 'not connected';
		if (discord !== 'ok') reasons.push('discord: not connected (a shard of this process is not ready)');
		const states = { discord, database, migrations: migrationState, redis };
		const notReady = (Object.keys(states) as ReadinessCheckName[]).filter((name) => states[name] !== 'ok' && states[name] !== 'unknown');
		const readiness: Readiness = { ready: notReady.length === 0, notReady, checks: states };
		// Ready is what a process starts out meaning to be: the first answer is news only when it is not ready.
		if ((this.last?.readiness.ready ?? true) !== readiness.ready) this.options.onChange?.(readiness, reasons);
		this.last = { readiness, at: this.now() };
		return readiness;
	}

	private bounded<T>(work: Promise<T>): Promise<T> {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new CheckTimeout(this.timeoutMs)), this.timeoutMs);
		});
		return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
	}
}
