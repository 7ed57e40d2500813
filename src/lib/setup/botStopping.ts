/** Work plugins finish when the bot stops (what they batch in memory), run after events stop coming and before the database closes. */
const hooks = new Set<() => Promise<unknown>>();

/** Runs `finish` when the bot stops; the answer forgets it again. */
export function whenBotStops(finish: () => Promise<unknown>): () => void {
	hooks.add(finish);
	return () => hooks.delete(finish);
}

/** Runs every hook at once; one that fails is reported and does not stop the others. */
export async function finishBeforeStopping(report: (error: unknown) => void): Promise<void> {
	const results = await Promise.allSettled([...hooks].map((finish) => finish()));
	for (const result of results) if (result.status === 'rejected') report(result.reason);
}
