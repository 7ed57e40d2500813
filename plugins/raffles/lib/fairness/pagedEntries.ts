import type { TicketEntry } from './types.js';

/**
 * The ticket table read in keyset pages, in order: `fetchPage(afterKey, limit)` returns up to
 * `limit` entries whose key sorts after `afterKey` (all from the start when null), in table order
 * (SQL: `WHERE key > $1 ORDER BY key COLLATE "C" LIMIT $2`). Yields whole pages (the draw takes
 * them as they are) and asks for the next page while the current one is being processed.
 */
export async function* pagedEntries(
	fetchPage: (afterKey: string | null, limit: number) => Promise<readonly TicketEntry[]>,
	pageSize = 20_000
): AsyncGenerator<readonly TicketEntry[], void, undefined> {
	if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError('The page size must be a positive whole number.');
	let next: Promise<readonly TicketEntry[]> | null = fetchPage(null, pageSize);
	try {
		while (next !== null) {
			const page: readonly TicketEntry[] = await next;
			next = page.length < pageSize ? null : fetchPage(page[page.length - 1]!.key, pageSize);
			if (page.length > 0) yield page;
		}
	} finally {
		// A reader that stops early leaves a page in flight: let it settle unobserved.
		next?.catch(() => undefined);
	}
}

/**
 * The ticket table read in keyset pages of canonical text: `fetchPage(afterKey, limit)` returns
 * the lines (`key TAB tickets LF` each) of up to `limit` entries whose key sorts after `afterKey`
 * (from the start when null), e.g.
 * `SELECT coalesce(string_agg(key || E'\t' || tickets, E'\n') || E'\n', '') FROM
 * (SELECT key, tickets FROM … WHERE key > coalesce($1, '') ORDER BY key COLLATE "C" LIMIT $2) AS page`
 * (the aggregate takes the subquery's order; the engine refuses a table out of order). One string
 * per page instead of an object per row: the fastest read (docs/benchmarks.md, section 7).
 */
export async function* pagedTableText(
	fetchPage: (afterKey: string | null, limit: number) => Promise<string>,
	pageSize = 20_000
): AsyncGenerator<string, void, undefined> {
	if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError('The page size must be a positive whole number.');
	let next: Promise<string> | null = fetchPage(null, pageSize);
	try {
		while (next !== null) {
			const text: string = await next;
			let lines = 0;
			for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
			const lastLine = text.lastIndexOf('\n', text.length - 2) + 1;
			next = lines < pageSize ? null : fetchPage(text.slice(lastLine, text.indexOf('\t', lastLine)), pageSize);
			if (text !== '') yield text;
		}
	} finally {
		next?.catch(() => undefined);
	}
}
