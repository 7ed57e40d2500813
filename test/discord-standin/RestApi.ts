import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UploadedFile } from './messagePayloads.js';
import type { RateLimitSwitch } from './RateLimitSwitch.js';
import type { RestLog } from './RestLog.js';
import { isTokenlessRoute } from './restRoutes.js';
import { RestError, type RestResponse, type Router } from './Router.js';

/** The prefix of every REST route, as discord.js builds URLs from `rest.api`. */
export const API_PREFIX = '/api/v10';

/** Serves `/api/v10/...`: parses the body, checks the token and the 429 switch, routes, answers and logs the call. */
export class RestApi {
	public constructor(
		private readonly router: Router,
		private readonly log: RestLog,
		private readonly rateLimits: RateLimitSwitch,
		private readonly token: string
	) {}

	public async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
		const method = (request.method ?? 'GET').toUpperCase();
		// Decoding each segment turns `%40original` into `@original` while keeping encoded slashes apart.
		const path = `/${url.pathname.slice(API_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent).join('/')}`;
		const query = Object.fromEntries(url.searchParams.entries());
		const headers = Object.fromEntries(
			Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')])
		);
		let parsed: { body: unknown; files: UploadedFile[] } = { body: null, files: [] };
		let answer: RestResponse;
		try {
			parsed = await parseBody(request);
			answer = await this.answer(method, path, query, headers, parsed);
		} catch (error) {
			answer =
				error instanceof RestError ? error.toResponse() : { status: 500, body: { message: `Stand-in error: ${(error as Error).message}`, code: 0 } };
		}
		this.log.record({
			method,
			path,
			query,
			headers,
			body: parsed.body,
			// The log names the files; their bytes stay with the messages (StandInState.attachmentData).
			files: parsed.files.map(({ data: _data, ...described }) => described),
			status: answer.status,
			response: answer.body ?? null,
			at: Date.now()
		});
		writeJson(response, answer);
	}

	private async answer(
		method: string,
		path: string,
		query: Record<string, string>,
		headers: Record<string, string>,
		parsed: { body: unknown; files: UploadedFile[] }
	): Promise<RestResponse> {
		if (!isTokenlessRoute(path) && headers.authorization !== `Bot ${this.token}`) throw new RestError(401, 0, '401: Unauthorized');
		const limit = this.rateLimits.take(method, path);
		if (limit) {
			return {
				status: 429,
				headers: {
					'retry-after': String(limit.retryAfter),
					'x-ratelimit-scope': limit.global ? 'global' : 'user',
					...(limit.global ? { 'x-ratelimit-global': 'true' } : {})
				},
				body: { message: 'You are being rate limited.', retry_after: limit.retryAfter, global: limit.global }
			};
		}
		const match = this.router.match(method, path);
		if (!match.handler) throw new RestError(match.methodNotAllowed ? 405 : 404, 0, match.methodNotAllowed ? '405: Method Not Allowed' : '404: Not Found');
		return match.handler({ method, path, params: match.params, query, headers, body: parsed.body, files: parsed.files });
	}
}

export function writeJson(response: ServerResponse, answer: RestResponse): void {
	const headers = { ...answer.headers };
	if (answer.status === 204 || answer.body === undefined) {
		response.writeHead(answer.status, headers).end();
		return;
	}
	response.writeHead(answer.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** JSON bodies as they are; multipart bodies (messages with files) as their `payload_json` plus the files' names and sizes. */
async function parseBody(request: IncomingMessage): Promise<{ body: unknown; files: UploadedFile[] }> {
	const raw = await readBody(request);
	if (raw.length === 0) return { body: null, files: [] };
	const contentType = request.headers['content-type'] ?? '';
	if (contentType.startsWith('multipart/form-data')) {
		const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
		const files: UploadedFile[] = [];
		let body: unknown = null;
		for (const [field, value] of form.entries()) {
			if (typeof value === 'string') {
				if (field === 'payload_json') body = JSON.parse(value);
			} else {
				files.push({
					field,
					filename: value.name,
					size: value.size,
					contentType: value.type || 'application/octet-stream',
					data: Buffer.from(await value.arrayBuffer())
				});
			}
		}
		return { body, files };
	}
	try {
		return { body: JSON.parse(raw.toString('utf8')), files: [] };
	} catch {
		throw new RestError(400, 50109, 'The request body contains invalid JSON.');
	}
}
