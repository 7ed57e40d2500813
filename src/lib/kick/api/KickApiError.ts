import { STATUS_CODES } from 'node:http';

export interface KickApiErrorOptions {
	/** Method and path below the base URL, e.g. `POST /chat`. */
	readonly endpoint: string;
	/** The HTTP status Kick answered with; null when no answer arrived. */
	readonly status: number | null;
	/** What Kick said about the failure (`error_description`, `error`, `message` or the body's text). */
	readonly kickMessage?: string | null;
	readonly retryable: boolean;
	/** How long Kick asked to wait (Retry-After), when it did. */
	readonly retryAfterMs?: number | null;
	readonly message: string;
	readonly cause?: unknown;
}

export interface KickRefusal {
	readonly endpoint: string;
	readonly status: number;
	readonly kickMessage: string | null;
	/** What the call does, in words: "refresh a token". */
	readonly purpose?: string;
	/** The caller knows this refusal to be passing (e.g. an edge block at the token endpoint). */
	readonly transient?: boolean;
	readonly retryAfterMs?: number | null;
}

/**
 * A Kick call that failed: refused by Kick, not answered (network, timeout), answered with a body
 * the bot does not understand, or refused by the client before sending. `retryable` is true when
 * the same call may succeed later (no answer, 429, 5xx, or a refusal known to be passing).
 */
export class KickApiError extends Error {
	public readonly status: number | null;
	public readonly endpoint: string;
	public readonly kickMessage: string | null;
	public readonly retryable: boolean;
	/** Kick's Retry-After in ms (429, 503), else null; a sender waits at least this long. */
	public readonly retryAfterMs: number | null;

	public constructor(options: KickApiErrorOptions) {
		super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'KickApiError';
		this.status = options.status;
		this.endpoint = options.endpoint;
		this.kickMessage = options.kickMessage ?? null;
		this.retryable = options.retryable;
		this.retryAfterMs = options.retryAfterMs ?? null;
	}

	/**
	 * Kick answered with an error status: "Kick refused POST /chat (401 Unauthorized: token expired)".
	 * Retryable for 429 and 5xx, or when the caller knows the refusal to be passing.
	 */
	public static refused(refusal: KickRefusal): KickApiError {
		const { endpoint, status, kickMessage, purpose } = refusal;
		const statusName = STATUS_CODES[status] ?? 'Unknown Status';
		// Kick often just repeats the status ({"message":"Unauthorized"}); saying it twice adds nothing.
		const detail = kickMessage === null || kickMessage.toLowerCase() === statusName.toLowerCase() ? '' : `: ${kickMessage}`;
		return new KickApiError({
			endpoint,
			status,
			kickMessage,
			retryable: refusal.transient === true || isRetryableStatus(status),
			retryAfterMs: refusal.retryAfterMs,
			message: `Kick refused ${endpoint}${purpose === undefined ? '' : ` to ${purpose}`} (${status} ${statusName}${detail})`
		});
	}

	public static unreachable(endpoint: string, cause: unknown): KickApiError {
		const reason = describeNetworkError(cause);
		return new KickApiError({ endpoint, status: null, retryable: true, cause, message: `Kick could not be reached for ${endpoint} (${reason})` });
	}

	public static timedOut(endpoint: string, timeoutMs: number, cause: unknown): KickApiError {
		return new KickApiError({ endpoint, status: null, retryable: true, cause, message: `Kick did not answer ${endpoint} within ${timeoutMs} ms` });
	}

	/** A success status with a body that does not fit what Kick documents: retrying would read the same. */
	public static unexpectedBody(endpoint: string, status: number, problem: string): KickApiError {
		const message = `Kick answered ${endpoint} with ${status} and a body the bot does not understand: ${problem}`;
		return new KickApiError({ endpoint, status, retryable: false, message });
	}

	/** The client refused to send a call Kick would refuse (e.g. a chat message over 500 characters). */
	public static invalidRequest(endpoint: string, problem: string): KickApiError {
		return new KickApiError({ endpoint, status: null, retryable: false, message: `Not sent to Kick: ${endpoint} ${problem}` });
	}
}

function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

function describeNetworkError(error: unknown): string {
	// undici reports "fetch failed" and puts the system error (ECONNREFUSED, ENOTFOUND, …) in `cause`.
	const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
	return cause instanceof Error ? cause.message : String(cause);
}
