import { EventEmitter } from 'node:events';
import { waitFor } from '../discord-standin/waitFor.js';

/** One HTTP request the stand-in received (OAuth or API) and what it answered. */
export interface KickRequest {
	/** Position in the log, from 0. */
	readonly index: number;
	readonly method: string;
	/** The full path: `/oauth/token`, `/public/v1/chat`. */
	readonly path: string;
	/** Every value of each query parameter, in order (`id=1&id=2` → `{ id: ['1', '2'] }`). */
	readonly query: Readonly<Record<string, readonly string[]>>;
	/** Lower-case names. */
	readonly headers: Readonly<Record<string, string>>;
	/** Parsed JSON, a form as an object of strings, other text as a string, or null without a body. */
	readonly body: unknown;
	readonly status: number;
	/** What was answered: parsed JSON, text, or null. */
	readonly response: unknown;
	readonly at: number;
}

export type KickRequestPredicate = (request: KickRequest) => boolean;

/** Every request in order; emits 'request' after each so tests can wait for one. */
export class RequestLog {
	public readonly events = new EventEmitter();
	private readonly requests: KickRequest[] = [];

	public constructor(private readonly defaultTimeoutMs: number) {}

	public record(request: Omit<KickRequest, 'index'>): KickRequest {
		const logged = { ...request, index: this.requests.length };
		this.requests.push(logged);
		this.events.emit('request', logged);
		return logged;
	}

	public all(): readonly KickRequest[] {
		return this.requests;
	}

	/** The position the next request will get: pass it as `from` to consider only later requests. */
	public mark(): number {
		return this.requests.length;
	}

	public filter(predicate: KickRequestPredicate, from = 0): KickRequest[] {
		return this.requests.slice(from).filter(predicate);
	}

	/** The first request (at or after `from`) that matches, waiting for it when there is none yet. */
	public waitFor(
		predicate: KickRequestPredicate,
		options: { readonly from?: number; readonly timeoutMs?: number; readonly description?: string } = {}
	): Promise<KickRequest> {
		const from = options.from ?? 0;
		return waitFor({
			emitter: this.events,
			event: 'request',
			check: () => this.requests.slice(from).find(predicate),
			timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
			describe: () => `${options.description ?? 'a matching request to the Kick stand-in'}. ${this.describe(from)}`
		});
	}

	/** A readable list of the requests since `from`, for failure messages. */
	public describe(from = 0): string {
		const requests = this.requests.slice(from);
		if (requests.length === 0) return 'No requests reached the Kick stand-in.';
		const shown = requests.slice(-40).map((request) => `  ${request.method} ${request.path}${formatQuery(request.query)} → ${request.status}`);
		return `Requests seen (${requests.length}${requests.length > shown.length ? `, last ${shown.length}` : ''}):\n${shown.join('\n')}`;
	}
}

function formatQuery(query: Readonly<Record<string, readonly string[]>>): string {
	const pairs = Object.entries(query).flatMap(([name, values]) => values.map((value): [string, string] => [name, value]));
	return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`;
}
