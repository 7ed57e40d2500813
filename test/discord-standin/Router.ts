import type { UploadedFile } from './messagePayloads.js';

/** A REST request as route handlers see it: the path below `/api/v10`, decoded, with its `:params`. */
export interface RestRequest {
	readonly method: string;
	readonly path: string;
	readonly params: Readonly<Record<string, string>>;
	readonly query: Readonly<Record<string, string>>;
	readonly headers: Readonly<Record<string, string>>;
	readonly body: unknown;
	readonly files: readonly UploadedFile[];
}

export interface RestResponse {
	readonly status: number;
	/** Sent as JSON; no body for 204. */
	readonly body?: unknown;
	readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: RestRequest) => RestResponse | Promise<RestResponse>;

/** An error as Discord reports it: `{ message, code }` (and `errors` for invalid form bodies). */
export class RestError extends Error {
	public constructor(
		public readonly status: number,
		public readonly code: number,
		message: string,
		public readonly errors?: Record<string, unknown>
	) {
		super(message);
	}

	public toResponse(): RestResponse {
		return { status: this.status, body: { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}) } };
	}
}

interface Route {
	readonly method: string;
	readonly segments: readonly string[];
	readonly handler: RouteHandler;
}

export type RouteMatch =
	{ readonly handler: RouteHandler; readonly params: Record<string, string> } | { readonly handler: null; readonly methodNotAllowed: boolean };

/** Matches a method and a decoded path against patterns such as `/channels/:channel/messages/:message`. */
export class Router {
	private readonly routes: Route[] = [];

	public add(method: string, pattern: string, handler: RouteHandler): this {
		this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
		return this;
	}

	public match(method: string, path: string): RouteMatch {
		const segments = path.split('/').filter(Boolean);
		let pathKnown = false;
		for (const route of this.routes) {
			const params = matchSegments(route.segments, segments);
			if (!params) continue;
			pathKnown = true;
			if (route.method === method) return { handler: route.handler, params };
		}
		return { handler: null, methodNotAllowed: pathKnown };
	}
}

function matchSegments(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
	if (pattern.length !== segments.length) return undefined;
	const params: Record<string, string> = {};
	for (const [index, part] of pattern.entries()) {
		const segment = segments[index]!;
		if (part.startsWith(':')) params[part.slice(1)] = segment;
		else if (part !== segment) return undefined;
	}
	return params;
}
