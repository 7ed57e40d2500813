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
