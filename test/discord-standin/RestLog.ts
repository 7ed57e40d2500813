import { EventEmitter } from 'node:events';
import type { UploadedFile } from './messagePayloads.js';
import { waitFor } from './waitFor.js';

/** One REST request the bot made and what the stand-in answered. */
export interface RestCall {
	/** Position in the log, from 0. */
	readonly index: number;
	readonly method: string;
	/** The route below `/api/v10`, percent-decoded (`/webhooks/1/abc/messages/@original`). */
	readonly path: string;
	readonly query: Readonly<Record<string, string>>;
	readonly headers: Readonly<Record<string, string>>;
	/** The parsed JSON body (for multipart requests, the parsed `payload_json`), or null. */
	readonly body: unknown;
	readonly files: readonly Omit<UploadedFile, 'data'>[];
	readonly status: number;
	readonly response: unknown;
	readonly at: number;
}

export type RestCallPredicate = (call: RestCall) => boolean;

/** Every REST call in order; emits 'call' after each so tests can wait for one. */
export class RestLog {
	public readonly events = new EventEmitter();
	private readonly calls: RestCall[] = [];

	public record(call: Omit<RestCall, 'index'>): RestCall {
		const logged = { ...call, index: this.calls.length };
		this.calls.push(logged);
		this.events.emit('call', logged);
		return logged;
	}

	public all(): readonly RestCall[] {
		return this.calls;
	}

	/** The position the next call will get: pass it as `from` to consider only later calls. */
	public mark(): number {
		return this.calls.length;
	}

	public filter(predicate: RestCallPredicate, from = 0): RestCall[] {
		return this.calls.slice(from).filter(predicate);
	}

	/** The first call (at or after `from`) that matches, waiting for it when there is none yet. */
	public waitFor(
		predicate: RestCallPredicate,
		options: { readonly from?: number; readonly timeoutMs?: number; readonly description?: string } = {}
	): Promise<RestCall> {
		const from = options.from ?? 0;
		return waitFor({
			emitter: this.events,
			event: 'call',
			check: () => this.calls.slice(from).find(predicate),
			timeoutMs: options.timeoutMs,
			describe: () => `${options.description ?? 'a matching REST call'}. ${this.describe(from)}`
		});
	}

	/** A readable list of the calls since `from`, for failure messages. */
	public describe(from = 0): string {
		const calls = this.calls.slice(from);
		if (calls.length === 0) return 'No REST calls were made.';
		const shown = calls.slice(-40).map((call) => `  ${call.method} ${call.path}${formatQuery(call.query)} → ${call.status}`);
		return `REST calls seen (${calls.length}${calls.length > shown.length ? `, last ${shown.length}` : ''}):\n${shown.join('\n')}`;
	}
}

function formatQuery(query: Readonly<Record<string, string>>): string {
	const entries = Object.entries(query);
	return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}
