import type { z } from 'zod';
import { KickApiError } from './KickApiError.js';

export const DEFAULT_KICK_TIMEOUT_MS = 10_000;

/** How a client reaches Kick: the fetch to use and how long one call (answer and body) may take. */
export interface KickHttp {
	readonly fetch: typeof fetch;
	readonly timeoutMs: number;
}

export interface KickCall {
	readonly method: 'GET' | 'POST' | 'DELETE';
	readonly url: URL;
	/** Method and path below the base URL, for errors: `POST /chat`. */
	readonly endpoint: string;
	readonly headers?: Readonly<Record<string, string>>;
	readonly body?: string;
	/** What the call does, in words, for errors: "refresh a token". */
	readonly purpose?: string;
	/**
	 * Only a 400 or 401 with an OAuth `error` is a refusal; any other failure is passing. Kick's
	 * token endpoint has answered an outage with an empty 400 (KickDevDocs#156) and its edge blocks
	 * with 403 `{"error":"Request blocked by security policy."}` (#281): neither means a dead grant.
	 */
	readonly onlyOAuthErrorsRefuse?: boolean;
}

/** Sends the call and returns the success body validated and mapped by `schema`. */
export async function callKickJson<T>(http: KickHttp, call: KickCall, schema: z.ZodType<T>): Promise<T> {
	const { status, text } = await send(http, call);
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw KickApiError.unexpectedBody(call.endpoint, status, `not JSON: ${excerpt(text)}`);
	}
	const parsed = schema.safeParse(json);
	if (!parsed.success) throw KickApiError.unexpectedBody(call.endpoint, status, describeIssues(parsed.error));
	return parsed.data;
}

/** Sends a call whose success body carries nothing the bot needs (204, "OK"). */
export async function callKick(http: KickHttp, call: KickCall): Promise<void> {
	await send(http, call);
}

async function send(http: KickHttp, call: KickCall): Promise<{ status: number; text: string }> {
	const signal = AbortSignal.timeout(http.timeoutMs);
	try {
		const response = await http.fetch(call.url, { method: call.method, headers: call.headers, body: call.body, signal });
		const text = await response.text();
		if (!response.ok) {
			const oauthRefusal = (response.status === 400 || response.status === 401) && hasOAuthError(text);
			throw KickApiError.refused({
				endpoint: call.endpoint,
				status: response.status,
				kickMessage: kickMessageOf(text),
				purpose: call.purpose,
				transient: call.onlyOAuthErrorsRefuse === true && !oauthRefusal,
				retryAfterMs: retryAfterMsOf(response.headers.get('retry-after'))
			});
		}
		return { status: response.status, text };
	} catch (error) {
		if (error instanceof KickApiError) throw error;
		if (signal.aborted) throw KickApiError.timedOut(call.endpoint, http.timeoutMs, error);
		throw KickApiError.unreachable(call.endpoint, error);
	}
}

/**
 * What an error body says. Kick's OAuth server answers `{error, error_description}`, its API
 * `{data, message}` (data sometimes a reason such as "Channel not found"), its edge plain text.
 */
function kickMessageOf(text: string): string | null {
	const trimmed = text.trim();
	if (trimmed === '') return null;
	let body: unknown;
	try {
		body = JSON.parse(trimmed);
	} catch {
		return excerpt(trimmed);
	}
	if (typeof body !== 'object' || body === null) return excerpt(trimmed);
	const fields = body as Record<string, unknown>;
	const oauth = [fields.error, fields.error_description].filter(isText);
	if (oauth.length > 0) return oauth.join(': ');
	const api = [fields.message, fields.data].filter(isText);
	return api.length > 0 ? api.join(': ') : excerpt(trimmed);
}

/** Retry-After as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
function retryAfterMsOf(header: string | null): number | null {
	if (header === null || header.trim() === '') return null;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(header);
	return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function hasOAuthError(text: string): boolean {
	try {
		const body: unknown = JSON.parse(text);
		return typeof body === 'object' && body !== null && isText((body as Record<string, unknown>).error);
	} catch {
		return false;
	}
}

function isText(value: unknown): value is string {
	return typeof value === 'string' && value.trim() !== '';
}

function excerpt(text: string): string {
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function describeIssues(error: z.ZodError): string {
	const shown = error.issues.slice(0, 3).map((issue) => `${issue.path.length === 0 ? 'body' : issue.path.join('.')}: ${issue.message}`);
	const more = error.issues.length - shown.length;
	return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
