/** A request as route handlers see it: the body already parsed by its content type. */
export interface StandInRequest {
	readonly method: string;
	/** The full path: `/oauth/token`, `/public/v1/chat`. */
	readonly path: string;
	readonly query: URLSearchParams;
	/** Lower-case names. */
	readonly headers: Readonly<Record<string, string>>;
	/** Parsed JSON (application/json), an object of strings (form), other text, or null when empty. */
	readonly body: unknown;
	/** The media type without parameters, lower case; '' when absent. */
	readonly contentType: string;
}

export interface StandInResponse {
	readonly status: number;
	/** Sent as JSON. */
	readonly json?: unknown;
	/** Sent as text/plain when there is no `json`. */
	readonly text?: string;
	readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: StandInRequest) => StandInResponse;

/** Handlers by path, then by method. */
export type Routes = Readonly<Record<string, Partial<Record<string, RouteHandler>>>>;

/** An error as Kick's public API answers it: `{ data, message }`, data {} or a reason. */
export class ApiError extends Error {
	public constructor(
		public readonly status: number,
		message: string,
		public readonly data: unknown = {}
	) {
		super(message);
	}

	public toResponse(): StandInResponse {
		return { status: this.status, json: { data: this.data, message: this.message } };
	}
}

export function badRequest(reason: string): ApiError {
	return new ApiError(400, 'Bad request', reason);
}

/** The bearer value of an Authorization header, or null. */
export function bearerToken(request: StandInRequest): string | null {
	const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
	return match ? match[1]! : null;
}
