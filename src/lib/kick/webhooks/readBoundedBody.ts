import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long the rest of a refused body is read and dropped after the answer, at most. */
const LINGER_MS = 5_000;

/** The body as received, or why there is none to act on: over the cap (answer 413), or the client went away (nothing to answer). */
export type BoundedBody = { readonly kind: 'body'; readonly body: Buffer } | { readonly kind: 'too-large' } | { readonly kind: 'aborted' };

/**
 * Reads a request body while it streams in and stops at `maxBytes`: a declared Content-Length
 * over the cap is refused before reading, and a chunked body (no Content-Length) the moment it
 * passes the cap. The request is left paused rather than destroyed, so the caller can still
 * answer 413 on its connection (then `dropRestOfBody`).
 */
export function readBoundedBody(request: IncomingMessage, maxBytes: number): Promise<BoundedBody> {
	const declared = request.headers['content-length'];
	if (declared !== undefined && Number(declared) > maxBytes) return Promise.resolve({ kind: 'too-large' });
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const finish = (result: BoundedBody): void => {
			request.off('data', onData).off('end', onEnd).off('error', onAborted).off('close', onAborted);
			resolve(result);
		};
		const onData = (chunk: Buffer): void => {
			size += chunk.length;
			if (size > maxBytes) {
				request.pause();
				finish({ kind: 'too-large' });
			} else chunks.push(chunk);
		};
		// A body that came in one chunk (a Kick event, usually) is that chunk: no copy.
		const onEnd = (): void => finish({ kind: 'body', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
		const onAborted = (): void => finish({ kind: 'aborted' });
		request.on('data', onData).on('end', onEnd).on('error', onAborted).on('close', onAborted);
	});
}

/**
 * After answering a body over the cap: what the client still sends is read and dropped for
 * LINGER_MS, then the connection is closed. Closing at once, with its data unread, would reset
 * the connection, and the client would likely lose the answer before reading it.
 */
export function dropRestOfBody(request: IncomingMessage, response: ServerResponse): void {
	request.resume();
	// A request still unfinished then is abandoned: destroying it closes its connection.
	response.once('finish', () => setTimeout(() => request.destroy(), LINGER_MS).unref());
}
